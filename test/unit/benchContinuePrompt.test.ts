// The inline bench's Continue prompt (bench/inline/continue.ts): Continue's caret-window budget,
// snippet priority and trimming, its per-request shuffle made deterministic, the hole-filler
// layout, and the oracle / client-side stop that go with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  caretWindow,
  continueMultiline,
  continuePrompt,
  countTokens,
  FILL_HERE,
  formatOpenedFiles,
  HOLE_FILLER_SYSTEM,
  holeFillerPrefix,
  importSnippets,
  MIN_TOKENS_IN_SNIPPET,
  selectSnippets,
  shuffle,
  stopFilter,
  type Snippet,
} from '../../bench/inline/continue';
import { makeOracle } from '../../bench/inline/oracle';
import type { ScriptRequest } from '../server/modelServer';
import { rng } from '../support/random';

/** `n` distinct code lines. */
const lines = (n: number, tag = 'x'): string =>
  Array.from({ length: n }, (_, i) => `const ${tag}${i} = compute(${i}, "${tag}");`).join('\n');

test('caret window: prefix within 30% of 1,024 tokens, suffix within min(rest, 20%), whole lines', () => {
  const prefix = lines(200, 'p') + '\nconst here = ';
  const suffix = '1;\n' + lines(200, 's');
  const w = caretWindow(prefix, suffix);
  const p = countTokens(w.prefix);
  assert.ok(p <= 307 && p > 250, `prefix ${p} tokens`);
  assert.ok(countTokens(w.suffix) <= 205 && countTokens(w.suffix) > 150, `suffix ${countTokens(w.suffix)}`);
  assert.ok(prefix.endsWith(w.prefix) && w.prefix.startsWith('const p'), 'cut at a line start, cursor kept');
  assert.ok(suffix.startsWith(w.suffix) && w.suffix.startsWith('1;\n'));
  // No held window: one more line typed moves the start down.
  const later = caretWindow(prefix + '1;\n' + lines(5, 'q'), suffix);
  assert.notEqual(prefix.indexOf(later.prefix.split('\n')[0]!), prefix.indexOf(w.prefix.split('\n')[0]!));
});

test('open tabs: whole when five fit; otherwise the best-scored trimmed so each gets at least 125 tokens', () => {
  const small = Array.from({ length: 6 }, (_, i): Snippet => ({
    path: `f${i}.ts`,
    content: lines(2, `s${i}`),
    kind: 'recentlyOpened',
  }));
  assert.deepEqual(formatOpenedFiles(small, 700), small, 'all fit: untouched, in recency order');
  const big = Array.from({ length: 8 }, (_, i): Snippet => ({
    path: `b${i}.ts`,
    content: lines(80, `b${i}`),
    kind: 'recentlyOpened',
  }));
  const remaining = 600;
  const out = formatOpenedFiles(big, remaining);
  // 600 − 10 < 5 × 125: the fifth best dropped, four kept.
  assert.equal(out.length, 4);
  for (const s of out) {
    assert.ok(countTokens(s.content) >= MIN_TOKENS_IN_SNIPPET - 1, `${s.path}: ${countTokens(s.content)}`);
    assert.ok(big.find((b) => b.path === s.path)!.content.startsWith(s.content), 'trimmed from the bottom');
  }
  // The first gets the largest share: 125 + 2/(4+1) × (590 − 4 × 125).
  assert.ok(Math.abs(countTokens(out[0]!.content) - Math.floor(125 + 0.4 * (remaining - 10 - 500))) <= 1);
  assert.equal(out[0]!.path, 'b0.ts', 'most recent first among equal sizes');
});

test('snippets: open tabs before import definitions, a path used once, the budget counts 10 tokens a snippet', () => {
  const window = { prefix: lines(20, 'p'), suffix: lines(5, 's') };
  const opened: Snippet[] = [{ path: 'a.ts', content: lines(3, 'a'), kind: 'recentlyOpened' }];
  const base: Snippet[] = [
    { path: 'a.ts', content: 'export function fromA() {}', kind: 'importDefinition' },
    { path: 'b.ts', content: 'export function fromB() {}', kind: 'importDefinition' },
    { path: 'c.ts', content: window.prefix.split('\n')[3]!, kind: 'importDefinition' },
  ];
  const chosen = selectSnippets(window, opened, base, () => 0.5);
  assert.deepEqual(
    chosen.map((s) => `${s.kind}:${s.path}`),
    ['recentlyOpened:a.ts', 'importDefinition:b.ts'],
    'a.ts already added; c.ts already in the caret window',
  );
  // Budget: as many one-line definitions as fit at their tokens + 10 each.
  const used = countTokens(window.prefix + window.suffix);
  const tight = Array.from({ length: 60 }, (_, i): Snippet => ({
    path: `t${i}.ts`,
    content: lines(1, `t${i}`),
    kind: 'importDefinition',
  }));
  const fitted = selectSnippets(window, [], tight, () => 0);
  const cost = fitted.reduce((n, s) => n + countTokens(s.content) + 10, 0);
  assert.ok(
    cost <= 1024 - used && 1024 - used - cost < countTokens(tight[0]!.content) + 10,
    `cost ${cost}, room ${1024 - used}`,
  );
});

test('import definitions: only names near the cursor (5 lines up, 3 down), keywords ignored', () => {
  const imports = new Map([
    ['near', [{ path: 'n.ts', contents: 'export function near() {}' }]],
    ['far', [{ path: 'f.ts', contents: 'export function far() {}' }]],
    ['export', [{ path: 'e.ts', contents: 'export const x = 1' }]],
  ]);
  const prefix = 'far();\n' + lines(6) + '\nexport const y = near(';
  const got = importSnippets(prefix, ');\n', imports).map((s) => s.path);
  assert.deepEqual(got, ['n.ts']);
});

test('the shuffle is seeded: the same seed gives the same order, another seed another', () => {
  const items = Array.from({ length: 8 }, (_, i) => i);
  const a = shuffle([...items], rng(1));
  assert.deepEqual(shuffle([...items], rng(1)), a);
  assert.notDeepEqual(shuffle([...items], rng(2)), a);
  assert.notDeepEqual(a, items);
  // Through the builder: two definitions, order follows the request's seed.
  const imports = new Map(
    ['alpha', 'beta', 'gamma', 'delta'].map((n) => [n, [{ path: `${n}.ts`, contents: `export function ${n}() {}` }]]),
  );
  const input = (seed: number) => ({
    fullPrefix: 'alpha(beta(gamma(delta(',
    fullSuffix: '',
    path: 'm.ts',
    shuffleSeed: seed,
  });
  const order = (seed: number) =>
    continuePrompt(input(seed), { openFiles: [], imports })
      .snippets.map((s) => s.path)
      .join();
  assert.equal(order(7), order(7));
  assert.ok(
    [1, 2, 3, 4, 5, 6].some((s) => order(s) !== order(7)),
    'the order changes across requests',
  );
});

test('hole-filler layout: system text, commented snippets with paths, prefix, hole, suffix, TASK, <COMPLETION>', () => {
  const material = {
    openFiles: [{ path: 'src/lib/util.ts', text: 'export const ONE = 1;' }],
    imports: new Map<string, { path: string; contents: string }[]>(),
  };
  const { prompt } = continuePrompt(
    { fullPrefix: 'const a = ', fullSuffix: '', path: 'src/core/main.ts', shuffleSeed: 1 },
    material,
  );
  assert.equal(
    prompt,
    `${HOLE_FILLER_SYSTEM}\n\n<QUERY>\n// Path: lib/util.ts\n// export const ONE = 1;\n// core/main.ts\nconst a = ${FILL_HERE}\n\n</QUERY>\n` +
      `TASK: Fill the ${FILL_HERE} hole. Answer only with the CORRECT completion, and NOTHING ELSE. Do it now.\n<COMPLETION>`,
  );
  // The real system text (≈ 500 o200k tokens), not a short stand-in.
  assert.ok(HOLE_FILLER_SYSTEM.length > 1500 && HOLE_FILLER_SYSTEM.startsWith('You are a HOLE FILLER.'));
  assert.equal(holeFillerPrefix(prompt), '// Path: lib/util.ts\n// export const ONE = 1;\n// core/main.ts\nconst a = ');
  assert.equal(holeFillerPrefix('Language: ts\n\nconst a = <CURSOR>'), undefined);
});

test('the oracle finds the cursor at {{FILL_HERE}} and closes </COMPLETION>; the client cuts there', () => {
  const file = lines(30);
  const at = file.indexOf('const x20');
  const { prompt } = continuePrompt(
    { fullPrefix: file.slice(0, at), fullSuffix: file.slice(at), path: 'm.ts', shuffleSeed: 1 },
    { openFiles: [], imports: new Map() },
  );
  const oracle = makeOracle(file, { seed: 1, fullyRight: 1, near: () => at });
  const req: ScriptRequest = {
    route: 'openai.chat',
    model: 'm',
    stream: true,
    prompt,
    messages: [{ role: 'user', text: prompt }],
    body: {},
  };
  const answer = oracle(req);
  assert.ok(answer.startsWith('const x20 = compute(20'), answer);
  assert.ok(answer.endsWith('</COMPLETION>'));
  const seen: string[] = [];
  const f = stopFilter((d) => seen.push(d));
  for (let i = 0; i < answer.length; i += 3) f.push(answer.slice(i, i + 3));
  const text = f.end();
  assert.equal(text, answer.slice(0, -'</COMPLETION>'.length));
  assert.equal(seen.join(''), text);
});

test("Continue's multi-line rule: several lines at a line end or a blank line, one mid-line or in a line comment", () => {
  assert.equal(continueMultiline('  foo(', '\n  bar();\n'), true);
  assert.equal(continueMultiline('  const x = 1;\n  ', '\n}\n'), true);
  assert.equal(continueMultiline('  foo(', ');\n'), false, 'closers after the cursor are still mid-line for Continue');
  assert.equal(continueMultiline('  // explain ', '\n'), false);
  assert.equal(continueMultiline('  x = 1; // explain ', '\n'), true, 'only a line that starts as a comment');
  assert.equal(continueMultiline('end', ''), false, 'the very end of the file is mid-line for Continue');
});
