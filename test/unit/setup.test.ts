// Check Setup, the pure part: the plan (each model once, at its commands' reasoning level, pinned,
// no fallback, no retries), the estimate through the call path, and each outcome → row + fix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CallPath, type BudgetPort } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { TieredError, type ErrorReason } from '../../src/core/errors';
import { PriceBook } from '../../src/core/prices';
import {
  chatSpec,
  estimateSetup,
  fimSpec,
  planChecks,
  problemFor,
  reportMarkdown,
  runSetupCheck,
  summaryLine,
  toRow,
  unusedModels,
  verdicts,
  type SetupCheck,
} from '../../src/core/setup';
import type { LedgerRecord, ModelClient, ModelRequest, ModelResponse } from '../../src/core/types';

const KEY = 'sk-test-0123456789abcdef';

function config(): TieredConfig {
  const result = parseConfig({
    providers: [
      { id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com' },
      { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
      { id: 'ollama', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1' },
    ],
    models: {
      'flash-lite': { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'lite', maxOutputTokens: 1024 },
      mini: {
        provider: 'openai',
        model: 'gpt-5-mini',
        tier: 'lite',
        maxOutputTokens: 512,
        temperature: 0.2,
        capabilities: { temperature: 'accepted' },
      },
      coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', tier: 'lite', maxOutputTokens: 256, fim: true },
      pro: { provider: 'gemini', model: 'gemini-3.1-pro-preview', tier: 'pro', maxOutputTokens: 16384 },
      mystery: { provider: 'openai', model: 'mystery-model-x', tier: 'pro', maxOutputTokens: 1000 },
      spare: { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'lite', maxOutputTokens: 100 },
    },
    tiers: { lite: ['flash-lite', 'mini', 'coder'], pro: ['pro', 'mystery', 'flash-lite'] },
  });
  if (!result.ok) throw new Error(result.message);
  return result.config;
}

class FakeBudget implements BudgetPort {
  records: LedgerRecord[] = [];
  async reserve() {
    return { ok: true };
  }
  async settle(_id: string, record: LedgerRecord) {
    this.records.push(record);
  }
  async release() {}
  async recordOnly(record: LedgerRecord) {
    this.records.push(record);
  }
  async status() {
    return { softReached: false, capReached: false, remainingUsd: 4.5, capUsd: 5 };
  }
}

/** Each model as the strict server would answer it. */
async function answer(req: ModelRequest): Promise<ModelResponse> {
  switch (req.model) {
    case 'gemini-3.1-flash-lite':
      return {
        text: 'OK',
        usage: { inputTokens: 6, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 },
        ttftMs: 140,
      };
    case 'gemini-3.1-pro-preview':
      // A stream that ends without usage: Tiered estimates.
      return { text: 'OK', usage: null, ttftMs: 900 };
    case 'gpt-5-mini':
      if (req.temperature !== undefined) {
        throw new TieredError(
          'badRequest',
          "openai: 400 Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
          { status: 400, param: 'temperature', code: 'unsupported_value', provider: 'openai' },
        );
      }
      return { text: 'OK', usage: null };
    case 'qwen2.5-coder:7b':
      throw new TieredError('network', 'ollama: Connection error. connect ECONNREFUSED 127.0.0.1:11434');
    default:
      throw new Error(`unexpected model ${req.model}`);
  }
}

function harness() {
  const cfg = config();
  const budget = new FakeBudget();
  const sent: ModelRequest[] = [];
  const client: ModelClient = {
    kind: 'openai',
    stream: (req) => {
      sent.push(req);
      return answer(req);
    },
  };
  const prices = new PriceBook({ clock: { now: () => Date.parse('2026-12-01T10:00:00Z') } });
  const runner = new CallPath({
    config: () => cfg,
    budget,
    pricing: prices,
    client: async () => client,
    clock: { now: () => Date.parse('2026-12-01T10:00:00Z') },
    logger: { info() {}, warn() {}, error() {}, debug() {} },
    windowId: 'w',
  });
  return { cfg, budget, sent, prices, runner };
}

describe('Check Setup plan', () => {
  test('every model of the tiers once, at the reasoning level of the first command routed to its tier', () => {
    const checks = planChecks(config());
    assert.deepEqual(
      checks.map((c) => [c.model.id, c.tier, c.reasoningFrom, c.level]),
      [
        ['flash-lite', 'lite', 'complete', 'least'],
        ['mini', 'lite', 'complete', 'least'],
        ['coder', 'lite', 'complete', 'least'],
        ['pro', 'pro', 'review', 'medium'],
        ['mystery', 'pro', 'review', 'medium'],
      ],
    );
    assert.deepEqual(checks[2]!.fim, { dialect: 'suffix' }, 'Ollama takes FIM as suffix');
    assert.deepEqual(unusedModels(config()), ['spare']);
  });

  test('requests are pinned to the model, under `setup`, with no fallback and no retries', () => {
    const check = planChecks(config())[3]!;
    const spec = chatSpec(check);
    assert.equal(spec.command, 'setup');
    assert.equal(spec.tier, 'pro');
    assert.equal(spec.model, 'pro');
    assert.equal(spec.fallback, false);
    assert.equal(spec.retries, 0);
    assert.equal(spec.reasoning, 'review');
    const body = spec.build(check.model);
    assert.equal(body.messages?.[0]?.content, 'Reply with: OK');
    assert.ok(body.maxOutputTokens <= 16, 'a small visible cap');
    const fim = fimSpec(planChecks(config())[2]!);
    assert.equal(fim.reasoning, 'complete');
    assert.equal(fim.build(planChecks(config())[2]!.model).fim?.dialect, 'suffix');
  });
});

describe('Check Setup through the call path', () => {
  test('the estimate prices each pinned model as itself and lists the unpriced ones', async () => {
    const { cfg, runner } = harness();
    const checks = planChecks(cfg);
    const proSecond = await runner.estimate({ ...chatSpec(checks[4]!) });
    assert.equal(proSecond.model.id, 'mystery', 'a pinned model is estimated as itself, not the primary');
    const e = await estimateSetup(runner, checks);
    assert.equal(e.requests, 6, 'five chats and one FIM');
    assert.deepEqual(e.unpriced, ['mystery']);
    assert.ok(Number.isFinite(e.worstCaseUsd) && e.worstCaseUsd > 0, String(e.worstCaseUsd));
    assert.equal(e.remainingUsd, 4.5);
  });

  test('each model gets its row: ready, rejected parameter, unreachable, unpriced', async () => {
    const { cfg, runner, prices, sent, budget } = harness();
    const rows = await runSetupCheck({ runner, prices }, planChecks(cfg));
    const by = Object.fromEntries(rows.map((r) => [r.modelId, r]));

    const lite = by['flash-lite']!;
    assert.equal(lite.ready, true);
    assert.deepEqual([lite.reachable, lite.keyAccepted, lite.paramsAccepted], ['yes', 'yes', 'yes']);
    assert.equal(lite.reasoning, 'thinkingLevel minimal (as for complete)');
    assert.equal(lite.ttft, '140 ms');
    assert.match(lite.usage, /^reported \(in 6, out 1\)/);
    assert.match(lite.price, /^bundled price data \(genai-prices .+, \d{4}-\d{2}-\d{2}\)$/);
    assert.match(lite.fim, /^none/);

    const pro = by['pro']!;
    assert.equal(pro.ready, true);
    assert.equal(pro.reasoning, 'thinkingLevel medium (as for review)');
    assert.equal(pro.usage, 'not reported (estimated)');
    assert.equal(pro.notes.length, 1);

    const mini = by['mini']!;
    assert.equal(mini.ready, false);
    assert.deepEqual([mini.reachable, mini.keyAccepted, mini.paramsAccepted], ['yes', 'yes', 'no']);
    assert.equal(mini.problems.length, 1);
    assert.match(mini.problems[0]!.what, /rejected `temperature`/);
    assert.match(mini.problems[0]!.fix, /tiered\.models\.mini\.temperature/);

    const coder = by['coder']!;
    assert.equal(coder.reachable, 'no');
    assert.match(coder.problems[0]!.what, /http:\/\/127\.0\.0\.1:11434\/v1 is unreachable/);
    assert.match(coder.problems[0]!.fix, /provider "ollama" in `tiered\.providers`/);
    assert.equal(coder.price, 'local server: $0');
    assert.equal(coder.fim, 'suffix (/v1/completions with suffix): not checked');

    const mystery = by['mystery']!;
    assert.equal(mystery.notSent, true);
    assert.equal(mystery.problems.length, 1, 'one fix for the missing price, not two');
    assert.match(mystery.problems[0]!.fix, /tiered\.models\.mystery\.price/);

    // Nothing was sent for the unpriced model nor FIM for the unreachable one; mini was asked once.
    assert.deepEqual(sent.map((r) => r.model).sort(), [
      'gemini-3.1-flash-lite',
      'gemini-3.1-pro-preview',
      'gpt-5-mini',
      'qwen2.5-coder:7b',
    ]);
    assert.ok(sent.every((r) => !r.fim));
    const thinking = sent.find((r) => r.model === 'gemini-3.1-flash-lite')!.reasoning;
    assert.deepEqual(thinking, { param: 'thinkingLevel', value: 'minimal' });
    // All of it is in the ledger under `setup`, the refused one included.
    assert.equal(budget.records.length, 5);
    assert.ok(budget.records.every((r) => r.command === 'setup'));
    assert.equal(budget.records.find((r) => r.model === 'mystery')?.outcome, 'refused');

    assert.equal(summaryLine(rows), '2 of 5 models ready; 3 problems');
    const md = reportMarkdown(rows, { at: 'now', spentUsd: 0.0001, unused: ['spare'] });
    for (const id of ['flash-lite', 'mini', 'coder', 'pro', 'mystery']) assert.match(md, new RegExp(`## ${id}: `));
    assert.match(md, /\*\*Fix:\*\* Remove `tiered\.models\.mini\.temperature`/);
    assert.match(md, /Not checked: `spare`/);
    assert.ok(!md.includes(KEY));
  });

  test('a FIM model that answers chat gets its FIM request in its dialect', async () => {
    const { cfg, prices, sent } = harness();
    const coder = planChecks(cfg).find((c) => c.model.id === 'coder')!;
    const ok: ModelClient = {
      kind: 'openai',
      stream: async (req) => {
        sent.push(req);
        return { text: req.fim ? 'a + b' : 'OK', usage: null };
      },
    };
    const local = new CallPath({
      config: () => cfg,
      budget: new FakeBudget(),
      pricing: prices,
      client: async () => ok,
      clock: { now: () => 0 },
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      windowId: 'w',
    });
    const [row] = await runSetupCheck({ runner: local, prices }, [coder]);
    assert.equal(row!.fim, 'suffix (/v1/completions with suffix): works');
    assert.equal(row!.ready, true);
    const fim = sent.find((r) => r.fim);
    assert.equal(fim?.fim?.dialect, 'suffix');
    assert.match(fim?.fim?.suffix ?? '', /^;/);
  });
});

describe('each outcome → its fix', () => {
  const check: SetupCheck = planChecks(config()).find((c) => c.model.id === 'mini')!;
  const cases: [ErrorReason, ConstructorParameters<typeof TieredError>[2], RegExp, RegExp][] = [
    ['auth', {}, /no API key is set for provider "openai"/, /Set API Key\*\* for provider "openai"/],
    ['auth', { status: 401 }, /refused the key \(HTTP 401\)/, /Set API Key\*\* for provider "openai" with a valid key/],
    ['denied', { status: 403 }, /no access to "gpt-5-mini"/, /tiered\.models\.mini\.model/],
    [
      'badRequest',
      { status: 400, param: 'reasoning_effort' },
      /`reasoning_effort`/,
      /tiered\.models\.mini\.capabilities\.reasoning`.*tiered\.reasoning\.complete/,
    ],
    ['badRequest', { status: 400, param: 'max_tokens' }, /`max_tokens`/, /capabilities\.outputCapField/],
    ['badRequest', { status: 400, param: 'top_k' }, /`top_k`/, /tiered\.models\.mini\.capabilities`/],
    ['modelNotFound', { status: 404 }, /does not serve "gpt-5-mini"/, /tiered\.models\.mini\.model/],
    ['network', {}, /https:\/\/api\.openai\.com\/v1 is unreachable/, /`tiered\.providers`/],
    ['timeout', {}, /did not answer in time/, /`tiered\.providers`.*timeoutMs/],
    ['truncated', {}, /output cap/, /tiered\.models\.mini\.maxOutputTokens/],
    ['rateLimit', { status: 429 }, /rate-limited/, /Check Setup\*\* again/],
    ['quota', { status: 429 }, /quota/, /billing/],
    ['server', { status: 503 }, /HTTP 503/, /try again later/i],
    ['budget', {}, /not sent/, /dailyCapUsd/],
    ['config', {}, /no price/, /tiered\.models\.mini\.price/],
    ['cancelled', {}, /cancelled/, /again/],
  ];
  for (const [reason, details, what, fix] of cases) {
    test(`${reason}${details?.status ? ` ${details.status}` : ''}${details?.param ? ` ${details.param}` : ''}`, () => {
      const message = reason === 'config' ? 'Tiered has no price for model "mini"' : `the provider said no (${reason})`;
      const p = problemFor(new TieredError(reason, message, details), check);
      assert.match(p.what, what);
      assert.match(p.fix, fix);
    });
  }

  test('a parameter named only in the message (Gemini) is still named', () => {
    const p = problemFor(
      new TieredError('badRequest', 'Invalid JSON payload: thinking_level "minimal" is not supported for this model.', {
        status: 400,
      }),
      check,
    );
    assert.match(p.fix, /capabilities\.reasoning/);
  });

  test('a FIM 400 points at the fim setting', () => {
    const p = problemFor(
      new TieredError('badRequest', 'suffix is not supported', { status: 400, param: 'suffix' }),
      check,
      true,
    );
    assert.match(p.what, /^FIM request/);
    assert.match(p.fix, /tiered\.models\.mini\.fim/);
  });

  test('verdicts: unreachable knows nothing of the key; a 400 means reachable with the key accepted', () => {
    assert.deepEqual(verdicts({ ok: false, error: new TieredError('network', 'x') }), {
      reachable: 'no',
      keyAccepted: 'unknown',
      paramsAccepted: 'unknown',
    });
    assert.deepEqual(verdicts({ ok: false, error: new TieredError('badRequest', 'x', { status: 400 }) }), {
      reachable: 'yes',
      keyAccepted: 'yes',
      paramsAccepted: 'no',
    });
  });

  test('price sources: override, server-reported, local, unknown', () => {
    const base = {
      check,
      chat: {
        ok: true as const,
        ttftMs: 5,
        usageReported: true,
        inputTokens: 1,
        outputTokens: 1,
        reasoningTokens: 0,
        costUsd: 0,
        costSource: 'server' as const,
      },
    };
    assert.match(
      toRow({ ...base, price: { source: 'override' } }).price,
      /your price \(`tiered\.models\.mini\.price`\)/,
    );
    assert.equal(toRow({ ...base, price: { source: 'bundled' } }).price, 'reported by the server with each answer');
    assert.equal(
      toRow({ ...base, chat: { ...base.chat, costSource: 'local' }, price: { source: 'local' } }).price,
      'local server: $0',
    );
    const unknown = toRow({ ...base, chat: { ...base.chat, costSource: 'unknown' }, price: { source: 'unknown' } });
    assert.match(unknown.price, /unknown → set `tiered\.models\.mini\.price`/);
    assert.equal(unknown.ready, false);
  });
});
