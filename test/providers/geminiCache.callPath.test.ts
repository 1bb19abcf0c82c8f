// Gemini implicit caching end to end: Tiered's own call path (CallPath, the Gemini adapter over
// @google/genai) against the model server's emulation (test/server/geminiCache.ts). The second
// call with the same long prompt is settled with cached input tokens, priced at Gemini's
// cached-input rate from the bundled price data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import type { CallSpec } from '../../src/core/calls';
import { GEMINI_3_MIN_TOKENS } from '../server/geminiCache';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { harness, parsed, providerAt } from './callPathHarness';

const MODEL = 'gemini-3.1-flash-lite';

/** About `tokens` server tokens of distinct words (4 characters a token). */
function longText(tokens: number): string {
  let s = '';
  for (let i = 0; s.length < tokens * 4; i++) s += ` w${i}`;
  return s.slice(0, tokens * 4);
}

function tone(text: string): CallSpec {
  return {
    command: 'tone',
    tier: 'lite',
    build: () => ({ messages: [{ role: 'user', content: text }], maxOutputTokens: 256 }),
  };
}

describe('Gemini implicit caching through the call path', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer({ knobs: { text: 'friendlier text' } })));
  after(() => server.close());

  test('the second identical long call is billed with cachedInputTokens at the cached-input price', async () => {
    const config = parsed({
      providers: [providerAt(server, 'gemini')],
      models: { lite: { provider: 'gemini', model: MODEL, tier: 'lite', maxOutputTokens: 256 } },
      tiers: { lite: ['lite'], pro: ['lite'] },
    });
    const h = harness(config, () => 'gemini');
    const text = longText(GEMINI_3_MIN_TOKENS + 1500);
    await h.run(tone(text));
    await h.run(tone(text));
    assert.deepEqual(server.rejected(), []);
    const [first, second] = h.budget.records;
    assert.ok(first && second, 'two ledger records');
    assert.equal(first.outcome, 'ok');
    assert.equal(second.outcome, 'ok');
    assert.equal(first.cachedInputTokens, 0);
    assert.equal(second.cachedInputTokens, GEMINI_3_MIN_TOKENS);
    assert.equal(second.inputTokens, first.inputTokens);
    assert.equal(second.costSource, 'bundled');

    // What the bundled price data bills for these numbers, with and without the cached part.
    const price = (cached: number) =>
      calcPrice(
        { input_tokens: second.inputTokens, cache_read_tokens: cached, output_tokens: second.outputTokens },
        MODEL,
        { providerId: 'google' },
      )!.total_price;
    assert.ok(Math.abs(second.costUsd - price(GEMINI_3_MIN_TOKENS)) < 1e-12, `${second.costUsd}`);
    assert.ok(Math.abs(first.costUsd - price(0)) < 1e-12, `${first.costUsd}`);
    assert.ok(second.costUsd < first.costUsd, 'the cached input is cheaper');
  });
});
