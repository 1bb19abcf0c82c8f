// Context selection for inline prompts: what goes in first, the token budget, the stable order
// across requests (cache-friendly), the Copilot-like open-tabs strategy, and nothing invented.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectContext } from '../../src/core/completion';
import type { CompletionInput, ContextItem, ContextMaterial } from '../../src/core/completion';
import { itemTokens, STABLE_SHARE } from '../../src/core/completion/context/select';
import { bestWindow, identifiers, jaccard } from '../../src/core/completion/context/similarity';

const input = (prefix: string, suffix = '\n'): CompletionInput => ({
  docKey: 'file:///ws/src/main.ts',
  prefix,
  suffix,
  offset: prefix.length,
  languageId: 'typescript',
});

const filler = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `const ${tag}${i} = ${tag}Helper(${i});`).join('\n');

const PRICING = `export function priceOf(order: Order, rates: RateTable): number {\n  return rates.base * order.quantity;\n}`;
const CART = `export function cartTotal(cart: Cart): number {\n  return cart.items.length;\n}`;
const TAX = `export function taxOf(order: Order): number {\n  return order.quantity * 0.2;\n}`;

function material(over: Partial<ContextMaterial> = {}): ContextMaterial {
  return {
    currentPath: 'src/main.ts',
    openFiles: [
      { path: 'src/unrelated.ts', languageId: 'typescript', text: filler('zebra', 80) },
      {
        path: 'src/orders.ts',
        languageId: 'typescript',
        text: `${filler('misc', 70)}\nfunction shipOrder(order: Order, rates: RateTable) {\n  const cost = priceOf(order, rates);\n  return cost * order.quantity;\n}\n${filler('tail', 70)}`,
      },
      { path: 'src/main.ts', languageId: 'typescript', text: 'const order = load();\nconst rates = table();\n' },
    ],
    edits: [
      { path: 'src/old.ts', text: 'renamed oldThing', at: 1 },
      { path: 'src/cart.ts', text: 'items.push(item);', at: 5 },
    ],
    definitions: [
      { path: 'src/cart.ts', symbol: 'cartTotal', text: CART, line: 10 },
      { path: 'src/pricing.ts', symbol: 'priceOf', text: PRICING, line: 3 },
    ],
    ...over,
  };
}

const CURSOR = 'const order = load();\nconst rates = table();\nconst c = cartTotal(cart);\nconst total = priceOf(';

describe('inline context: selection', () => {
  test("stable part first (snippets), the cursor's definitions and the newest edits last, next to the window", () => {
    const items = selectContext(material(), input(CURSOR), 4000);
    const kinds = items.map((i) => i.kind);
    assert.deepEqual(kinds, ['snippet', 'definition', 'definition', 'edit', 'edit']);
    assert.ok(
      !items.some((i) => i.path === 'src/unrelated.ts'),
      'a file sharing no identifier with the cursor is left out',
    );
    // Within a part the block is sorted deterministically (by path); priority decides who gets in.
    assert.equal(items[1]!.path, 'src/cart.ts');
    assert.equal(items[2]!.path, 'src/pricing.ts');
    const snippet = items.find((i) => i.kind === 'snippet' && i.path === 'src/orders.ts')!;
    assert.ok(snippet.text.includes('priceOf(order, rates)'), 'the window of orders.ts around the similar code');
  });

  test("imports' definitions go first (by path and line), before snippets; cursor definitions after snippets", () => {
    const m = material({
      definitions: [
        { path: 'src/pricing.ts', symbol: 'priceOf', text: PRICING, line: 3, source: 'cursor' },
        { path: 'src/tax.ts', symbol: 'taxOf', text: TAX, line: 7, source: 'import' },
        { path: 'src/cart.ts', symbol: 'cartTotal', text: CART, line: 10, source: 'import' },
      ],
    });
    assert.deepEqual(
      selectContext(m, input(CURSOR), 4000).map((i) => i.key),
      [
        'definition:src/cart.ts:10',
        'definition:src/tax.ts:7',
        'snippet:src/orders.ts:72',
        'definition:src/pricing.ts:3',
        'edit:src/cart.ts:5',
        'edit:src/old.ts:1',
      ],
    );
  });

  test('a definition given both as an import and at the cursor counts as an import (stable)', () => {
    const m = material({
      definitions: [
        { path: 'src/pricing.ts', symbol: 'priceOf', text: PRICING, line: 3, source: 'cursor' },
        { path: 'src/pricing.ts', symbol: 'priceOf', text: PRICING, line: 3, source: 'import' },
      ],
    });
    assert.equal(selectContext(m, input(CURSOR), 4000)[0]!.key, 'definition:src/pricing.ts:3');
  });

  test('with little budget the definition nearest the cursor wins over everything else', () => {
    const budget = itemTokens({ path: 'src/pricing.ts', text: PRICING }) + 2;
    const items = selectContext(material(), input(CURSOR), budget);
    assert.deepEqual(
      items.map((i) => i.key),
      ['definition:src/pricing.ts:3'],
    );
  });

  test('the block never exceeds the token budget', () => {
    for (const budget of [0, 40, 100, 250, 600, 1500]) {
      const items = selectContext(material(), input(CURSOR), budget);
      const used = items.reduce((n, i) => n + itemTokens(i), 0);
      assert.ok(used <= budget, `budget ${budget}: used ${used}`);
      if (budget === 0) assert.equal(items.length, 0, '0 turns context off');
    }
  });

  test('the current file never appears as a snippet, and what the window shows is not repeated', () => {
    const m = material({
      definitions: [{ path: 'src/main.ts', symbol: 'order', text: 'const order = load();', line: 1 }],
    });
    const items = selectContext(m, input(CURSOR), 4000);
    assert.ok(!items.some((i) => i.path === 'src/main.ts'), JSON.stringify(items.map((i) => i.key)));
  });

  test('nothing is invented: every item is a cut of the material it was given', () => {
    const m = material();
    const sources = [
      ...m.openFiles.map((f) => f.text),
      ...m.edits.map((e) => e.text),
      ...m.definitions.map((d) => d.text),
    ];
    for (const budget of [60, 200, 800, 4000]) {
      for (const item of selectContext(m, input(CURSOR), budget)) {
        assert.ok(
          sources.some((s) => s.includes(item.text)),
          `${item.key} comes from the material`,
        );
      }
    }
    assert.deepEqual(selectContext({ openFiles: [], edits: [], definitions: [] }, input(CURSOR), 4000), []);
  });

  test('a file the gatherer no longer gives (e.g. newly excluded) leaves the block even when it was kept', () => {
    const first = selectContext(material(), input(CURSOR), 4000);
    assert.ok(first.some((i) => i.path === 'src/pricing.ts'));
    const without = material({ definitions: [{ path: 'src/cart.ts', symbol: 'cartTotal', text: CART, line: 10 }] });
    const next = selectContext(without, input(CURSOR + 'order'), 4000, first);
    assert.ok(!next.some((i) => i.path === 'src/pricing.ts'));
  });
});

describe('inline context: stable order across requests (prompt-cache friendly)', () => {
  test('the head is sent unchanged: what arrives later goes to the volatile part', () => {
    const first = selectContext(material({ definitions: [] }), input(CURSOR), 4000);
    assert.deepEqual(
      first.map((i) => [i.kind, i.volatile === true]),
      [
        ['snippet', false],
        ['edit', true],
        ['edit', true],
      ],
    );
    // The user goes on typing; the gatherer now also has a definition at the cursor and one of an import.
    const tax = { path: 'src/tax.ts', symbol: 'taxOf', text: TAX, line: 7, source: 'import' as const };
    const withDefs = material({
      definitions: [tax, { path: 'src/pricing.ts', symbol: 'priceOf', text: PRICING, line: 3 }],
    });
    const next = selectContext(withDefs, input(CURSOR + 'order, taxOf(order), '), 4000, first);
    const head = (items: ContextItem[]) => items.filter((i) => !i.volatile);
    assert.deepEqual(head(next), head(first), 'the head is byte for byte the one sent before');
    assert.deepEqual(
      next.filter((i) => i.volatile).map((i) => i.key),
      ['definition:src/tax.ts:7', 'definition:src/pricing.ts:3', 'edit:src/cart.ts:5', 'edit:src/old.ts:1'],
      'both new definitions are in the volatile part',
    );
    // Without the previous block, the import's definition starts the head.
    const fresh = selectContext(withDefs, input(CURSOR + 'order, taxOf(order), '), 4000);
    assert.deepEqual(
      head(fresh).map((i) => i.key),
      ['definition:src/tax.ts:7', 'snippet:src/orders.ts:72'],
    );
  });

  test('consecutive requests whose cursor definitions differ share the whole stable part as a prefix', () => {
    const imports = [
      { path: 'src/cart.ts', symbol: 'cartTotal', text: CART, line: 10, source: 'import' as const },
      { path: 'src/tax.ts', symbol: 'taxOf', text: TAX, line: 7, source: 'import' as const },
    ];
    const SHIP = 'export function shipOf(order: Order): number {\n  return 4;\n}';
    const a = selectContext(
      material({ definitions: [...imports, { path: 'src/pricing.ts', symbol: 'priceOf', text: PRICING, line: 3 }] }),
      input(CURSOR),
      4000,
    );
    const b = selectContext(
      material({ definitions: [...imports, { path: 'src/ship.ts', symbol: 'shipOf', text: SHIP, line: 1 }] }),
      input(`${CURSOR}order);\nconst ship = shipOf(`),
      4000,
      a,
    );
    const stable = ['definition:src/cart.ts:10', 'definition:src/tax.ts:7', 'snippet:src/orders.ts:72'];
    assert.deepEqual(
      a.slice(0, 3).map((i) => i.key),
      stable,
    );
    assert.deepEqual(b.slice(0, 3), a.slice(0, 3), 'the same items, same texts, same order');
    assert.ok(!b.some((i) => i.key === 'definition:src/pricing.ts:3'), 'the old cursor definition left');
    assert.ok(
      b.slice(3).some((i) => i.key === 'definition:src/ship.ts:1'),
      'the new one is in the volatile tail',
    );
    // Marked as such, so a chat prompt sends exactly the stable part before the file.
    assert.deepEqual(
      b.map((i) => i.volatile === true),
      b.map((_, k) => k >= 3),
    );
    // A fresh selection (no previous block) puts the same stable part first too.
    assert.deepEqual(
      selectContext(
        material({ definitions: [...imports, { path: 'src/ship.ts', symbol: 'shipOf', text: SHIP, line: 1 }] }),
        input(`${CURSOR}order);\nconst ship = shipOf(`),
        4000,
      )
        .slice(0, 3)
        .map((i) => i.key),
      stable,
    );
  });

  test('a cursor definition that does not fit beside the head is cut to its signature; the head stays as sent', () => {
    const tax = { path: 'src/tax.ts', symbol: 'taxOf', text: TAX, line: 7, source: 'import' as const };
    const noEdits = { edits: [] };
    const headCost = (items: ContextItem[]) => items.reduce((n, i) => n + itemTokens(i), 0);
    const probe = selectContext(material({ ...noEdits, definitions: [tax] }), input(CURSOR), 4000);
    // A budget whose stable share just holds the head (the import's definition and the snippet).
    const budget = Math.ceil(headCost(probe) / STABLE_SHARE) + 1;
    const one = selectContext(material({ ...noEdits, definitions: [tax] }), input(CURSOR), budget);
    assert.deepEqual(
      one.map((i) => i.key),
      ['definition:src/tax.ts:7', 'snippet:src/orders.ts:72'],
    );
    const body = Array.from({ length: 30 }, (_, i) => `  const step${i} = rates.base * ${i};`).join('\n');
    const long = `export function priceOf(order: Order, rates: RateTable): number {\n${body}\n}`;
    const price = { path: 'src/pricing.ts', symbol: 'priceOf', text: long, line: 3, source: 'cursor' as const };
    const two = selectContext(
      material({ ...noEdits, definitions: [tax, price] }),
      input(`${CURSOR}order, `),
      budget,
      one,
    );
    assert.deepEqual(two.slice(0, 2), one, 'the head keeps its items, texts and order');
    assert.equal(two.length, 3);
    const cut = two[2]!;
    assert.equal(cut.key, 'definition:src/pricing.ts:3');
    assert.ok(cut.volatile);
    assert.ok(cut.text.startsWith('export function priceOf(order: Order, rates: RateTable): number {'), cut.text);
    assert.ok(cut.text.length < long.length, 'cut to its first lines');
    assert.ok(headCost(two) <= budget);
  });

  test("when the budget is short, the cursor's definitions get in before snippets and imports' definitions", () => {
    const m = material({
      definitions: [
        { path: 'src/tax.ts', symbol: 'taxOf', text: TAX, line: 7, source: 'import' },
        { path: 'src/pricing.ts', symbol: 'priceOf', text: PRICING, line: 3, source: 'cursor' },
      ],
    });
    const budget = itemTokens({ path: 'src/pricing.ts', text: PRICING }) + 2;
    assert.deepEqual(
      selectContext(m, input(CURSOR), budget).map((i) => i.key),
      ['definition:src/pricing.ts:3'],
    );
  });

  test('consecutive requests while typing send the same block', () => {
    let previous: ContextItem[] | undefined;
    const blocks: string[] = [];
    let typed = CURSOR;
    for (const ch of 'order, rates);\n') {
      typed += ch;
      previous = selectContext(material(), input(typed), 1500, previous);
      blocks.push(JSON.stringify(previous));
    }
    assert.equal(new Set(blocks).size, 1, 'one block for the whole line');
  });

  test('the block is rebuilt (in a fixed order) when the kept items overflow the budget', () => {
    const big = selectContext(material(), input(CURSOR), 4000);
    const small = selectContext(material(), input(CURSOR), 300, big);
    assert.ok(small.reduce((n, i) => n + itemTokens(i), 0) <= 300);
    const again = selectContext(material(), input(CURSOR), 300);
    assert.deepEqual(small, again, 'a rebuild equals a fresh selection');
  });

  test('a rebuild sorts deterministically whatever the order of the material', () => {
    const m = material();
    const reversed: ContextMaterial = {
      ...m,
      openFiles: [...m.openFiles].reverse(),
      edits: [...m.edits].reverse(),
      definitions: [...m.definitions].reverse(),
    };
    assert.deepEqual(selectContext(m, input(CURSOR), 4000), selectContext(reversed, input(CURSOR), 4000));
  });
});

describe('inline context: open-tabs strategy (Copilot-like, for the benchmark)', () => {
  test('only snippets of open files, most similar last, within the same budget', () => {
    const items = selectContext(material(), input(CURSOR), 4000, undefined, 'openTabs');
    assert.ok(items.length > 0);
    assert.ok(items.every((i) => i.kind === 'snippet'));
    assert.ok(!items.some((i) => i.path === 'src/main.ts'));
    assert.equal(items[items.length - 1]!.path, 'src/orders.ts', 'the most similar file is nearest the window');
    const tight = selectContext(material(), input(CURSOR), 120, undefined, 'openTabs');
    assert.ok(tight.reduce((n, i) => n + itemTokens(i), 0) <= 120);
  });
});

describe('inline context: similarity', () => {
  test('Jaccard over identifier sets, keywords left out', () => {
    assert.deepEqual([...identifiers('const total = priceOf(order);')].sort(), ['order', 'priceOf', 'total']);
    assert.equal(jaccard(new Set(['a1', 'b1']), new Set(['b1', 'c1'])), 1 / 3);
    assert.equal(jaccard(new Set(), new Set(['x1'])), 0);
  });

  test('the sliding window finds the part of a file most like the cursor', () => {
    const text = `${filler('noise', 100)}\nshipOrder(order, rates);\npriceOf(order, rates);\n${filler('more', 100)}`;
    const best = bestWindow('t.ts', text, identifiers('priceOf(order, rates)'), 10)!;
    const lines = text
      .split('\n')
      .slice(best.line, best.line + best.lines)
      .join('\n');
    assert.ok(lines.includes('priceOf(order, rates)'));
    assert.equal(bestWindow('u.ts', filler('zzz', 50), identifiers('priceOf(order)'), 10), undefined);
  });
});
