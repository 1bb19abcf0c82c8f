import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallResult, CallRunner, CallSpec, CostEstimate, RequestBody } from '../../src/core/calls';
import { defaultConfig, type TieredConfig } from '../../src/core/config';
import { TieredError } from '../../src/core/errors';
import { resolveModel, route, tierAbove } from '../../src/core/router';
import { FAILURE_MESSAGES } from '../../src/core/tone/checks';
import { planToneFix } from '../../src/core/tone/plan';
import { runToneFix, sizeProblem, toneCallSpec, type SendablePlan } from '../../src/core/tone/toneFix';
import { findTone } from '../../src/core/tone/tones';
import { CallPath, type BudgetPort, type PricingPort } from '../../src/core/callPath';
import {
  silentLogger,
  type LedgerRecord,
  type ModelClient,
  type ModelRequest,
  type Outcome,
} from '../../src/core/types';

/**
 * A call path that follows the CallRunner contract for validate/escalate: a failed check on the
 * command's tier is retried one tier up when the spec and the settings allow it (once), the failed
 * call is recorded as 'escalated'; a failed check that does not escalate throws 'invalidResponse'.
 * Answers are served in order, one per call.
 */
class FakeRunner implements CallRunner {
  readonly calls: Array<{ tier: string; body: RequestBody; outcome: Outcome }> = [];
  specs: CallSpec[] = [];
  /** Billed output tokens each answer reports (default 5). */
  outputTokens: number | undefined;
  /** The part of them spent thinking (default 0). */
  reasoningTokens = 0;
  constructor(
    private readonly config: TieredConfig,
    readonly answers: string[],
  ) {}

  async run(spec: CallSpec): Promise<CallResult> {
    this.specs.push(spec);
    let tier = spec.tier ?? route(this.config, spec.command).tier;
    let escalated = false;
    for (;;) {
      const model = route(this.config, spec.command, tier).chain[0]!;
      const body = spec.build(model);
      const text = this.answers.shift() ?? '';
      const problem = spec.validate?.(text);
      const above = tierAbove(this.config, tier);
      if (problem && spec.escalate && this.config.escalation.enabled && above && !escalated) {
        this.calls.push({ tier, body, outcome: 'escalated' });
        tier = above;
        escalated = true;
        continue;
      }
      if (problem) {
        this.calls.push({ tier, body, outcome: 'error' });
        throw new TieredError('invalidResponse', `The ${tier} model's answer was not usable: ${problem}.`);
      }
      this.calls.push({ tier, body, outcome: 'ok' });
      const escalatedFrom =
        tier === route(this.config, spec.command).tier ? undefined : route(this.config, spec.command).tier;
      return {
        text,
        model,
        tier,
        usage: {
          inputTokens: 10,
          cachedInputTokens: 0,
          outputTokens: this.outputTokens ?? 5,
          reasoningTokens: this.reasoningTokens,
        },
        costUsd: 0,
        latencyMs: 1,
        ttftMs: 1,
        record: {} as CallResult['record'],
        ...(escalatedFrom ? { escalatedFrom } : {}),
      };
    }
  }

  async estimate(): Promise<CostEstimate> {
    throw new Error('not used');
  }
}

const config = defaultConfig();
const friendly = findTone(config.tone, 'friendly')!;
const grammar = findTone(config.tone, 'grammar')!;
const codePlan = planToneFix('typescript', '// this is broke\nfix();\n') as SendablePlan;

describe('tone call spec', () => {
  test('runs as the tone command, escalation follows the setting', () => {
    assert.equal(toneCallSpec({ config, plan: codePlan, tone: friendly }).command, 'tone');
    assert.equal(toneCallSpec({ config, plan: codePlan, tone: friendly }).escalate, true);
    const off = { ...config, escalation: { enabled: false } };
    assert.equal(toneCallSpec({ config: off, plan: codePlan, tone: friendly }).escalate, false);
  });

  test('validate names the failed check, passes a good answer', () => {
    const spec = toneCallSpec({ config, plan: codePlan, tone: friendly });
    assert.equal(spec.validate!('<c1>this is broke</c1>'), FAILURE_MESSAGES.unchanged);
    assert.equal(spec.validate!('<c1></c1>'), FAILURE_MESSAGES.empty);
    assert.equal(spec.validate!('<c1>This is broken.</c1>'), undefined);
  });

  test('output is bounded by the input on the own tier, roomier a tier up, never above the model limit', () => {
    const prose = planToneFix('plaintext', 'word '.repeat(400)) as SendablePlan;
    const spec = toneCallSpec({ config, plan: prose, tone: friendly });
    const lite = spec.build(resolveModel(config, 'flash-lite'));
    const pro = spec.build(resolveModel(config, 'pro'));
    assert.ok(lite.maxOutputTokens >= 3 * 400 * 0.5, `lite max ${lite.maxOutputTokens} leaves room for a 3x answer`);
    assert.ok(lite.maxOutputTokens <= resolveModel(config, 'flash-lite').maxOutputTokens);
    assert.ok(pro.maxOutputTokens >= 3072 && pro.maxOutputTokens <= 16384);
    const small = toneCallSpec({ config, plan: codePlan, tone: friendly }).build(resolveModel(config, 'flash-lite'));
    assert.ok(small.maxOutputTokens < lite.maxOutputTokens, 'a short comment reserves less');
  });
});

describe('runToneFix', () => {
  test('a good lite answer becomes the replacement; one call', async () => {
    const runner = new FakeRunner(config, ['<c1>This is broken, sorry!</c1>']);
    const out = await runToneFix(runner, { config, plan: codePlan, tone: friendly });
    assert.equal(out.kind, 'rewritten');
    assert.equal(out.kind === 'rewritten' && out.replacement, '// This is broken, sorry!\nfix();\n');
    assert.deepEqual(
      runner.calls.map((c) => [c.tier, c.outcome]),
      [['lite', 'ok']],
    );
  });

  test('a lite answer that alters code escalates to pro, whose answer is used', async () => {
    const plan = planToneFix('c', 'x(); /* this is broke */\n') as SendablePlan;
    const runner = new FakeRunner(config, ['<c1>broken */ y(); /*</c1>', '<c1>This is broken.</c1>']);
    const out = await runToneFix(runner, { config, plan, tone: friendly });
    assert.deepEqual(
      runner.calls.map((c) => [c.tier, c.outcome]),
      [
        ['lite', 'escalated'],
        ['pro', 'ok'],
      ],
    );
    assert.equal(out.kind === 'rewritten' && out.replacement, 'x(); /* This is broken. */\n');
    assert.equal(out.result.escalatedFrom, 'lite');
    // Same prompt both times: the tone instruction travels with the escalation.
    assert.deepEqual(runner.calls[0]!.body.messages, runner.calls[1]!.body.messages);
  });

  test('a line break in a trailing comment stays on its line instead of leaking into code', async () => {
    const plan = planToneFix('typescript', 'x(); // this is broke\n') as SendablePlan;
    const runner = new FakeRunner(config, ['<c1>broken\nfix2();</c1>']);
    const out = await runToneFix(runner, { config, plan, tone: friendly });
    assert.equal(out.kind === 'rewritten' && out.replacement, 'x(); // broken fix2();\n');
  });

  test('without escalation a failed answer is refused with its reason; nothing else is called', async () => {
    const off = { ...config, escalation: { enabled: false } };
    const runner = new FakeRunner(off, ['<c1>' + 'long '.repeat(50) + '</c1>', 'never used']);
    await assert.rejects(
      runToneFix(runner, { config: off, plan: codePlan, tone: friendly }),
      (e) => TieredError.is(e, 'invalidResponse') && e.message.includes(FAILURE_MESSAGES.tooLong),
    );
    assert.deepEqual(
      runner.calls.map((c) => [c.tier, c.outcome]),
      [['lite', 'error']],
    );
  });

  test('an answer that used the whole output bound is treated as cut off, never applied', async () => {
    const runner = new FakeRunner(config, ['<c1>This is broken and</c1>']);
    const spec = toneCallSpec({ config, plan: codePlan, tone: friendly });
    runner.outputTokens = spec.build(resolveModel(config, 'flash-lite')).maxOutputTokens;
    const out = await runToneFix(runner, { config, plan: codePlan, tone: friendly });
    assert.equal(out.kind === 'rejected' && out.failure, 'truncated');
    runner.outputTokens = runner.outputTokens - 1;
    runner.answers.push('<c1>This is broken.</c1>');
    assert.equal((await runToneFix(runner, { config, plan: codePlan, tone: friendly })).kind, 'rewritten');
  });

  test('thinking billed as output does not make a short rewrite look cut off', async () => {
    const runner = new FakeRunner(config, ['<c1>This is broken.</c1>']);
    const spec = toneCallSpec({ config, plan: codePlan, tone: friendly });
    const visible = spec.build(resolveModel(config, 'flash-lite')).maxOutputTokens;
    runner.reasoningTokens = visible + 500;
    runner.outputTokens = 8 + runner.reasoningTokens;
    assert.equal((await runToneFix(runner, { config, plan: codePlan, tone: friendly })).kind, 'rewritten');
  });

  test('a selection too long for the lite model to answer in full is refused before sending', () => {
    const max = resolveModel(config, 'flash-lite').maxOutputTokens;
    const short = planToneFix('plaintext', 'word '.repeat(100)) as SendablePlan;
    const long = planToneFix('plaintext', 'word '.repeat(max * 2)) as SendablePlan;
    assert.equal(sizeProblem(config, short), undefined);
    assert.match(sizeProblem(config, long) ?? '', /tiered\.models\.flash-lite\.maxOutputTokens/);
  });

  test('fix grammar on correct text is "unchanged", not a failure, and does not escalate', async () => {
    const runner = new FakeRunner(config, ['<c1>this is broke</c1>']);
    const out = await runToneFix(runner, { config, plan: codePlan, tone: grammar });
    assert.equal(out.kind, 'unchanged');
    assert.equal(runner.calls.length, 1);
  });

  test('budget refusals and cancellation reach the caller as TieredError', async () => {
    const refusing: CallRunner = {
      run: async () => {
        throw new TieredError('budget', "Today's cap is reached.");
      },
      estimate: async () => {
        throw new Error('unused');
      },
    };
    await assert.rejects(runToneFix(refusing, { config, plan: codePlan, tone: friendly }), (e) =>
      TieredError.is(e, 'budget'),
    );
  });

  test('the signal reaches the call path', async () => {
    const runner = new FakeRunner(config, ['<c1>This is broken.</c1>']);
    const controller = new AbortController();
    await runToneFix(runner, { config, plan: codePlan, tone: friendly, signal: controller.signal });
    assert.equal(runner.specs[0]!.signal, controller.signal);
  });
});

describe('tone fix through the real call path', () => {
  test('a lite answer that fails its check escalates to pro; the ledger records both calls', async () => {
    const records: LedgerRecord[] = [];
    const sent: ModelRequest[] = [];
    const answers: Record<string, string> = {
      'gemini-3.1-flash-lite': '<c1></c1>',
      'gemini-3.1-pro-preview': '<c1>This is broken, sorry.</c1>',
    };
    const budget: BudgetPort = {
      reserve: async () => ({ ok: true }),
      settle: async (_id, record) => void records.push(record),
      release: async () => undefined,
      recordOnly: async (record) => void records.push(record),
      status: async () => ({ softReached: false, capReached: false, remainingUsd: 5, capUsd: 5 }),
    };
    const pricing: PricingPort = {
      cost: () => ({ costUsd: 0.001, source: 'bundled' }),
      worstCase: () => ({ usd: 0.01, known: true, source: 'bundled' }),
      unknownPriceMessage: () => 'no price',
    };
    const client: ModelClient = {
      kind: 'gemini',
      stream: async (req) => {
        sent.push(req);
        return {
          text: answers[req.model]!,
          usage: { inputTokens: 40, cachedInputTokens: 0, outputTokens: 8, reasoningTokens: 0 },
        };
      },
    };
    const path = new CallPath({
      config: () => config,
      budget,
      pricing,
      client: async () => client,
      clock: { now: () => 0 },
      logger: silentLogger,
      windowId: 'w',
    });
    const out = await runToneFix(path, { config, plan: codePlan, tone: friendly });
    assert.equal(out.kind === 'rewritten' && out.replacement, '// This is broken, sorry.\nfix();\n');
    assert.deepEqual(
      records.map((r) => [r.command, r.tier, r.model, r.outcome]),
      [
        ['tone', 'lite', 'flash-lite', 'escalated'],
        ['tone', 'pro', 'pro', 'ok'],
      ],
    );
    assert.match(records[0]!.reason ?? '', /empty/);
    // Neither call carried the code line.
    assert.equal(JSON.stringify(sent.map((r) => r.messages)).includes('fix();'), false);
  });
});
