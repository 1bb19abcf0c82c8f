// The inline bench's workspace mode: the emulated gatherer resolves names as a definition provider
// would (through imports, methods by name, never a guess among many), and the oracle goes wrong at
// a name from another file exactly when the prompt lacks its declaration.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeOracle, wrongName } from '../../bench/inline/oracle';
import { crossFileSymbols, loadWorkspace, workspaceGatherer } from '../../bench/inline/workspace';
import type { ScriptRequest } from '../server/modelServer';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tiered-bench-ws-'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(
    join(dir, 'lib', 'math.ts'),
    'export function addTotals(a: number, b: number): number {\n  return a + b;\n}\n\nexport const LIMIT = 3;\n',
  );
  writeFileSync(
    join(dir, 'lib', 'store.ts'),
    'export class Store {\n  loadItems(id: string): string[] {\n    return [id];\n  }\n}\n',
  );
  writeFileSync(
    join(dir, 'main.ts'),
    "import { addTotals } from './lib/math';\nimport { Store } from './lib/store';\n\n" +
      'const store = new Store();\nconst sum = addTotals(1, 2);\nconst items = store.loadItems("x");\n',
  );
  return dir;
}

test('the gatherer resolves imported names and methods, with the other files as open tabs', async () => {
  const ws = loadWorkspace(workspace(), 'main.ts');
  assert.deepEqual(ws.open.map((f) => f.path).sort(), ['lib/math.ts', 'lib/store.ts']);
  const gather = workspaceGatherer(ws, () => []);
  const prefix = 'const store = new Store();\nconst sum = addTotals(1, 2);\nconst items = store.loadItems(';
  const m = await gather(
    { docKey: 'd', prefix, suffix: '', offset: prefix.length, languageId: 'typescript' },
    new AbortController().signal,
  );
  // Names declared in the current file resolve there (selection drops what the window shows).
  const found = m.definitions.filter((d) => d.path !== 'main.ts').map((d) => `${d.path}:${d.symbol}`);
  assert.deepEqual(found.sort(), ['lib/math.ts:addTotals', 'lib/store.ts:Store', 'lib/store.ts:loadItems']);
  assert.match(m.definitions.find((d) => d.symbol === 'addTotals')!.text, /^export function addTotals/);
  assert.equal(m.currentPath, 'main.ts');
});

test('cross-file symbols: imported names and other files’ methods, never the current file’s own names', () => {
  const ws = loadWorkspace(workspace(), 'main.ts');
  const cf = crossFileSymbols(ws);
  assert.equal(cf.get('addTotals')?.member, false);
  assert.equal(cf.get('loadItems')?.member, true);
  assert.equal(cf.has('LIMIT'), false, 'not imported: the file cannot use it');
  assert.equal(cf.has('store'), false);
});

test('the oracle is wrong at a cross-file name unless the prompt holds its declaration', () => {
  const file = 'const a = 1;\n' + 'x'.repeat(60) + '\nconst sum = addTotals(1, 2);\n';
  const cursor = file.indexOf('addTotals');
  const prefix = file.slice(0, cursor);
  const crossFile = new Map([['addTotals', { decls: ['export function addTotals(a: number'], member: false }]]);
  const seen: boolean[] = [];
  const oracle = makeOracle(file, {
    seed: 1,
    fullyRight: 1,
    near: () => 0,
    crossFile,
    onAnswer: (_r, uses, held) => seen.push(uses, held),
  });
  const req = (prompt: string): ScriptRequest => ({
    route: 'openai.completions',
    model: 'm',
    stream: true,
    prompt,
    messages: [],
    fim: { prefix, suffix: '' },
    body: {},
  });
  assert.equal(oracle(req(prefix)), `${wrongName('addTotals', 1)}(1, 2);`);
  assert.notEqual(wrongName('addTotals', 1), 'addTotals');
  assert.deepEqual(seen, [true, false]);
  const held = `// export function addTotals(a: number, b: number): number {\n${prefix}`;
  assert.equal(oracle(req(held)), 'addTotals(1, 2);');
  assert.deepEqual(seen.slice(2), [true, true]);
});
