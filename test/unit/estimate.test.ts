import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, parseConfig } from '../../src/core/config';
import { resolveModel } from '../../src/core/router';
import { PriceBook } from '../../src/core/prices';
import {
  estimateRequestTokens,
  MESSAGE_OVERHEAD_TOKENS,
  REQUEST_OVERHEAD_TOKENS,
  worstCaseFor,
} from '../../src/core/estimate';
import { estimateTextTokens } from '../../src/core/usage';
import type { ChatMessage } from '../../src/core/types';

const NOW = new Date('2026-11-23T12:00:00Z');
const book = new PriceBook({ clock: { now: () => NOW.getTime() } });
const config = defaultConfig();

const messages: ChatMessage[] = [
  { role: 'system', content: 'You fix the tone of a selection. Answer with the rewritten text only.' },
  {
    role: 'user',
    content: 'pls fix this asap, its broken again!!! ' + 'function f(a, b) { return a + b; }\n'.repeat(20),
  },
];

describe('estimateRequestTokens', () => {
  test('an empty request is the fixed overhead', () => {
    assert.equal(estimateRequestTokens({}), REQUEST_OVERHEAD_TOKENS);
  });

  test('chat: every message adds its text estimate plus the per-message overhead', () => {
    const expected =
      REQUEST_OVERHEAD_TOKENS +
      messages.reduce((sum, m) => sum + MESSAGE_OVERHEAD_TOKENS + estimateTextTokens(m.content), 0);
    assert.equal(estimateRequestTokens({ messages }), expected);
    assert.equal(
      estimateRequestTokens({ messages: [...messages, { role: 'assistant', content: '' }] }),
      expected + MESSAGE_OVERHEAD_TOKENS,
      'even an empty message costs its overhead',
    );
  });

  test('FIM: prefix and suffix both count', () => {
    const fim = { prefix: 'const total = items.reduce((sum, item) => ', suffix: ');\nconsole.log(total);\n' };
    assert.equal(
      estimateRequestTokens({ fim }),
      REQUEST_OVERHEAD_TOKENS + estimateTextTokens(fim.prefix) + estimateTextTokens(fim.suffix),
    );
    assert.ok(
      estimateRequestTokens({ fim: { ...fim, suffix: fim.suffix.repeat(10) } }) > estimateRequestTokens({ fim }),
    );
  });

  test('a JSON schema sent with the request counts as input', () => {
    const jsonSchema = {
      name: 'review',
      schema: {
        type: 'object',
        properties: { findings: { type: 'array', items: { type: 'string' } } },
        required: ['findings'],
      },
    };
    const without = estimateRequestTokens({ messages });
    const withSchema = estimateRequestTokens({ messages, jsonSchema });
    assert.equal(withSchema - without, estimateTextTokens(jsonSchema.name + JSON.stringify(jsonSchema.schema)));
    assert.ok(withSchema > without);
  });
});

describe('worstCaseFor', () => {
  const pro = resolveModel(config, 'pro');

  test('prices the estimated input and the request output cap', () => {
    const body = { messages, maxOutputTokens: 4_000 };
    const w = worstCaseFor(book, pro, body, undefined, NOW);
    const input = estimateRequestTokens(body);
    assert.equal(w.inputTokens, input);
    assert.equal(w.maxOutputTokens, 4_000);
    assert.deepEqual(w, { ...book.worstCase(pro, input, 4_000, NOW), inputTokens: input, maxOutputTokens: 4_000 });
    assert.equal(w.known, true);
    assert.ok(w.usd > 0);
  });

  test("a provider's own token count replaces the local estimate", () => {
    const body = { messages, maxOutputTokens: 1_000 };
    const w = worstCaseFor(book, pro, body, 250_000, NOW);
    assert.equal(w.inputTokens, 250_000);
    // 250k is past the long-context threshold; the local estimate is not.
    assert.ok(w.usd > worstCaseFor(book, pro, body, undefined, NOW).usd);
    assert.deepEqual(w, { ...book.worstCase(pro, 250_000, 1_000, NOW), inputTokens: 250_000, maxOutputTokens: 1_000 });
  });

  test("the output cap is the smaller of the request's and the model table's", () => {
    const w = worstCaseFor(book, pro, { messages, maxOutputTokens: 10 * pro.maxOutputTokens }, 1_000, NOW);
    assert.equal(w.maxOutputTokens, pro.maxOutputTokens);
    assert.equal(w.usd, book.worstCase(pro, 1_000, pro.maxOutputTokens, NOW).usd);
  });

  test('an unknown price stays unknown', () => {
    const parsed = parseConfig({
      models: { custom: { provider: 'openai', model: 'acme-finetune-7', tier: 'pro', maxOutputTokens: 2048 } },
      tiers: { lite: ['custom'], pro: ['custom'] },
    });
    assert.ok(parsed.ok);
    const w = worstCaseFor(book, resolveModel(parsed.config, 'custom'), { messages, maxOutputTokens: 512 });
    assert.equal(w.known, false);
    assert.ok(Number.isNaN(w.usd));
    assert.ok(!w.known && w.message.includes('tiered.models.custom.price'));
  });
});
