// The engine's context step in virtual time: gathered after the debounce within its time budget,
// cancelled with the call, selected and passed to the source; held per document across requests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompletionEngine, VirtualTime, flushPromises } from '../../src/core/completion';
import type {
  CompletionInput,
  ContextGatherer,
  ContextMaterial,
  EngineOptions,
  FlightReport,
  SourceRequest,
  SourceResult,
} from '../../src/core/completion';
import { TieredError } from '../../src/core/errors';
import { buildInlineRequest, CURSOR_MARK } from '../../src/core/completion';
import { ollamaModel } from '../support/models';

const MATERIAL: ContextMaterial = {
  currentPath: 'src/main.ts',
  openFiles: [],
  edits: [],
  definitions: [
    { path: 'src/pricing.ts', symbol: 'priceOf', text: 'export function priceOf(o: Order): number', line: 3 },
  ],
};

function setup(opts: Partial<EngineOptions> = {}, contextTokens = 1024) {
  const time = new VirtualTime(1_000_000);
  const requests: SourceRequest[] = [];
  const reports: FlightReport[] = [];
  const meters: [string, number, number | undefined][] = [];
  const source = (req: SourceRequest): Promise<SourceResult> => {
    requests.push(req);
    return new Promise((resolve, reject) => {
      req.signal.addEventListener('abort', () => reject(new TieredError('cancelled', 'aborted')));
      queueMicrotask(() => resolve({ text: 'order);', model: 'm' }));
    });
  };
  const engine = new CompletionEngine({
    source,
    clock: time,
    timers: time,
    config: () => ({ prefixTokens: 1200, suffixTokens: 300, maxLines: 8, contextTokens }),
    policy: { debounce: 50 },
    onFlightEnd: (r) => reports.push(r),
    meter: (kind, ms, id) => meters.push([kind, ms, id]),
    ...opts,
  });
  return { time, engine, requests, reports, meters };
}

const input = (prefix: string, docKey = 'file:///ws/src/main.ts'): CompletionInput => ({
  docKey,
  prefix,
  suffix: '\n',
  offset: prefix.length,
  languageId: 'typescript',
});

describe('engine: context step', () => {
  test('gathered after the debounce, selected and passed to the source; reported with the flight', async () => {
    const gathered: CompletionInput[] = [];
    const gather: ContextGatherer = async (i) => {
      gathered.push(i);
      return { ...MATERIAL, gatherMs: 7 };
    };
    const { time, engine, requests, reports, meters } = setup({ context: { gather } });
    const p = engine.complete(input('const t = priceOf('), new AbortController().signal);
    await time.advance(49);
    assert.equal(gathered.length, 0, 'nothing gathered during the debounce');
    await time.advance(1);
    await flushPromises();
    assert.equal(gathered.length, 1);
    assert.equal(requests.length, 1);
    assert.deepEqual(
      requests[0]!.context!.map((i) => i.key),
      ['definition:src/pricing.ts:3'],
    );
    assert.equal(requests[0]!.path, 'src/main.ts');
    assert.equal((await p)?.text, 'order);');
    await flushPromises();
    assert.equal(reports[0]!.contextItems, 1);
    assert.equal(reports[0]!.contextMs, 7);
    assert.ok(meters.some(([k, ms, id]) => k === 'context' && ms === 7 && id === 1));
  });

  test('a gatherer that outlives its budget is aborted and the request goes at the budget', async () => {
    let signalSeen: AbortSignal | undefined;
    const gather: ContextGatherer = (_i, signal) => {
      signalSeen = signal;
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(MATERIAL)));
    };
    const { time, engine, requests } = setup({ context: { gather, budgetMs: 100 } });
    void engine.complete(input('const t = priceOf('), new AbortController().signal);
    await time.advance(50);
    await time.advance(99);
    assert.equal(requests.length, 0, 'still gathering');
    assert.equal(signalSeen!.aborted, false);
    await time.advance(1);
    await flushPromises();
    assert.equal(signalSeen!.aborted, true, 'aborted at the budget');
    assert.equal(requests.length, 1, 'sent with what was gathered');
    assert.equal(requests[0]!.context!.length, 1);
  });

  test('a gatherer that ignores the abort or fails leaves the request without context', async () => {
    const never: ContextGatherer = () => new Promise(() => {});
    const a = setup({ context: { gather: never, budgetMs: 100 } });
    void a.engine.complete(input('x = '), new AbortController().signal);
    await a.time.advance(50 + 100 + 20);
    await flushPromises();
    assert.equal(a.requests.length, 1);
    assert.deepEqual(a.requests[0]!.context, []);

    const failing: ContextGatherer = () => Promise.reject(new Error('provider threw'));
    const b = setup({ context: { gather: failing } });
    void b.engine.complete(input('x = '), new AbortController().signal);
    await b.time.advance(50);
    await flushPromises();
    assert.equal(b.requests.length, 1);
    assert.deepEqual(b.requests[0]!.context, []);
  });

  test('cancelling the call while gathering aborts the gatherer and sends nothing', async () => {
    let signalSeen: AbortSignal | undefined;
    const gather: ContextGatherer = (_i, signal) => {
      signalSeen = signal;
      return new Promise(() => {});
    };
    const { time, engine, requests } = setup({ context: { gather } });
    const call = new AbortController();
    const p = engine.complete(input('x = '), call.signal);
    await time.advance(60);
    call.abort();
    assert.equal(await p, undefined);
    assert.equal(signalSeen!.aborted, true);
    await time.advance(500);
    assert.equal(requests.length, 0);
  });

  test('contextTokens 0 turns the step off; without a gatherer the request has no context field', async () => {
    let calls = 0;
    const gather: ContextGatherer = async () => {
      calls++;
      return MATERIAL;
    };
    const off = setup({ context: { gather } }, 0);
    void off.engine.complete(input('x = '), new AbortController().signal);
    await off.time.advance(50);
    await flushPromises();
    assert.equal(calls, 0);
    assert.equal(off.requests[0]!.context, undefined);

    const none = setup();
    void none.engine.complete(input('x = '), new AbortController().signal);
    await none.time.advance(50);
    await flushPromises();
    assert.equal(none.requests[0]!.context, undefined);
    assert.equal(none.reports[0]!.contextItems, undefined);
  });

  test('the window start is held per document between requests (on with context)', async () => {
    const long = Array.from({ length: 800 }, (_, i) => `const v${i} = f(${i});`).join('\n') + '\n';
    const gather: ContextGatherer = async () => ({ openFiles: [], edits: [], definitions: [] });
    const held = setup({ context: { gather } });
    const plain = setup();
    const starts = (reqs: SourceRequest[], texts: string[]) => reqs.map((r, i) => texts[i]!.length - r.prefix.length);
    const texts: string[] = [];
    let text = long;
    for (let i = 0; i < 6; i++) {
      text += `const w${i} = g(${i});\n`;
      texts.push(text);
      for (const s of [held, plain]) {
        void s.engine.complete(input(text), new AbortController().signal);
        await s.time.advance(50);
        await flushPromises();
        await s.time.advance(10);
      }
    }
    assert.equal(new Set(starts(held.requests, texts)).size, 1, 'held: one start for six lines');
    assert.ok(new Set(starts(plain.requests, texts)).size >= 4, 'without context: the start follows the cursor');
  });

  test('the context head is kept while the window start holds, and chosen afresh for a window that moved', async () => {
    // Two imported definitions, room in the head for one: the head takes the one the window uses most.
    const def = (symbol: string, line: number) => ({
      path: `src/${symbol}.ts`,
      symbol,
      line,
      source: 'import' as const,
      text: `export function ${symbol}(order: Order, region: Region, options: PricingOptions): Money {\n  return compute(order, region, options);\n}`,
    });
    const material: ContextMaterial = {
      currentPath: 'src/main.ts',
      openFiles: [],
      edits: [],
      definitions: [def('priceOf', 1), def('taxOf', 2)],
    };
    const s = setup({ context: { gather: async () => material } }, 100);
    const lines = (name: string, from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `const ${name}${from + i} = ${name}Of(${from + i});\n`).join('');
    const doc = lines('price', 0, 400) + lines('tax', 400, 400);
    const upTo = (line: number) => doc.split('\n').slice(0, line).join('\n') + '\n';
    const head = (req: SourceRequest) => req.context!.filter((i) => !i.volatile).map((i) => i.path);
    for (const line of [300, 301, 780]) {
      const text = upTo(line);
      void s.engine.complete({ ...input(text), suffix: doc.slice(text.length) }, new AbortController().signal);
      await s.time.advance(50);
      await flushPromises();
      await s.time.advance(10);
    }
    const [first, typed, jumped] = s.requests;
    assert.deepEqual(head(first!), ['src/priceOf.ts'], 'the head holds what the window uses');
    assert.equal(typed!.prefix.length, first!.prefix.length + doc.split('\n')[300]!.length + 1, 'the start held');
    assert.deepEqual(head(typed!), ['src/priceOf.ts'], 'kept while the start holds');
    assert.ok(!jumped!.prefix.includes('priceOf('), 'far away: the window moved');
    assert.deepEqual(head(jumped!), ['src/taxOf.ts'], 'a moved window gets a head for its own code');
  });

  test('consecutive prompts while typing share everything up to the cursor (context block and window start)', async () => {
    const long = Array.from({ length: 800 }, (_, i) => `const v${i} = priceOf(${i});`).join('\n') + '\n';
    const gather: ContextGatherer = async () => MATERIAL;
    const userText = (req: SourceRequest) =>
      buildInlineRequest(ollamaModel({ fim: false }), req, { maxOutputTokens: 64 }).messages![1]!.content;
    for (const withContext of [true, false]) {
      const s = withContext ? setup({ context: { gather } }) : setup();
      let text = long;
      for (const line of ['const a = priceOf(1);', 'const b = priceOf(2);', 'const c = priceOf(3);']) {
        text += `${line}\n`;
        void s.engine.complete(input(text), new AbortController().signal);
        await s.time.advance(50);
        await flushPromises();
        await s.time.advance(10);
      }
      const [first, second, third] = s.requests.map(userText);
      const shared = (a: string, b: string) => b.startsWith(a.slice(0, a.indexOf(CURSOR_MARK)));
      if (withContext) {
        assert.ok(first!.includes('Definition from src/pricing.ts'));
        assert.ok(shared(first!, second!) && shared(second!, third!), 'each prompt extends the one before');
      } else {
        assert.ok(!shared(first!, second!) || !shared(second!, third!), 'the plain window slides');
      }
    }
  });
});
