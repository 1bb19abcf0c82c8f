// Failures a real provider produces, through the real CallPath and adapters against the strict
// server: a 400 for a model's configuration (one notice, the tier's next model answers, the model
// is not asked again), and an answer whose reasoning ate the whole cap (truncated, billed, next model).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { CallSpec } from '../../src/core/calls';
import type { TieredConfig } from '../../src/core/config';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { harness, parsed, providerAt, type Harness } from './callPathHarness';

function tone(): CallSpec {
  return {
    command: 'tone',
    build: (m) => ({
      messages: [{ role: 'user', content: 'Make this friendlier: // this is broken, fix it' }],
      maxOutputTokens: 256,
      ...(m.temperature !== undefined ? { temperature: m.temperature } : {}),
    }),
  };
}

describe('failover on provider failures (OpenAI rules)', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer()));
  after(() => server.close());
  beforeEach(() => server.reset());

  function setup(models: Record<string, unknown>): { config: TieredConfig; h: Harness } {
    const config = parsed({
      providers: [{ ...providerAt(server, 'openai'), server: 'openai' }],
      models,
      tiers: { lite: Object.keys(models), pro: Object.keys(models) },
    });
    return { config, h: harness(config, () => 'openai') };
  }

  test('a 400 naming a parameter: one notice naming model and setting, the next model answers, not re-sent', async () => {
    // The user told Tiered gpt-5-mini takes a temperature; api.openai.com says otherwise (400 unsupported_value).
    const { h } = setup({
      bad: {
        provider: 'openai',
        model: 'gpt-5-mini',
        tier: 'lite',
        maxOutputTokens: 512,
        temperature: 0.2,
        capabilities: { temperature: 'accepted' },
      },
      good: { provider: 'openai', model: 'gpt-5.4-mini', tier: 'lite', maxOutputTokens: 512 },
    });
    const first = await h.run(tone());
    assert.equal(first.model.id, 'good', 'the next model of the tier answered');
    assert.ok(first.text.length > 0);
    assert.deepEqual(
      server.log.map((e) => [e.model, e.rejected?.status]),
      [
        ['gpt-5-mini', 400],
        ['gpt-5.4-mini', undefined],
      ],
    );
    assert.equal(h.problems.length, 1, 'one notice');
    const problem = h.problems[0]!;
    assert.equal(problem.modelId, 'bad');
    assert.equal(problem.model, 'gpt-5-mini');
    assert.equal(problem.setting, 'tiered.models.bad');
    assert.equal(problem.next, 'good');
    assert.equal(problem.error.reason, 'badRequest');
    assert.equal(problem.error.details.param, 'temperature');
    assert.equal(problem.error.details.code, 'unsupported_value');
    assert.match(problem.error.message, /"gpt-5-mini".*'temperature' does not support 0\.2/);
    const failed = h.budget.records.find((r) => r.model === 'bad')!;
    assert.equal(failed.outcome, 'error');
    assert.equal(failed.costUsd, 0, 'a refused request is not billed');

    server.clearLog();
    const second = await h.run(tone());
    assert.equal(second.model.id, 'good');
    assert.deepEqual(
      server.log.map((e) => e.model),
      ['gpt-5.4-mini'],
      'the skipped model is not asked again this session',
    );
    assert.equal(h.problems.length, 1, 'no second notice');
  });

  test('reasoning that eats the whole cap: truncated, billed, the next model answers', async () => {
    const { h } = setup({
      thinker: { provider: 'openai', model: 'gpt-5-mini', tier: 'lite', maxOutputTokens: 512 },
      next: { provider: 'openai', model: 'gpt-5.4-mini', tier: 'lite', maxOutputTokens: 512 },
    });
    server.setModelKnobs('gpt-5-mini', { reasoningByEffort: { low: 1_000_000 } });
    const result = await h.run(tone());
    assert.equal(result.model.id, 'next');
    assert.ok(result.text.length > 0);
    const thinker = h.budget.records.find((r) => r.model === 'thinker')!;
    assert.equal(thinker.outcome, 'error');
    assert.equal(thinker.reason, 'truncated');
    const cap = server.log[0]!.body as { max_completion_tokens: number };
    assert.equal(thinker.reasoningTokens, cap.max_completion_tokens, 'every token of the cap went to reasoning');
    assert.equal(thinker.outputTokens, thinker.reasoningTokens);
    assert.ok(thinker.costUsd > 0, 'the empty answer is billed');
    assert.equal(thinker.costSource, 'bundled');
    assert.equal(h.problems.length, 0, 'not a configuration problem: the model stays in the chain');
    assert.deepEqual(server.rejected(), []);
  });
});

describe('failover on configuration problems of other servers', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer()));
  after(() => server.close());
  beforeEach(() => server.reset());

  test('Gemini: a thinking level the model refuses (400 INVALID_ARGUMENT) → notice, next model', async () => {
    // gemini-3.1-pro-preview has no MINIMAL; an override claiming it makes Tiered send it.
    const config = parsed({
      providers: [providerAt(server, 'gemini')],
      models: {
        pro: {
          provider: 'gemini',
          model: 'gemini-3.1-pro-preview',
          tier: 'pro',
          maxOutputTokens: 1024,
          capabilities: { reasoning: { param: 'thinkingLevel', values: ['minimal', 'low', 'medium', 'high'] } },
        },
        flash: { provider: 'gemini', model: 'gemini-3.8-flash', tier: 'pro', maxOutputTokens: 1024 },
      },
      tiers: { lite: ['flash'], pro: ['pro', 'flash'] },
    });
    const h = harness(config, () => 'gemini');
    const result = await h.run({ ...tone(), tier: 'pro', reasoning: 'triage' });
    assert.equal(result.model.id, 'flash');
    assert.equal(h.problems.length, 1);
    assert.equal(h.problems[0]!.modelId, 'pro');
    assert.equal(h.problems[0]!.error.details.param, 'thinkingConfig.thinkingLevel');
    assert.equal(h.problems[0]!.error.details.code, 'INVALID_ARGUMENT');
    assert.equal(server.rejected().length, 1);
  });

  test('llama.cpp: a suffix on /v1/completions (HTTP 500 "Unsupported param") is a configuration problem, not retried', async () => {
    const config = parsed({
      providers: [providerAt(server, 'llamacpp')],
      models: {
        forced: { provider: 'llamacpp', model: 'qwen2.5-coder-7b', tier: 'lite', maxOutputTokens: 128, fim: 'suffix' },
        infill: { provider: 'llamacpp', model: 'qwen2.5-coder-7b', tier: 'lite', maxOutputTokens: 128, fim: 'infill' },
      },
      tiers: { lite: ['forced', 'infill'], pro: ['infill'] },
    });
    const h = harness(config, () => undefined);
    const result = await h.run({
      command: 'review', // review retries transient faults: a 500 that is really a 400 must not be retried
      tier: 'lite',
      build: (m) => ({
        fim: { prefix: 'let x = ', suffix: ';\n', dialect: m.fim === 'infill' ? 'infill' : 'suffix' },
        maxOutputTokens: 32,
      }),
    });
    assert.equal(result.model.id, 'infill');
    assert.deepEqual(
      server.log.map((e) => [e.path, e.rejected?.status]),
      [
        ['/llamacpp/v1/completions', 500],
        ['/llamacpp/infill', undefined],
      ],
    );
    assert.equal(h.problems.length, 1);
    assert.equal(h.problems[0]!.error.reason, 'badRequest');
    assert.equal(h.problems[0]!.error.details.param, 'suffix');
  });
});
