import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  hoverPending,
  hoverSignature,
  LIBRARY_LABEL,
  libraryLabel,
  stableLine,
} from '../../src/core/completion/context/hoverSignature';

/** TypeScript's hover: the display string as a code block, then the documentation (hover.ts in VS Code). */
const TS_STRINGIFY = [
  '\n```typescript\n(method) JSON.stringify(value: any, replacer?: (this: any, key: string, value: any) => any, space?: string | number): string (+1 overload)\n```\n',
  'Converts a JavaScript value to a JavaScript Object Notation (JSON) string.\n\n*@param* `value` — A JavaScript value, usually an object or array, to be converted.',
];

/** Pylance's hover: one Markdown part, the signature block, a rule, the docstring. */
const PY_DUMPS =
  '```python\n(function) def dumps(\n    obj: Any,\n    *,\n    skipkeys: bool = False,\n    indent: None | int | str = None\n) -> str\n```\n---\nSerialize ``obj`` to a JSON formatted ``str``.\n\n```python\njson.dumps([1, 2])\n```';

describe('signature from a hover', () => {
  test('TypeScript: the first code block, without the documentation after it', () => {
    assert.equal(
      hoverSignature(TS_STRINGIFY),
      '(method) JSON.stringify(value: any, replacer?: (this: any, key: string, value: any) => any, space?: string | number): string (+1 overload)',
    );
  });

  test('Python: the whole multi-line signature, not the docstring nor its example block', () => {
    const sig = hoverSignature([PY_DUMPS]);
    assert.equal(
      sig,
      '(function) def dumps(\n    obj: Any,\n    *,\n    skipkeys: bool = False,\n    indent: None | int | str = None\n) -> str',
    );
  });

  test('a MarkedString part ({ language, value } rendered as a fence) and a tilde fence count too', () => {
    assert.equal(
      hoverSignature(['~~~go\nfunc Println(a ...any) (n int, err error)\n~~~']),
      'func Println(a ...any) (n int, err error)',
    );
  });

  test('a hover with no code block (prose only) gives nothing', () => {
    assert.equal(hoverSignature(['Converts a value to `JSON`: call stringify(value).', '']), undefined);
  });

  test('an empty code block is skipped for the next one', () => {
    assert.equal(
      hoverSignature([
        '```typescript\n\n```',
        '```typescript\nfunction fetch(input: RequestInfo): Promise<Response>\n```',
      ]),
      'function fetch(input: RequestInfo): Promise<Response>',
    );
  });

  test('nothing to call (no parameter list after the kind label) gives nothing', () => {
    assert.equal(hoverSignature(['```typescript\nvar Math: Math\n```']), undefined);
    assert.equal(hoverSignature(['```typescript\n(alias) module "path"\n```']), undefined);
    assert.equal(
      hoverSignature(['```typescript\n(method) Math.round(x: number): number\n```']),
      '(method) Math.round(x: number): number',
    );
  });

  test("TypeScript's syntax-only answer while loading is left out", () => {
    assert.equal(hoverSignature(['```typescript\n(loading...) function fetch(input: any): any\n```']), undefined);
  });

  test('an empty hover or a loading one is pending (asked again); a hover with nothing to call is an answer', () => {
    assert.equal(hoverPending([]), true);
    assert.equal(hoverPending(['']), true);
    assert.equal(hoverPending(['\n```typescript\n(loading...) function fetch(input: any): any\n```\n']), true);
    assert.equal(hoverPending(TS_STRINGIFY), false);
    assert.equal(hoverPending(['```typescript\nvar Math: Math\n```']), false);
  });

  test('a long signature is cut to whole lines within the caps and says it goes on', () => {
    const params = Array.from({ length: 30 }, (_, i) => `    p${i}: int = ${i},`);
    const sig = hoverSignature([`\`\`\`python\n(function) def many(\n${params.join('\n')}\n) -> None\n\`\`\``])!;
    const lines = sig.split('\n');
    assert.equal(lines.length, 11, sig);
    assert.equal(lines[0], '(function) def many(');
    assert.equal(lines[10], '…');
    const short = hoverSignature(
      [`\`\`\`python\n(function) def many(\n${params.join('\n')}\n) -> None\n\`\`\``],
      10,
      60,
    )!;
    assert.ok(short.length <= 62, short);
    assert.deepEqual(short.split('\n'), ['(function) def many(', '    p0: int = 0,', '    p1: int = 1,', '…']);
  });

  test('one line longer than the cap goes as its start', () => {
    const sig = hoverSignature([`\`\`\`ts\nfunction f(${'a: number, '.repeat(100)}): void\n\`\`\``], 10, 80)!;
    assert.equal(sig.split('\n').length, 2);
    assert.ok(sig.startsWith('function f(a: number, '));
    assert.ok(sig.split('\n')[0]!.length < 80);
  });

  test('absolute paths of the machine are reduced to their last segment', () => {
    const sig = hoverSignature([
      '```typescript\nfunction load(p: typeof import("/home/ana/project/vendor/lib"), q: "C:\\\\Users\\\\ana\\\\x"): void\n```',
    ])!;
    assert.equal(sig.includes('/home/ana'), false, sig);
    assert.equal(sig.includes('Users'), false, sig);
    assert.match(sig, /import\("lib"\)/);
    // Code that only looks like a path is left alone.
    assert.equal(
      hoverSignature(['```ts\nfunction div(a: number, b: number): number // a / b\n```']),
      'function div(a: number, b: number): number // a / b',
    );
  });
});

describe('label and line of a library signature', () => {
  test('the path inside the innermost package root, never the machine part', () => {
    assert.equal(
      libraryLabel('/usr/lib/code-server/lib/vscode/extensions/node_modules/typescript/lib/lib.es5.d.ts'),
      'typescript/lib/lib.es5.d.ts',
    );
    assert.equal(libraryLabel('/home/a/p/node_modules/x/node_modules/@types/node/path.d.ts'), '@types/node/path.d.ts');
    assert.equal(
      libraryLabel(
        '/home/a/.vscode/extensions/ms-python.vscode-pylance-1/dist/typeshed-fallback/stdlib/json/__init__.pyi',
      ),
      'stdlib/json/__init__.pyi',
    );
    assert.equal(libraryLabel('/usr/lib/python3/dist-packages/requests/api.py'), 'requests/api.py');
    assert.equal(libraryLabel('C:\\Users\\a\\node_modules\\lodash\\index.d.ts'), 'lodash/index.d.ts');
  });

  test('a place outside any package root, or none, goes under the generic label', () => {
    assert.equal(libraryLabel('/home/a/other-project/src/util.ts'), LIBRARY_LABEL);
    assert.equal(libraryLabel(undefined), LIBRARY_LABEL);
  });

  test('the stand-in line is stable per name and tells names apart', () => {
    assert.equal(stableLine('stringify'), stableLine('stringify'));
    assert.notEqual(stableLine('stringify'), stableLine('parse'));
    assert.ok(stableLine('x') >= 1);
  });
});
