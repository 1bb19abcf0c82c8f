import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { declarationText } from '../../src/vscode/inline/context/declaration';
import { identifiersBeforeCursor, wordBefore } from '../../src/vscode/inline/context/identifiers';

const names = (prefix: string, linesAbove?: number, max?: number): string[] =>
  identifiersBeforeCursor(prefix, linesAbove, max).map((i) => i.name);

describe('identifiers worth a definition lookup', () => {
  test('calls, constructors and types come before plain names, each nearest the cursor first', () => {
    const prefix =
      'const order = loadOrder(id);\nconst rate: Rates = table;\nconst cost = computeShippingCost(order.weight, ';
    assert.deepEqual(names(prefix), ['computeShippingCost', 'Rates', 'loadOrder', 'weight', 'order', 'cost']);
  });

  test('positions point at the occurrence nearest the cursor: lines up and column', () => {
    const prefix = 'foo(bar);\n  x = bar + baz(';
    const found = identifiersBeforeCursor(prefix);
    assert.deepEqual(
      found.find((i) => i.name === 'baz'),
      { name: 'baz', linesUp: 0, column: 12 },
    );
    assert.deepEqual(
      found.find((i) => i.name === 'bar'),
      { name: 'bar', linesUp: 0, column: 6 },
    );
    assert.deepEqual(
      found.find((i) => i.name === 'foo'),
      { name: 'foo', linesUp: 1, column: 0 },
    );
  });

  test('keywords, one-letter names, strings and comments are skipped', () => {
    const prefix = 'import { a } from \'someModule\';\n// callMe(later)\nreturn new Map("notAName", x';
    assert.deepEqual(names(prefix), ['Map']);
  });

  test('only the cursor line and linesAbove lines above; at most max names', () => {
    const prefix = 'farAway();\nl1();\nl2();\nl3();\nhere(';
    assert.deepEqual(names(prefix), ['here', 'l3', 'l2', 'l1']);
    assert.deepEqual(names(prefix, 1), ['here', 'l3']);
    assert.deepEqual(names('a1(); a2(); a3(); a4();', 3, 2), ['a4', 'a3']);
  });

  test('wordBefore: the identifier a just-typed character ends, when worth a lookup', () => {
    assert.equal(wordBefore('  const x = computeShippingCost'), 'computeShippingCost');
    assert.equal(wordBefore('order.items'), 'items');
    assert.equal(wordBefore('return'), undefined);
    assert.equal(wordBefore('x = a'), undefined);
    assert.equal(wordBefore("log('notAName"), undefined);
    assert.equal(wordBefore('total + '), undefined);
  });

  test('a name used twice is asked once', () => {
    assert.deepEqual(names('total(x);\ntotal(y) + total('), ['total']);
  });
});

describe('declaration text for the prompt', () => {
  const fn = [
    'export function computeShippingCost(weightKg: number, zone: string): number {',
    '  return weightKg * 2;',
    '}',
  ];

  test('a short declaration goes whole', () => {
    assert.equal(declarationText({ lines: fn }), fn.join('\n'));
  });

  test('a long function goes as its signature', () => {
    const long = [fn[0]!, ...Array.from({ length: 40 }, (_, i) => `  step${i}();`), '}'];
    assert.equal(declarationText({ lines: long }, 30), `${fn[0]}\n  …`);
  });

  test('a signature over several lines is kept to its opening brace', () => {
    const long = [
      'function f(',
      '  a: number,',
      '  b: string,',
      '): void {',
      ...Array.from({ length: 40 }, () => '  x();'),
      '}',
    ];
    assert.equal(declarationText({ lines: long }, 30), 'function f(\n  a: number,\n  b: string,\n): void {\n  …');
  });

  test('a long class goes as its header and the first line of each member, capped', () => {
    const cls = ['export class Cart {'];
    const memberStarts: number[] = [];
    for (let m = 0; m < 10; m++) {
      memberStarts.push(cls.length);
      cls.push(`  add${m}(item: Item): void {`, '    this.items.push(item);', '    this.total += 1;', '  }');
    }
    cls.push('}');
    const text = declarationText({ lines: cls, memberStarts }, 30);
    const lines = text.split('\n');
    assert.equal(lines[0], 'export class Cart {');
    assert.equal(lines[1], '  add0(item: Item): void;');
    assert.equal(lines[10], '  add9(item: Item): void;');
    assert.equal(lines.at(-1), '}');
    assert.ok(!text.includes('this.items'), text);
    const capped = declarationText({ lines: cls, memberStarts }, 6).split('\n');
    assert.ok(capped.length <= 6, capped.join('\n'));
  });
});
