import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallResult, CallRunner, CallSpec, CostEstimate, RequestBody } from '../../src/core/calls';
import { defaultConfig, type TieredConfig } from '../../src/core/config';
import { TieredError } from '../../src/core/errors';
import { sumUsd } from '../../src/core/money/format';
import { MemoryCacheStore, ResultCache } from '../../src/core/review/cache';
import { runReview, type Preflight, type ReviewDeps } from '../../src/core/review/engine';
import type { ReviewInput } from '../../src/core/review/input';
import type { ReviewReport } from '../../src/core/review/report';
import { route, type ResolvedModel } from '../../src/core/router';
import type { Logger } from '../../src/core/types';
import { estimateTextTokens } from '../../src/core/usage';

/** $ per million tokens: lite cheap, pro dear (what matters is the ratio). */
const PRICES: Record<string, { in: number; out: number }> = { lite: { in: 0.1, out: 0.4 }, pro: { in: 2, out: 12 } };

interface Sent {
  spec: CallSpec;
  body: RequestBody;
  model: ResolvedModel;
}

type Answer = (stage: string, body: RequestBody, model: ResolvedModel) => string | Error;

class FakeRunner implements CallRunner {
  sent: Sent[] = [];
  estimates = 0;
  remainingUsd = 10;
  constructor(
    private readonly config: () => TieredConfig,
    public answer: Answer,
  ) {}

  private pick(spec: CallSpec) {
    const chain = route(this.config(), spec.command, spec.tier).chain;
    const model = (spec.model ? chain.find((m) => m.id === spec.model) : chain[0])!;
    const body = spec.build(model);
    const input = spec.inputTokens ?? estimateTextTokens(JSON.stringify(body.messages ?? []));
    const p = PRICES[model.tier]!;
    return {
      model,
      body,
      input,
      worst: (input * p.in + Math.min(body.maxOutputTokens, model.maxOutputTokens) * p.out) / 1e6,
    };
  }

  async estimate(spec: CallSpec): Promise<CostEstimate> {
    this.estimates++;
    const { model, input, worst } = this.pick(spec);
    return { model, inputTokens: input, worstCaseUsd: worst, remainingUsd: this.remainingUsd, capUsd: 10 };
  }

  async run(spec: CallSpec): Promise<CallResult> {
    const { model, body, input } = this.pick(spec);
    if (spec.signal?.aborted) throw new TieredError('cancelled', 'Cancelled.');
    this.sent.push({ spec, body, model });
    const stage = stageOf(body);
    const out = this.answer(stage, body, model);
    if (out instanceof Error) throw out;
    for (let i = 0; i < out.length; i += 40) spec.onText?.(out.slice(i, i + 40));
    const outputTokens = estimateTextTokens(out);
    const p = PRICES[model.tier]!;
    const costUsd = (input * p.in + outputTokens * p.out) / 1e6;
    const usage = { inputTokens: input, cachedInputTokens: 0, outputTokens, reasoningTokens: 0 };
    return {
      text: out,
      model,
      tier: model.tier,
      usage,
      costUsd,
      latencyMs: 5,
      ttftMs: 1,
      record: {} as CallResult['record'],
    };
  }
}

function stageOf(body: RequestBody): string {
  const repair = body.messages?.some((m) => m.role === 'assistant') ? 'repair:' : '';
  return repair + (body.jsonSchema?.name ?? 'none');
}

const FINDINGS = {
  summary: 'One bug.',
  findings: [
    {
      file: 'src/a.ts',
      startLine: 2,
      endLine: 2,
      severity: 'error',
      category: 'bug',
      title: 'Wrong constant',
      explanation: 'b should be 2.',
      replacement: 'const b = 2;',
    },
  ],
};

function input(text = 'const a = 1;\nconst b = 3;\nexport { a, b };'): ReviewInput {
  return {
    kind: 'file',
    title: 'src/a.ts',
    files: [{ path: 'src/a.ts', uri: 'file:///w/src/a.ts', text, firstLine: 1 }],
    excluded: [],
  };
}

function setup(review: Partial<TieredConfig['review']> = {}, answer?: Answer) {
  const base = defaultConfig();
  const config: TieredConfig = {
    ...base,
    review: { ...base.review, ...review },
    budget: { ...base.budget, confirmAboveUsd: 0.05 },
  };
  const logs: string[] = [];
  const logger: Logger = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
    debug: () => undefined,
  };
  let now = 1_700_000_000_000;
  const clock = { now: () => (now += 10) };
  const runner = new FakeRunner(() => config, answer ?? (() => JSON.stringify(FINDINGS)));
  const cache = new ResultCache<ReviewReport>(new MemoryCacheStore(), clock);
  const deps: ReviewDeps = { runner, config: () => config, logger, clock, cache };
  return { config, runner, deps, logs };
}

describe('review engine', () => {
  test('a file review makes one pro call under "review" with the provider schema and resolves findings', async () => {
    const { runner, deps } = setup();
    const report = await runReview(deps, input());
    assert.equal(runner.sent.length, 1);
    const [sent] = runner.sent;
    assert.equal(sent!.spec.command, 'review');
    assert.equal(sent!.model.tier, 'pro');
    assert.equal(sent!.body.jsonSchema?.name, 'review_findings');
    assert.equal(
      sent!.body.jsonSchema?.schema.additionalProperties,
      undefined,
      'gemini-shaped schema for a gemini model',
    );
    assert.match(sent!.body.messages![1]!.content, /\n2 \| const b = 3;/);
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]!.uri, 'file:///w/src/a.ts');
    assert.equal(report.findings[0]!.replacement, 'const b = 2;');
    assert.equal(report.model, 'pro');
    assert.ok(report.totals.costUsd > 0);
    assert.equal(report.fromCache, undefined);
  });

  test('unchanged content comes from the cache with no call; fresh or changed content calls again', async () => {
    const { runner, deps } = setup();
    const first = await runReview(deps, input());
    const again = await runReview(deps, input());
    assert.equal(runner.sent.length, 1);
    assert.ok(again.fromCache);
    assert.deepEqual(again.findings, first.findings);
    await runReview(deps, input(), { fresh: true });
    assert.equal(runner.sent.length, 2);
    await runReview(deps, input('const a = 1;\nconst b = 4;\nexport { a, b };'));
    assert.equal(runner.sent.length, 3);
  });

  test('invalid JSON gets one repair on the same tier, with the invalid answer and the error', async () => {
    let n = 0;
    const { runner, deps } = setup({}, () =>
      n++ === 0 ? '{"summary": "oops", "findings": [{"file": 1}]}' : JSON.stringify(FINDINGS),
    );
    const report = await runReview(deps, input());
    assert.equal(runner.sent.length, 2);
    const repair = runner.sent[1]!;
    assert.equal(repair.spec.tier, 'pro');
    assert.equal(repair.spec.model, runner.sent[0]!.model.id, 'the repair goes to the model that answered');
    const msgs = repair.body.messages!;
    assert.equal(msgs.at(-2)!.role, 'assistant');
    assert.match(msgs.at(-2)!.content, /oops/);
    assert.match(msgs.at(-1)!.content, /does not match the schema/);
    assert.deepEqual(
      report.stages.map((s) => s.stage),
      ['review', 'repair'],
    );
    // Summed exactly (nano-dollars), so the report's total is the stages' amounts without float noise.
    assert.equal(report.totals.costUsd, sumUsd([report.stages[0]!.costUsd, report.stages[1]!.costUsd]));
  });

  test('a second invalid answer stops with a clear error and the raw answer in the log', async () => {
    const { runner, deps, logs } = setup({}, () => 'Sure! Here are the findings: none RAW-MARKER');
    await assert.rejects(runReview(deps, input()), (err: unknown) => {
      assert.ok(TieredError.is(err, 'invalidResponse'));
      assert.match(err.message, /even after one repair/);
      assert.match(err.message, /output log/);
      return true;
    });
    assert.equal(runner.sent.length, 2);
    assert.ok(logs.some((l) => l.startsWith('error') && l.includes('RAW-MARKER')));
  });

  test('a worst case above what is left of the cap is refused before anything is sent', async () => {
    const { runner, deps } = setup();
    runner.remainingUsd = 0.0001;
    let counted = 0;
    deps.countTokens = async () => (counted++, 100);
    await assert.rejects(
      runReview(deps, input()),
      (err: unknown) => TieredError.is(err, 'budget') && /worst case/.test(err.message),
    );
    assert.equal(runner.sent.length, 0);
    assert.equal(counted, 0, 'not even the count request carries the code');
  });

  test('above the threshold the user is asked once with estimate ≤ worst case and what is left; no means nothing sent', async () => {
    const { runner, deps } = setup();
    const asked: Preflight[] = [];
    await assert.rejects(
      runReview(deps, input(), {
        confirm: async (p) => {
          asked.push(p);
          return false;
        },
      }),
      (err: unknown) => TieredError.is(err, 'cancelled') && /nothing was spent/.test(err.message),
    );
    assert.equal(runner.sent.length, 0);
    assert.equal(asked.length, 1);
    const p = asked[0]!;
    // pro at 16384 max output × $12/MTok ≈ $0.197 > $0.05
    assert.ok(p.worstCaseUsd > 0.05);
    assert.ok(p.estimateUsd < p.worstCaseUsd);
    assert.equal(p.remainingUsd, 10);

    const yes = await runReview(deps, input(), { confirm: async () => true });
    assert.equal(runner.sent.length, 1);
    assert.equal(yes.findings.length, 1);
  });

  test('progress names the stage and, while the review streams, how much has arrived', async () => {
    const { deps } = setup({}, () => JSON.stringify({ ...FINDINGS, summary: 'x'.repeat(400) }));
    const progress: string[] = [];
    await runReview(deps, input(), { onProgress: (m) => progress.push(m) });
    assert.equal(progress[0], 'Estimating cost…');
    assert.ok(progress.includes('Reviewing on pro…'));
    const streamed = progress.filter((m) => /tokens received/.test(m));
    assert.ok(streamed.length >= 2, progress.join(' | '));
    assert.match(streamed[0]!, /^Reviewing on pro: ~\d+ tokens received…$/);
  });

  test('below the threshold nobody is asked', async () => {
    const { deps, config } = setup();
    config.budget.confirmAboveUsd = 1;
    let asked = 0;
    await runReview(deps, input(), { confirm: async () => (asked++, true) });
    assert.equal(asked, 0);
  });

  test('a provider token count is used for the pre-flight and passed to the call', async () => {
    const { runner, deps } = setup();
    const bodies: RequestBody[] = [];
    deps.countTokens = async (body) => (bodies.push(body), 777);
    await runReview(deps, input());
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0]!.jsonSchema?.name, 'review_findings');
    assert.equal(runner.sent[0]!.spec.inputTokens, 777);
  });

  test('large inputs: lite extracts per chunk under "review", pro reasons over the summaries', async () => {
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `  const value${i} = compute(${i}, "some text to make it longer");`,
    );
    const big = input(lines.join('\n'));
    const answer: Answer = (stage) => {
      if (stage === 'extraction') {
        return JSON.stringify({
          files: [
            {
              file: 'src/a.ts',
              purpose: 'computes values',
              changedFunctions: [],
              risks: [{ line: 2, description: 'maybe wrong' }],
              keyLines: [{ line: 2, code: 'const value1', why: 'suspicious' }],
            },
          ],
        });
      }
      return JSON.stringify({
        summary: 's',
        findings: [
          { ...FINDINGS.findings[0], startLine: 2, endLine: 2, replacement: 'fixed' },
          { ...FINDINGS.findings[0], startLine: 5, endLine: 5, replacement: 'not a key line' },
        ],
      });
    };
    const { runner, deps } = setup({ extractAboveTokens: 1000 }, answer);
    const report = await runReview(deps, big);
    const extracts = runner.sent.filter((s) => s.body.jsonSchema?.name === 'extraction');
    assert.ok(extracts.length >= 2, `chunks: ${extracts.length}`);
    for (const e of extracts) {
      assert.equal(e.spec.command, 'review');
      assert.equal(e.spec.tier, 'lite');
      assert.equal(e.model.tier, 'lite');
    }
    const last = runner.sent.at(-1)!;
    assert.equal(last.model.tier, 'pro');
    assert.match(last.body.messages![1]!.content, /suspicious/);
    assert.ok(!last.body.messages![1]!.content.includes('value2999'), 'the reasoner sees summaries, not the code');
    assert.deepEqual(
      report.findings.map((f) => f.replacement),
      ['fixed', undefined],
    );
    assert.deepEqual(
      report.stages.map((s) => s.stage),
      [...extracts.map(() => 'extract'), 'review'],
    );
  });

  test('auto depth: simple inputs are reviewed on lite, others on pro, and the decision is logged', async () => {
    for (const [complexity, tier] of [
      [1, 'lite'],
      [2, 'lite'],
      [3, 'pro'],
      [5, 'pro'],
    ] as const) {
      const answer: Answer = (stage) =>
        stage === 'triage' ? JSON.stringify({ complexity, reason: 'tiny change' }) : JSON.stringify(FINDINGS);
      const { runner, deps, logs } = setup({ autoDepth: true }, answer);
      const report = await runReview(deps, input());
      assert.deepEqual(
        runner.sent.map((s) => [s.body.jsonSchema?.name, s.model.tier]),
        [
          ['triage', 'lite'],
          ['review_findings', tier],
        ],
      );
      assert.equal(report.tier, tier);
      assert.ok(report.decisions.some((d) => d.includes(`complexity ${complexity}/5`)));
      assert.ok(logs.some((l) => l.includes('auto depth') && l.includes('tiny change')));
    }
  });

  test('cancellation propagates and nothing is cached', async () => {
    const controller = new AbortController();
    const { runner, deps } = setup({}, () => {
      controller.abort();
      return new TieredError('cancelled', 'Cancelled.');
    });
    await assert.rejects(runReview(deps, input(), { signal: controller.signal }), (e: unknown) =>
      TieredError.is(e, 'cancelled'),
    );
    assert.equal(runner.sent[0]!.spec.signal, controller.signal);
    runner.answer = () => JSON.stringify(FINDINGS);
    const report = await runReview(deps, input());
    assert.equal(report.fromCache, undefined);
  });

  test('nothing to review (all excluded) is a clear error with no call', async () => {
    const { runner, deps } = setup();
    const none: ReviewInput = { kind: 'changes', title: 'changes', files: [], excluded: ['.env'] };
    await assert.rejects(runReview(deps, none), /1 excluded by `tiered.exclude`/);
    assert.equal(runner.sent.length + runner.estimates, 0);
  });
});
