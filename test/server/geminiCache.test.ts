// Gemini implicit caching on the Gemini flavour (geminiCache.ts): documented minimums per model,
// whole blocks of the minimum, prefix per API key and model, time to live, cachedContentTokenCount
// in the JSON body and in the final chunk of an alt=sse stream, off for models without it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import { startModelServer, type ModelServer } from './modelServer';
import {
  GEMINI_25_MIN_TOKENS,
  GEMINI_3_MIN_TOKENS,
  GEMINI_CACHE_TTL_MS,
  GeminiImplicitCache,
  geminiTokens,
  implicitCacheMinimum,
} from './geminiCache';

/** Distinct words, so prompts differ exactly where we say. */
const words = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => ` w${from + i}`).join('');

/** Text of about `tokens` server tokens (4 characters each). */
const textOf = (tokens: number, from = 0): string => {
  let s = '';
  for (let i = from; s.length < tokens * 4; i++) s += ` w${i}`;
  return s.slice(0, tokens * 4);
};

type Usage = {
  promptTokenCount: number;
  cachedContentTokenCount?: number;
  cacheTokensDetails?: { modality: string; tokenCount: number }[];
};

describe('implicit caching minimums (Gemini docs table, least generous where silent)', () => {
  test('2.5 models 2,048; 3.x and newer 4,096; none before 2.5 or for other names', () => {
    assert.equal(implicitCacheMinimum('gemini-2.5-flash'), GEMINI_25_MIN_TOKENS);
    assert.equal(implicitCacheMinimum('gemini-2.5-pro'), 2048);
    assert.equal(implicitCacheMinimum('models/gemini-2.5-flash-lite'), 2048);
    assert.equal(implicitCacheMinimum('gemini-3.1-pro-preview'), GEMINI_3_MIN_TOKENS);
    assert.equal(implicitCacheMinimum('gemini-3.8-flash'), 4096);
    assert.equal(implicitCacheMinimum('gemini-3.1-flash-lite'), 4096);
    assert.equal(implicitCacheMinimum('gemini-3-pro-preview'), 4096);
    assert.equal(implicitCacheMinimum('gemini-4-argon'), 4096);
    assert.equal(implicitCacheMinimum('gemini-2.0-flash'), undefined);
    assert.equal(implicitCacheMinimum('gemini-1.5-pro'), undefined);
    assert.equal(implicitCacheMinimum('gemma-3-27b-it'), undefined);
    assert.equal(implicitCacheMinimum('test-model'), undefined);
  });
});

describe('Gemini implicit caching (emulated)', () => {
  let server: ModelServer;
  let clock = 1_000_000;
  before(async () => (server = await startModelServer({ knobs: { text: 'ok' }, now: () => clock })));
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    clock += 3_600_000; // every test starts with an expired cache
  });

  const generate = async (
    text: string,
    opts: { model?: string; key?: string; system?: string; role?: string } = {},
  ): Promise<Usage> => {
    const model = opts.model ?? 'gemini-3.8-flash';
    const res = await fetch(`${server.geminiBaseUrl}/v1beta/models/${model}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': opts.key ?? 'k1' },
      body: JSON.stringify({
        ...(opts.system ? { systemInstruction: { parts: [{ text: opts.system }] } } : {}),
        contents: [{ role: opts.role ?? 'user', parts: [{ text }] }],
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { usageMetadata: Usage }).usageMetadata;
  };

  test('a repeated long prompt: first a miss, then its whole blocks of 4,096; a short one never', async () => {
    const text = textOf(2 * GEMINI_3_MIN_TOKENS + 1000);
    const n = Math.ceil(text.length / 4);
    const first = await generate(text);
    assert.equal(first.promptTokenCount, n);
    assert.equal(first.cachedContentTokenCount, undefined);
    const second = await generate(text);
    assert.equal(second.promptTokenCount, n);
    assert.equal(second.cachedContentTokenCount, 2 * GEMINI_3_MIN_TOKENS);
    assert.deepEqual(second.cacheTokensDetails, [{ modality: 'TEXT', tokenCount: 2 * GEMINI_3_MIN_TOKENS }]);
    assert.deepEqual(server.log.at(-1)?.promptUsage, { prompt: n, cached: 2 * GEMINI_3_MIN_TOKENS });

    const short = textOf(GEMINI_3_MIN_TOKENS - 10, 50_000);
    await generate(short);
    assert.equal((await generate(short)).cachedContentTokenCount, undefined, 'under the 4,096 minimum');
  });

  test('2.5 models cache from 2,048 tokens', async () => {
    const text = textOf(GEMINI_25_MIN_TOKENS + 100);
    await generate(text, { model: 'gemini-2.5-flash' });
    assert.equal((await generate(text, { model: 'gemini-2.5-flash' })).cachedContentTokenCount, 2048);
    assert.equal((await generate(text)).cachedContentTokenCount, undefined, 'under 3.x minimum, other model');
  });

  test('a shared prefix reads its whole blocks only; a change early in the prompt loses the hit', async () => {
    const common = textOf(GEMINI_3_MIN_TOKENS + 3000);
    await generate(common + words(70_000, 2000));
    const tail = await generate(common + words(90_000, 2000));
    assert.equal(tail.cachedContentTokenCount, GEMINI_3_MIN_TOKENS, 'the common 1.7 blocks read as 1');
    const early = await generate(`x${common.slice(1)}${words(90_000, 2000)}`);
    assert.equal(early.cachedContentTokenCount, undefined);
  });

  test('the same text under another role or turn layout is another prefix', async () => {
    const text = textOf(GEMINI_3_MIN_TOKENS + 500);
    await generate(text);
    assert.equal((await generate(text, { role: 'model' })).cachedContentTokenCount, undefined);
    // One user turn "A\nB" against a system instruction "A" and a user turn "B": the same joined text.
    const a = textOf(2000, 80_000);
    const b = textOf(GEMINI_3_MIN_TOKENS, 90_000);
    await generate(`${a}\n${b}`);
    assert.equal(
      (await generate(b, { system: a })).cachedContentTokenCount,
      undefined,
      'a system instruction is a turn of its own',
    );
    assert.equal((await generate(`${a}\n${b}`)).cachedContentTokenCount, GEMINI_3_MIN_TOKENS);
  });

  test('no hit across API keys (projects) or across models', async () => {
    const text = textOf(GEMINI_3_MIN_TOKENS + 500);
    await generate(text, { key: 'k1' });
    assert.equal((await generate(text, { key: 'k2' })).cachedContentTokenCount, undefined);
    assert.equal((await generate(text, { model: 'gemini-3.1-pro-preview' })).cachedContentTokenCount, undefined);
    assert.equal((await generate(text, { key: 'k1' })).cachedContentTokenCount, GEMINI_3_MIN_TOKENS);
  });

  test('a cached prefix expires 3 minutes after it was last sent, and each use renews it', async () => {
    const text = textOf(GEMINI_3_MIN_TOKENS + 500);
    await generate(text);
    clock += GEMINI_CACHE_TTL_MS - 1000;
    assert.equal((await generate(text)).cachedContentTokenCount, GEMINI_3_MIN_TOKENS, 'within the TTL');
    clock += GEMINI_CACHE_TTL_MS - 1000;
    assert.equal((await generate(text)).cachedContentTokenCount, GEMINI_3_MIN_TOKENS, 'renewed by the last use');
    clock += GEMINI_CACHE_TTL_MS;
    assert.equal((await generate(text)).cachedContentTokenCount, undefined, 'expired');
  });

  test('the final chunk of an alt=sse stream carries cachedContentTokenCount, through @google/genai', async () => {
    const ai = new GoogleGenAI({ apiKey: 'k1', httpOptions: { baseUrl: server.geminiBaseUrl } });
    const text = textOf(GEMINI_3_MIN_TOKENS + 500);
    server.setDefaults({ text: 'a reply of several stream chunks' });
    const run = async () => {
      const stream = await ai.models.generateContentStream({ model: 'gemini-3.8-flash', contents: text });
      const usages: (Usage | undefined)[] = [];
      for await (const chunk of stream) usages.push(chunk.usageMetadata as Usage | undefined);
      return usages;
    };
    const cold = await run();
    assert.equal(cold.at(-1)?.cachedContentTokenCount, undefined);
    const warm = await run();
    assert.ok(warm.length > 2, 'several chunks');
    assert.equal(warm.at(-1)?.cachedContentTokenCount, GEMINI_3_MIN_TOKENS);
    assert.equal(warm.at(-1)?.promptTokenCount, Math.ceil(text.length / 4));
    assert.equal(server.requests('gemini.generate').at(-1)?.stream, true);
  });

  test('models without implicit caching, the knob turned off, and scripted usage report none', async () => {
    const text = textOf(GEMINI_3_MIN_TOKENS + 500);
    for (const model of ['gemini-2.0-flash', 'test-model']) {
      await generate(text, { model });
      assert.equal((await generate(text, { model })).cachedContentTokenCount, undefined, model);
    }
    server.setModelKnobs('gemini-3.8-flash', { implicitCache: false });
    await generate(text);
    assert.equal((await generate(text)).cachedContentTokenCount, undefined, 'knob off');
    server.setModelKnobs('gemini-3.8-flash', { implicitCache: undefined });
    await generate(text);
    server.enqueue({ usage: { promptTokens: 9000, cachedTokens: 0 } });
    const scripted = await generate(text);
    assert.equal(scripted.promptTokenCount, 9000);
    assert.equal(scripted.cachedContentTokenCount, undefined, 'scripted usage wins');
    server.setModelKnobs('test-model', { implicitCache: true });
    assert.equal((await generate(text, { model: 'test-model' })).cachedContentTokenCount, undefined);
    assert.equal((await generate(text, { model: 'test-model' })).cachedContentTokenCount, GEMINI_3_MIN_TOKENS);
  });

  test('countTokens neither reads nor writes the cache', async () => {
    const text = textOf(GEMINI_3_MIN_TOKENS + 500);
    const count = await fetch(`${server.geminiBaseUrl}/v1beta/models/gemini-3.8-flash:countTokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k1' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }] }),
    });
    assert.equal(count.status, 200);
    assert.equal((await generate(text)).cachedContentTokenCount, undefined);
  });
});

describe('GeminiImplicitCache', () => {
  test('tokens are the server count of the joined turns, keyed with the turn starts', () => {
    const turns = [
      { role: 'system', text: 'abcdef' },
      { role: 'user', text: 'ghij' },
    ];
    const tokens = geminiTokens(turns);
    assert.equal(tokens.length, Math.ceil('abcdef\nghij'.length / 4));
    assert.notDeepEqual(tokens, geminiTokens([{ role: 'user', text: 'abcdef\nghij' }]));
  });

  test('an exact multiple of the block is cached whole', () => {
    const cache = new GeminiImplicitCache(() => 0);
    const messages = [{ role: 'user', text: textOf(2 * GEMINI_25_MIN_TOKENS) }];
    const req = { project: 'p', model: 'gemini-2.5-pro', messages };
    assert.deepEqual(cache.serve(req), { promptTokens: 4096, cachedTokens: 0 });
    assert.deepEqual(cache.serve(req), { promptTokens: 4096, cachedTokens: 4096 });
  });
});
