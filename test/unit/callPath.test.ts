import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallSpec } from '../../src/core/calls';
import { CallPath, type BudgetPort, type PricingPort } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { TieredError } from '../../src/core/errors';
import type { ResolvedModel } from '../../src/core/router';
import type { LedgerRecord, ModelClient, ModelRequest, ModelResponse, NormalizedUsage } from '../../src/core/types';

function config(overrides: Record<string, unknown> = {}): TieredConfig {
  const result = parseConfig({
    providers: [{ id: 'p', kind: 'openai', baseUrl: 'https://api.example.com/v1' }],
    models: {
      l1: { provider: 'p', model: 'lite-a', tier: 'lite', maxOutputTokens: 100 },
      l2: { provider: 'p', model: 'lite-cheap', tier: 'lite', maxOutputTokens: 100 },
      p1: { provider: 'p', model: 'pro-a', tier: 'pro', maxOutputTokens: 1000 },
      p2: { provider: 'p', model: 'pro-b', tier: 'pro', maxOutputTokens: 1000 },
    },
    tiers: { lite: ['l1', 'l2'], pro: ['p1', 'p2'] },
    ...overrides,
  });
  if (!result.ok) throw new Error(result.message);
  return result.config;
}

/** $ per token: input, output. 'unknown' models have no price. */
const RATES: Record<string, [number, number]> = {
  'lite-a': [1e-6, 4e-6],
  'lite-cheap': [1e-7, 4e-7],
  'pro-a': [1e-5, 1e-4],
  'pro-b': [2e-5, 2e-4],
};

const pricing: PricingPort = {
  cost(model, usage) {
    const [i, o] = RATES[model.model]!;
    return { costUsd: usage.inputTokens * i + usage.outputTokens * o, source: 'bundled' };
  },
  worstCase(model, inputTokens, maxOutputTokens) {
    const r = RATES[model.model];
    if (!r) return { usd: NaN, known: false, source: 'unknown' };
    return { usd: inputTokens * r[0] + maxOutputTokens * r[1], known: true, source: 'bundled' };
  },
  unknownPriceMessage: (model) => `no price for ${model.id}`,
};

class FakeBudget implements BudgetPort {
  records: LedgerRecord[] = [];
  reservations = new Map<string, number>();
  reserved: number[] = [];
  soft = false;
  constructor(public cap = 10) {}
  spent() {
    return this.records.reduce((s, r) => s + r.costUsd, 0);
  }
  async reserve(r: { id: string; worstCaseUsd: number }) {
    const inUse = this.spent() + [...this.reservations.values()].reduce((a, b) => a + b, 0);
    if (inUse + r.worstCaseUsd > this.cap) return { ok: false, message: `cap ${this.cap}` };
    this.reservations.set(r.id, r.worstCaseUsd);
    this.reserved.push(r.worstCaseUsd);
    return { ok: true };
  }
  async settle(id: string, record: LedgerRecord) {
    assert.ok(this.reservations.has(id), 'settle without reservation');
    this.reservations.delete(id);
    this.records.push(record);
  }
  async release(id: string) {
    this.reservations.delete(id);
  }
  async recordOnly(record: LedgerRecord) {
    this.records.push(record);
  }
  async status() {
    return { softReached: this.soft, capReached: false, remainingUsd: this.cap - this.spent(), capUsd: this.cap };
  }
}

type Script = (req: ModelRequest, onText?: (d: string) => void) => Promise<ModelResponse>;

function harness(script: Script, cfg = config()) {
  const budget = new FakeBudget();
  const calls: { model: string; req: ModelRequest }[] = [];
  const sleeps: number[] = [];
  const client: ModelClient = {
    kind: 'openai',
    stream: (req, onText) => {
      calls.push({ model: req.model, req });
      return script(req, onText);
    },
  };
  const path = new CallPath({
    config: () => cfg,
    budget,
    pricing,
    client: async (_m: ResolvedModel) => client,
    clock: { now: () => 1_700_000_000_000 },
    logger: { info() {}, warn() {}, error() {}, debug() {} },
    windowId: 'w1',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { path, budget, calls, sleeps };
}

const usage = (i: number, o: number): NormalizedUsage => ({
  inputTokens: i,
  cachedInputTokens: 0,
  outputTokens: o,
  reasoningTokens: 0,
});
const ok =
  (text: string, u = usage(10, 5)): Script =>
  async (_r, onText) => {
    onText?.(text);
    return { text, usage: u, ttftMs: 12 };
  };
const spec = (over: Partial<CallSpec> = {}): CallSpec => ({
  command: 'review',
  build: () => ({ messages: [{ role: 'user', content: 'review this code please' }], maxOutputTokens: 500 }),
  ...over,
});

describe('call path', () => {
  test('reserves the worst case, calls the primary, settles one priced record', async () => {
    const h = harness(ok('fine'));
    const result = await h.path.run(spec());
    assert.equal(result.text, 'fine');
    assert.deepEqual(
      h.calls.map((c) => c.model),
      ['pro-a'],
    );
    assert.equal(h.calls[0]!.req.maxOutputTokens, 500);
    assert.equal(h.budget.records.length, 1);
    const r = h.budget.records[0]!;
    assert.equal(r.outcome, 'ok');
    assert.equal(r.model, 'p1');
    assert.equal(r.tier, 'pro');
    assert.equal(r.costUsd, 10 * 1e-5 + 5 * 1e-4);
    assert.ok(h.budget.reserved[0]! >= 500 * 1e-4, 'worst case covers maxOutputTokens');
    assert.equal(r.estimateUsd, h.budget.reserved[0]);
    assert.equal(h.budget.reservations.size, 0);
  });

  test('maxOutputTokens is clamped to the model table', async () => {
    const h = harness(ok('x'));
    await h.path.run(spec({ build: () => ({ messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 99_999 }) }));
    assert.equal(h.calls[0]!.req.maxOutputTokens, 1000);
  });

  test('a call whose worst case does not fit is refused, recorded, and never sent', async () => {
    const h = harness(ok('never'));
    h.budget.cap = 0.01;
    await assert.rejects(h.path.run(spec()), (e: unknown) => TieredError.is(e, 'budget'));
    assert.equal(h.calls.length, 0);
    assert.equal(h.budget.records.length, 1);
    assert.equal(h.budget.records[0]!.outcome, 'refused');
    assert.equal(h.budget.records[0]!.costUsd, 0);
  });

  test('an unknown cloud price refuses the call with a message that says how to set one', async () => {
    const cfg = config({
      models: {
        l1: { provider: 'p', model: 'mystery', tier: 'lite', maxOutputTokens: 10 },
        p1: { provider: 'p', model: 'mystery', tier: 'pro', maxOutputTokens: 10 },
      },
      tiers: { lite: ['l1'], pro: ['p1'] },
    });
    const h = harness(ok('never'), cfg);
    await assert.rejects(
      h.path.run(spec()),
      (e: unknown) => TieredError.is(e, 'config') && /no price for p1/.test((e as Error).message),
    );
    assert.equal(h.calls.length, 0);
    assert.equal(h.budget.records[0]!.outcome, 'refused');
  });

  test('transient failures retry with backoff honouring Retry-After, then go to the next model of the same tier', async () => {
    let n = 0;
    const h = harness(async (req) => {
      n++;
      if (req.model === 'pro-a') throw new TieredError('rateLimit', '429', { retryAfterMs: 1234 });
      return { text: 'from b', usage: usage(1, 1) };
    });
    const result = await h.path.run(spec());
    assert.equal(result.text, 'from b');
    assert.deepEqual(
      h.calls.map((c) => c.model),
      ['pro-a', 'pro-a', 'pro-a', 'pro-b'],
    );
    assert.deepEqual(h.sleeps, [1234, 1234]);
    assert.equal(n, 4);
    assert.deepEqual(
      h.budget.records.map((r) => r.outcome),
      ['error', 'error', 'error', 'ok'],
    );
    assert.equal(h.budget.reservations.size, 0);
  });

  test('a failing pro chain stops with a clear message and never falls down to lite', async () => {
    const h = harness(async () => {
      throw new TieredError('server', 'provider p: 500');
    });
    await assert.rejects(
      h.path.run(spec({ retries: 0 })),
      (e: unknown) => TieredError.is(e, 'server') && /tried p1, p2/.test((e as Error).message),
    );
    assert.deepEqual(
      h.calls.map((c) => c.model),
      ['pro-a', 'pro-b'],
    );
    assert.ok(h.budget.records.every((r) => r.tier === 'pro'));
  });

  test('auth errors do not retry or fall back', async () => {
    const h = harness(async () => {
      throw new TieredError('auth', 'bad key');
    });
    await assert.rejects(h.path.run(spec()), (e: unknown) => TieredError.is(e, 'auth'));
    assert.equal(h.calls.length, 1);
  });

  test('cancelled mid-stream: bills the prompt estimate plus what streamed, outcome cancelled', async () => {
    const controller = new AbortController();
    const h = harness(async (_req, onText) => {
      onText?.('partial answer');
      controller.abort();
      throw new TieredError('cancelled', 'aborted', { partial: { text: 'partial answer', usage: null, ttftMs: 40 } });
    });
    await assert.rejects(h.path.run(spec({ signal: controller.signal })), (e: unknown) =>
      TieredError.is(e, 'cancelled'),
    );
    assert.equal(h.calls.length, 1, 'no retry after a cancel');
    const r = h.budget.records[0]!;
    assert.equal(r.outcome, 'cancelled');
    assert.ok(r.inputTokens > 0, 'prompt estimate billed');
    assert.ok(r.outputTokens > 0, 'streamed text billed');
    assert.ok(r.costUsd > 0);
    assert.equal(r.ttftMs, 40);
  });

  test('a failure before any byte is not billed', async () => {
    const h = harness(async () => {
      throw new TieredError('auth', 'bad key');
    });
    await assert.rejects(h.path.run(spec()));
    assert.equal(h.budget.records[0]!.costUsd, 0);
    assert.equal(h.budget.records[0]!.outcome, 'error');
  });

  test('a rejected lite answer is billed, marked escalated, and the pro tier answers', async () => {
    const h = harness(async (req) => ({ text: req.model.startsWith('lite') ? '' : 'good', usage: usage(3, 3) }));
    const result = await h.path.run(
      spec({ command: 'tone', escalate: true, validate: (t) => (t ? undefined : 'empty') }),
    );
    assert.equal(result.text, 'good');
    assert.equal(result.escalatedFrom, 'lite');
    assert.equal(result.tier, 'pro');
    assert.deepEqual(
      h.budget.records.map((r) => [r.tier, r.outcome]),
      [
        ['lite', 'escalated'],
        ['pro', 'ok'],
      ],
    );
    assert.ok(h.budget.records[0]!.costUsd > 0);
  });

  test('without escalation allowed, a rejected answer is an error naming the reason', async () => {
    const cfg = config({ escalation: { enabled: false } });
    const h = harness(ok(''), cfg);
    await assert.rejects(
      h.path.run(spec({ command: 'tone', escalate: true, validate: () => 'empty' })),
      /not usable: empty/,
    );
    assert.equal(h.calls.length, 1);
    assert.equal(h.budget.records[0]!.outcome, 'error');
  });

  test('above the soft threshold non-critical commands use the cheapest model; review does not', async () => {
    const h = harness(ok('x'));
    h.budget.soft = true;
    const r1 = await h.path.run(spec({ command: 'complete' }));
    assert.equal(r1.model.id, 'l2');
    assert.equal(r1.downgraded, true);
    await h.path.run(spec({ command: 'review' }));
    assert.equal(h.calls[1]!.model, 'pro-a');
  });

  test('declining the confirmation sends and reserves nothing', async () => {
    const h = harness(ok('x'));
    let asked = 0;
    await assert.rejects(
      h.path.run(spec({ confirm: async (e) => (asked++, assert.ok(e.worstCaseUsd > 0.05), false) })),
      (e: unknown) => TieredError.is(e, 'cancelled'),
    );
    assert.equal(asked, 1);
    assert.equal(h.calls.length, 0);
    assert.equal(h.budget.reserved.length, 0);
  });

  test('estimate reports the worst case and what is left of the cap without calling', async () => {
    const h = harness(ok('x'));
    const e = await h.path.estimate(spec());
    assert.equal(e.model.id, 'p1');
    assert.ok(e.worstCaseUsd >= 500 * 1e-4);
    assert.equal(e.remainingUsd, 10);
    assert.equal(h.calls.length, 0);
  });
});

describe('call path: a pinned model', () => {
  test('runs on that model only, even when the primary would answer', async () => {
    const h = harness(ok('pinned'));
    const r = await h.path.run(spec({ model: 'p2' }));
    assert.equal(r.model.id, 'p2');
    assert.deepEqual(
      h.calls.map((c) => c.model),
      ['pro-b'],
    );
  });

  test('a model outside the tier is refused before anything is sent', async () => {
    const h = harness(ok('never'));
    await assert.rejects(h.path.run(spec({ model: 'l1' })), (e: unknown) => TieredError.is(e, 'config'));
    assert.equal(h.calls.length, 0);
  });
});

describe('call path: models that cannot answer', () => {
  const rejected = (param: string) =>
    new TieredError(
      'badRequest',
      `Provider "p" rejected the request (model "lite-a", HTTP 400: Unsupported value: '${param}')`,
      {
        status: 400,
        param,
        code: 'unsupported_value',
      },
    );

  test('an answer that spent the whole cap with no text is billed as truncated and the next model answers', async () => {
    const h = harness(async (req) =>
      req.model === 'lite-a'
        ? { text: '', usage: { ...usage(10, 100), reasoningTokens: 100 }, finishReason: 'length' }
        : { text: 'done', usage: usage(10, 3), ttftMs: 5 },
    );
    const result = await h.path.run(spec({ command: 'complete' }));
    assert.equal(result.text, 'done');
    assert.deepEqual(
      h.calls.map((c) => c.model),
      ['lite-a', 'lite-cheap'],
    );
    const first = h.budget.records[0]!;
    assert.equal(first.outcome, 'error');
    assert.equal(first.reason, 'truncated');
    assert.equal(first.reasoningTokens, 100, 'the thinking is billed');
    assert.ok(first.costUsd > 0);
  });

  test('an answer that ends at the cap with text is kept (the caller post-processes it)', async () => {
    const h = harness(async () => ({ text: 'partial', usage: usage(10, 100), finishReason: 'length' }));
    const result = await h.path.run(spec({ command: 'complete' }));
    assert.equal(result.text, 'partial');
    assert.equal(h.budget.records[0]!.outcome, 'ok');
  });

  test('a 400 naming a parameter skips that model for the session: told once, next model answers, never re-sent', async () => {
    const problems: string[] = [];
    const cfg = config();
    const budget = new FakeBudget();
    const calls: string[] = [];
    const path = new CallPath({
      config: () => cfg,
      budget,
      pricing,
      client: async () => ({
        kind: 'openai',
        stream: async (req) => {
          calls.push(req.model);
          if (req.model === 'lite-a') throw rejected('temperature');
          return { text: 'ok', usage: usage(5, 2) };
        },
      }),
      clock: { now: () => 1_700_000_000_000 },
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      windowId: 'w1',
      sleep: async () => {},
      onModelProblem: (p) => problems.push(`${p.modelId} ${p.setting} next=${p.next} ${p.error.details.param}`),
    });
    for (let i = 0; i < 3; i++) assert.equal((await path.run(spec({ command: 'complete' }))).text, 'ok');
    assert.deepEqual(calls, ['lite-a', 'lite-cheap', 'lite-cheap', 'lite-cheap']);
    assert.deepEqual(problems, ['l1 tiered.models.l1 next=l2 temperature']);
  });

  test('a pinned run that is rejected names the tier model that takes over, not "none left"', async () => {
    const problems: string[] = [];
    const cfg = config();
    const path = new CallPath({
      config: () => cfg,
      budget: new FakeBudget(),
      pricing,
      client: async () => ({
        kind: 'openai',
        stream: async () => {
          throw rejected('temperature');
        },
      }),
      clock: { now: () => 1_700_000_000_000 },
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      windowId: 'w1',
      sleep: async () => {},
      onModelProblem: (p) => problems.push(`${p.modelId} next=${p.next}`),
    });
    await assert.rejects(path.run(spec({ command: 'complete', model: 'l1', fallback: false })));
    assert.deepEqual(problems, ['l1 next=l2']);
  });

  test('when every model of the chain is skipped, the call fails at once with the first problem and sends nothing', async () => {
    const cfg = config({ tiers: { lite: ['l1'], pro: ['p1', 'p2'] } });
    const h = harness(async () => {
      throw rejected('reasoning_effort');
    }, cfg);
    await assert.rejects(h.path.run(spec({ command: 'complete' })), (e) => TieredError.is(e, 'badRequest'));
    await assert.rejects(h.path.run(spec({ command: 'complete' })), (e) => TieredError.is(e, 'badRequest'));
    assert.equal(h.calls.length, 1, 'the skipped model is not asked again');
  });

  test('a new configuration forgets the skipped models', async () => {
    let cfg = config();
    let fail = true;
    const budget = new FakeBudget();
    const calls: string[] = [];
    const path = new CallPath({
      config: () => cfg,
      budget,
      pricing,
      client: async () => ({
        kind: 'openai',
        stream: async (req) => {
          calls.push(req.model);
          if (req.model === 'lite-a' && fail) throw rejected('temperature');
          return { text: 'ok', usage: usage(5, 2) };
        },
      }),
      clock: { now: () => 1_700_000_000_000 },
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      windowId: 'w1',
      sleep: async () => {},
    });
    await path.run(spec({ command: 'complete' }));
    fail = false;
    cfg = config();
    await path.run(spec({ command: 'complete' }));
    assert.deepEqual(calls, ['lite-a', 'lite-cheap', 'lite-a']);
  });

  test('a 400 about the input size does not skip the model', async () => {
    const h = harness(async (req) => {
      if (req.model === 'lite-a')
        throw new TieredError('badRequest', 'HTTP 400: maximum context length is 128000 tokens', {
          status: 400,
          code: 'context_length_exceeded',
        });
      return { text: 'ok', usage: usage(5, 2) };
    });
    await h.path.run(spec({ command: 'complete' }));
    await h.path.run(spec({ command: 'complete' }));
    assert.deepEqual(
      h.calls.map((c) => c.model),
      ['lite-a', 'lite-cheap', 'lite-a', 'lite-cheap'],
    );
  });

  test('a response served by another model is priced as that model and recorded', async () => {
    const h = harness(async () => ({ text: 'ok', usage: usage(1000, 100), servedModel: 'pro-b' }));
    const result = await h.path.run(spec());
    const asServed = 1000 * RATES['pro-b']![0] + 100 * RATES['pro-b']![1];
    assert.equal(result.costUsd, asServed);
    assert.equal(h.budget.records[0]!.served, 'pro-b');
    // A dated snapshot of the same model is the same model.
    const same = harness(async () => ({ text: 'ok', usage: usage(1000, 100), servedModel: 'pro-a-2026-01-01' }));
    await same.path.run(spec());
    assert.equal(same.budget.records[0]!.served, undefined);
  });
});
