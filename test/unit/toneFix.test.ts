import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallResult, CallRunner, CallSpec, CostEstimate, RequestBody } from '../../src/core/calls';
import { defaultConfig, type TieredConfig } from '../../src/core/config';
import { TieredError } from '../../src/core/errors';
import { resolveModel, route, tierAbove } from '../../src/core/router';
import { FAILURE_MESSAGES } from '../../src/core/tone/checks';
import { planToneFix } from '../../src/core/tone/plan';
import { runToneFix, toneCallSpec, type SendablePlan } from '../../src/core/tone/toneFix';
import { findTone } from '../../src/core/tone/tones';
import type { Outcome } from '../../src/core/types';

/**
 * A call path that follows the CallRunner contract for validate/escalate: a failed check on the
 * command's tier is retried one tier up when the spec allows it, and the failed call is recorded
 * as 'escalated'. Answers are served in order, one per call.
 */
class FakeRunner implements CallRunner {
  readonly calls: Array<{ tier: string; body: RequestBody; outcome: Outcome }> = [];
  specs: CallSpec[] = [];
  constructor(
    private readonly config: TieredConfig,
    private readonly answers: string[],
  ) {}

  async run(spec: CallSpec): Promise<CallResult> {
    this.specs.push(spec);
    let tier = spec.tier ?? route(this.config, spec.command).tier;
    for (;;) {
      const model = route(this.config, spec.command, tier).chain[0]!;
      const body = spec.build(model);
      const text = this.answers.shift() ?? '';
      const problem = spec.validate?.(text);
      const above = tierAbove(this.config, tier);
      if (problem && spec.escalate && above) {
        this.calls.push({ tier, body, outcome: 'escalated' });
        tier = above;
        continue;
      }
      this.calls.push({ tier, body, outcome: 'ok' });
      const escalatedFrom =
        tier === route(this.config, spec.command).tier ? undefined : route(this.config, spec.command).tier;
      return {
        text,
        model,
        tier,
        usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5, reasoningTokens: 0 },
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
    assert.ok(pro.maxOutputTokens >= 4096 && pro.maxOutputTokens <= 16384);
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

  test('without escalation a failed answer is rejected with its reason, nothing else is called', async () => {
    const off = { ...config, escalation: { enabled: false } };
    const runner = new FakeRunner(off, ['<c1>' + 'long '.repeat(50) + '</c1>', 'never used']);
    const out = await runToneFix(runner, { config: off, plan: codePlan, tone: friendly });
    assert.equal(out.kind, 'rejected');
    assert.equal(out.kind === 'rejected' && out.failure, 'tooLong');
    assert.equal(runner.calls.length, 1);
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
