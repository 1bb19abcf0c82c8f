// The daily cap is a bound only if the reservation is: over adversarial inputs the input bound, and
// the worst case priced from it, are never below what the provider bills (issue 12). The truth comes
// from real tokenizers (test/support/tokenTruth.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shapeRequest } from '../../src/core/calls/capabilities';
import { inputTokenBound } from '../../src/core/calls/tokens';
import { CallPath, type BudgetPort } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { TieredError } from '../../src/core/errors';
import { PriceBook } from '../../src/core/prices';
import { resolveModel } from '../../src/core/router';
import { silentLogger, type LedgerRecord } from '../../src/core/types';
import { adversarialText, TEXT_KINDS } from '../support/adversarialText';
import { rng, logNormal } from '../support/random';
import { trueInputTokens } from '../support/tokenTruth';

const CONFIG = (() => {
  const r = parseConfig({
    models: {
      'gpt-mini': { provider: 'openai', model: 'gpt-5-mini', tier: 'lite', maxOutputTokens: 1024 },
      'gpt-pro': { provider: 'openai', model: 'gpt-5.1', tier: 'pro', maxOutputTokens: 16384 },
      'gem-lite': { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'lite', maxOutputTokens: 1024 },
      'gem-pro': { provider: 'gemini', model: 'gemini-3.1-pro-preview', tier: 'pro', maxOutputTokens: 16384 },
    },
    tiers: { lite: ['gem-lite', 'gpt-mini'], pro: ['gem-pro', 'gpt-pro'] },
  });
  if (!r.ok) throw new Error(r.message);
  return r.config;
})();
const MODELS = Object.keys(CONFIG.models);
const SCHEMA = {
  name: 'review',
  schema: {
    type: 'object',
    properties: { findings: { type: 'array', items: { type: 'string' } } },
    required: ['findings'],
  },
};
const prices = new PriceBook();

describe('input bound over adversarial inputs', () => {
  const ratios: Record<string, number[]> = {};
  test('never below the tokenizer count, for every input kind and model family', () => {
    const next = rng(12);
    for (let i = 0; i < 240; i++) {
      const kind = TEXT_KINDS[i % TEXT_KINDS.length]!;
      const size = Math.max(20, Math.min(60_000, Math.round(logNormal(next, 3000, 1.2))));
      const text = adversarialText(kind, size, 1000 + i);
      const id = MODELS[Math.floor(next() * MODELS.length)]!;
      const model = resolveModel(CONFIG, id);
      const body = {
        messages: [
          { role: 'system' as const, content: 'You review code. Reply in JSON.' },
          { role: 'user' as const, content: text },
        ],
        maxOutputTokens: 512,
        ...(next() < 0.3 ? { jsonSchema: SCHEMA } : {}),
      };
      const bound = inputTokenBound(body, model.model);
      const truth = trueInputTokens(body, model.model);
      assert.ok(bound >= truth, `${kind} (${size} chars) on ${model.model}: bound ${bound} < true ${truth}`);
      (ratios[`${model.provider}`] ??= []).push(bound / truth);
    }
  });

  test('where the count is exact (OpenAI), the median over-reservation is at most 15%', () => {
    const sorted = [...(ratios.openai ?? [])].sort((a, b) => a - b);
    assert.ok(sorted.length > 20);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    assert.ok(median <= 1.15, `median reserved/true ${median.toFixed(3)}`);
  });
});

describe('worst case against the real bill', () => {
  test('the reserved worst case covers the billed cost, also across the 200k long-context price tier', () => {
    const model = resolveModel(CONFIG, 'gem-pro');
    const next = rng(3);
    const truths: number[] = [];
    // Inputs whose true count lands just under and just over 200k tokens (hex: about a token a byte or two).
    for (const chars of [150_000, 390_000, 405_000, 430_000]) {
      const text = adversarialText(next() < 0.5 ? 'hex' : 'digits', chars, chars);
      const body = { messages: [{ role: 'user' as const, content: text }], maxOutputTokens: 16384 };
      const shaped = shapeRequest(model, body, 'medium');
      const bound = inputTokenBound(shaped.body, model.model);
      const truth = trueInputTokens({ messages: shaped.body.messages ?? [] }, model.model);
      const worst = prices.worstCase(model, bound, shaped.outputBound);
      // The provider bills at most the cap of output, thinking included.
      const reasoning = Math.floor(next() * shaped.outputBound);
      const billed = prices.cost(model, {
        inputTokens: truth,
        cachedInputTokens: 0,
        outputTokens: shaped.outputBound,
        reasoningTokens: reasoning,
      });
      truths.push(truth);
      assert.ok(worst.known);
      assert.ok(
        worst.usd >= billed.costUsd,
        `${chars} chars: worst ${worst.usd} < billed ${billed.costUsd} (true ${truth})`,
      );
    }
  });
});

class Recording implements BudgetPort {
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
  status() {
    return { softReached: false, capReached: false, remainingUsd: 100, capUsd: 100 };
  }
}

describe('streams without usage', () => {
  const run = async (config: TieredConfig, answer: 'noUsage' | 'cut', text: string) => {
    const budget = new Recording();
    const path = new CallPath({
      config: () => config,
      budget,
      pricing: prices,
      client: async () => ({
        kind: 'gemini',
        stream: async (_req, onText) => {
          onText?.(text);
          if (answer === 'cut') throw new TieredError('network', 'cut', { partial: { text, usage: null } });
          return { text, usage: null };
        },
      }),
      clock: { now: () => Date.now() },
      logger: silentLogger,
      windowId: 'w',
      sleep: async () => {},
    });
    await path
      .run({
        command: 'review',
        fallback: false,
        retries: 0,
        build: () => ({ messages: [{ role: 'user', content: 'x'.repeat(4000) }], maxOutputTokens: 1024 }),
      })
      .catch(() => undefined);
    return budget.records;
  };

  test('a stream cut or ended without usage is billed no more than was reserved, however long its text', async () => {
    const next = rng(9);
    for (let i = 0; i < 30; i++) {
      const kind = TEXT_KINDS[i % TEXT_KINDS.length]!;
      const text = adversarialText(kind, Math.round(logNormal(next, 2000, 1.5)), i);
      for (const answer of ['noUsage', 'cut'] as const) {
        const records = await run(CONFIG, answer, text);
        assert.equal(records.length, 1);
        const r = records[0]!;
        assert.ok(
          r.costUsd <= r.estimateUsd + 1e-12,
          `${kind} ${answer}: billed ${r.costUsd} > reserved ${r.estimateUsd}`,
        );
        assert.ok(r.outputTokens > 0, 'what streamed is billed');
      }
    }
  });
});
