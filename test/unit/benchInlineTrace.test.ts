// The inline bench's typist: with no edit share it types exactly the keys it always typed (the
// benchmark's figures stay comparable across commits); with one, part of the keys retype spans
// inside existing lines, each a real piece of the file with the rest of its line after the cursor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { CompletionSource } from '../../src/core/completion';
import { ReplayEditor } from '../../bench/inline/replay';
import { makeTrace, type Key, type Segment, type TraceOptions } from '../../bench/inline/trace';
import { logNormal, rng } from '../support/random';

const FIXTURE = `// A small service, as a fixture for the typist.
import { readFile } from 'node:fs/promises';

export interface Options {
  retries: number;
  delayMs: number;
}

const DEFAULTS: Options = { retries: 3, delayMs: 250 };

export async function loadConfig(path: string, options = DEFAULTS): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < options.retries; attempt++) {
    try {
      const text = await readFile(path, 'utf8');
      return normalize(text.trim(), attempt);
    } catch (err) {
      lastError = err;
      await sleep(options.delayMs * (attempt + 1));
    }
  }
  throw new Error(\`cannot read \${path}: \${String(lastError)}\`);
}

function normalize(text: string, attempt: number): string {
  if (text.length === 0 && attempt > 0) return '{}';
  const lines = text.split('\\n').filter((line) => !line.startsWith('#'));
  return lines.map((line) => line.replace(/\\s+$/, '')).join('\\n');
}

export class Cache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, now: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry || now - entry.at > this.ttlMs) return undefined;
    return entry.value;
  }

  set(key: string, value: T, now: number): void {
    this.entries.set(key, { value, at: now });
    if (this.entries.size > 100) this.entries.delete(this.entries.keys().next().value!);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
`;

// The trace as it was before edit segments (bench/inline/trace.ts at d36da78), kept verbatim as
// the reference: editShare 0 must reproduce it key for key.
const WRONG = 'qwertyuiopasdfghjklzxcvbnm';

function legacyGapAfter(next: () => number, prev: string): number {
  let gap = Math.min(2000, Math.max(35, logNormal(next, 135, 0.45)));
  const last = prev[prev.length - 1] ?? '';
  if (prev.includes('\n')) {
    if (next() < 0.85) gap += logNormal(next, 1100, 0.6);
  } else if ('([{'.includes(last)) {
    if (next() < 0.4) gap += logNormal(next, 350, 0.5);
  } else if (';,'.includes(last)) {
    if (next() < 0.3) gap += logNormal(next, 300, 0.5);
  } else if (next() < 0.015) {
    gap += logNormal(next, 800, 0.6);
  }
  return gap;
}

function legacyTypeSegment(file: string, start: number, budget: number, next: () => number): Segment {
  const keys: Key[] = [];
  let t = 0;
  let i = start;
  let prev = '\n';
  while (i < file.length) {
    const c = file[i]!;
    let insert = c;
    if (c === '\n') {
      const indent = /^[ \t]*/.exec(file.slice(i + 1, i + 200))![0];
      insert = '\n' + indent;
      if (keys.length >= budget || i + insert.length >= file.length) break;
    }
    t += legacyGapAfter(next, prev);
    if (/[a-z]/i.test(c) && next() < 0.02) {
      keys.push({ at: t, insert: WRONG[Math.floor(next() * WRONG.length)] });
      t += Math.max(120, logNormal(next, 280, 0.3));
      keys.push({ at: t });
      t += Math.max(60, logNormal(next, 150, 0.4));
    }
    keys.push({ at: t, insert });
    prev = insert;
    i += insert.length;
  }
  const text = file.slice(start, i);
  return { start, text, after: file.slice(i), keys, durationMs: t + 1500 };
}

function legacyMakeTrace(file: string, opts: TraceOptions): Segment[] {
  const next = rng(opts.seed);
  const lineStarts = [0];
  for (let i = 0; i < file.length; i++) if (file[i] === '\n') lineStarts.push(i + 1);
  const count = Math.max(1, Math.round(opts.keys / opts.keysPerSegment));
  const segments: Segment[] = [];
  for (let s = 0; s < count; s++) {
    const line = Math.floor(((s + 0.5) / count) * (lineStarts.length - 1));
    let l = line;
    while (l < lineStarts.length - 1 && file.slice(lineStarts[l], lineStarts[l + 1]).trim() === '') l++;
    const indentEnd = lineStarts[l]! + /^[ \t]*/.exec(file.slice(lineStarts[l]!, lineStarts[l]! + 200))![0].length;
    segments.push(legacyTypeSegment(file, indentEnd, Math.round(opts.keys / count), next));
  }
  return segments;
}

/** The document after a segment's keys, as the replay's editor builds it. */
function typed(file: string, seg: Segment): string {
  let doc = file.slice(0, seg.start) + seg.after;
  let cursor = seg.start;
  for (const k of seg.keys) {
    if (k.insert === undefined) {
      doc = doc.slice(0, cursor - 1) + doc.slice(cursor);
      cursor--;
    } else {
      doc = doc.slice(0, cursor) + k.insert + doc.slice(cursor);
      cursor += k.insert.length;
    }
  }
  return doc;
}

const CLOSERS_ONLY = /^\s*[)>}\]"'`]*\s*[:{;,]?\s*$/;
const restOfLine = (seg: Segment): string => seg.after.split('\n', 1)[0]!;

test('edit share 0 (or none) types the keys the trace always typed', () => {
  for (const seed of [1, 2, 3, 7]) {
    for (const [keys, keysPerSegment] of [
      [300, 100],
      [600, 250],
      [1500, 250],
    ] as const) {
      const opts = { seed, keys, keysPerSegment };
      const before = legacyMakeTrace(FIXTURE, opts);
      assert.deepEqual(makeTrace(FIXTURE, opts), before, `seed ${seed}, ${keys} keys`);
      assert.deepEqual(makeTrace(FIXTURE, { ...opts, editShare: 0 }), before, `seed ${seed}, ${keys} keys`);
    }
  }
});

test('with an edit share, spans inside existing lines are retyped, the rest of the line after the cursor', () => {
  const segments = makeTrace(FIXTURE, { seed: 1, keys: 600, keysPerSegment: 250, editShare: 0.5 });
  const edits = segments.filter((s) => s.edit);
  assert.ok(edits.length >= 5, `${edits.length} edits`);
  assert.ok(
    edits.some((s) => !s.after.startsWith('\n')),
    'some edits have code after the cursor',
  );
  for (const seg of segments) {
    assert.equal(FIXTURE.slice(seg.start, seg.start + seg.text.length), seg.text);
    assert.equal(FIXTURE.slice(0, seg.start) + seg.text + seg.after, FIXTURE);
    // The keys (typos fixed) rebuild the file.
    assert.equal(typed(FIXTURE, seg), FIXTURE);
  }
  for (const seg of edits) {
    assert.ok(seg.text.length >= 3 && seg.text.length <= 40, JSON.stringify(seg.text));
    assert.ok(!seg.text.includes('\n'), 'one line');
    assert.equal(seg.text.trim(), seg.text);
    const line = FIXTURE.slice(FIXTURE.lastIndexOf('\n', seg.start - 1) + 1, seg.start);
    assert.ok(line.trim() !== '', 'inside a line, after its indentation');
    assert.doesNotMatch(line.trim(), /^\/\//, 'not in a comment');
    assert.match(line, /[\s.(![]$/, 'starts at a token boundary');
  }
  // Segments go down the file.
  assert.deepEqual(
    segments.map((s) => s.start),
    [...segments.map((s) => s.start)].sort((a, b) => a - b),
  );
  // About half the keys are edits; typed segments keep the rest of the budget.
  const editKeys = edits.reduce((n, s) => n + s.keys.length, 0);
  const allKeys = segments.reduce((n, s) => n + s.keys.length, 0);
  assert.ok(editKeys / allKeys > 0.35 && editKeys / allKeys < 0.65, `${editKeys} of ${allKeys}`);
});

test('edits mix places before closers only (where Copilot asks) with places that have code after them', () => {
  const edits = [1, 2, 3, 4, 5].flatMap((seed) =>
    makeTrace(FIXTURE, { seed, keys: 800, keysPerSegment: 250, editShare: 0.5 }).filter((s) => s.edit),
  );
  const closers = edits.filter((s) => CLOSERS_ONLY.test(restOfLine(s))).length;
  assert.ok(closers > 0, 'some before closers only');
  assert.ok(closers < edits.length / 2, `most with code after them (${closers} of ${edits.length})`);
});

test('the edits are fixed by the seed', () => {
  const opts = { keys: 600, keysPerSegment: 250, editShare: 0.4 };
  const spans = (seed: number) =>
    makeTrace(FIXTURE, { seed, ...opts })
      .filter((s) => s.edit)
      .map((s) => `${s.start}:${s.text}`);
  assert.deepEqual(spans(4), spans(4));
  assert.notDeepEqual(spans(4), spans(5));
});

test('the replay counts ghost text typed along inside a line, the rest of the line after the cursor', async () => {
  const file = 'const total = sum(alpha, beta);\nexport { total };\n';
  const start = file.indexOf('alpha');
  const span = 'alpha, beta';
  const seg: Segment = {
    start,
    text: span,
    after: file.slice(start + span.length),
    keys: [...span].map((c, i) => ({ at: i, insert: c })),
    durationMs: 0,
    edit: true,
  };
  const asked: { prefix: string; suffix: string }[] = [];
  // The model answers the rest of the span at any place inside it.
  const source: CompletionSource = (req) => {
    asked.push({ prefix: req.prefix, suffix: req.suffix });
    const typedSoFar = req.prefix.slice(req.prefix.lastIndexOf('(') + 1);
    const text = span.startsWith(typedSoFar) ? span.slice(typedSoFar.length) : '';
    req.onText(text);
    return Promise.resolve({ text });
  };
  const editor = new ReplayEditor(
    source,
    { debounce: 0, cache: 'typedAlong', reuseInFlight: false, abortOn: 'cancel', whenBusy: 'replace' },
    { prefixTokens: 200, suffixTokens: 50, maxLines: 4 },
  );
  editor.open(seg, file, 'file:///edit.ts');
  // Until the editor's debounce has fired and the answer has come back (no time is asserted).
  const settled = async (): Promise<void> => {
    while (asked.length === 0 || editor.engine.inFlight > 0) await delay(5);
    await delay(5);
  };
  editor.key(seg.keys[0]!); // "a": the model is asked, its ghost text shows "lpha, beta"
  await settled();
  assert.equal(asked[0]?.prefix.endsWith('sum(a'), true);
  assert.equal(asked[0]?.suffix.startsWith(');\nexport'), true, 'the rest of the line follows the cursor');
  for (const k of seg.keys.slice(1)) editor.key(k); // typed along, as shown
  editor.close();
  while (editor.engine.inFlight > 0) await delay(5);
  editor.engine.dispose();
  assert.equal(editor.figures.acceptedChars, span.length - 1);
});
