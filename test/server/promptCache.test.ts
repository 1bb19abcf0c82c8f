// OpenAI prompt caching on the api.openai.com flavour (promptCache.ts): 1,024-token minimum,
// 128-token blocks, exact prefixes per organization + prompt_cache_key, retention, overflow, and
// cached_tokens in both the JSON body and the final stream chunk. Other flavours are unchanged.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startModelServer, type ModelServer } from './modelServer';
import { CACHE_BLOCK_TOKENS, CACHE_MIN_TOKENS, o200k, PromptCache, serialisePrompt } from './promptCache';

/** Distinct words, so that a prompt's tokens are predictable and prompts differ where we say. */
const words = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => ` w${from + i}`).join('');

/** The cached count OpenAI reports for a matched prefix of `common` tokens. */
const blocks = (common: number): number =>
  common < CACHE_MIN_TOKENS
    ? 0
    : CACHE_MIN_TOKENS + Math.floor((common - CACHE_MIN_TOKENS) / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS;

const chatPrompt = (text: string) => serialisePrompt('openai.chat', { messages: [{ role: 'user', text }] });

function commonPrefix(a: number[], b: number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

type Usage = { prompt_tokens: number; prompt_tokens_details?: { cached_tokens: number } };

describe('OpenAI prompt caching (emulated)', () => {
  let server: ModelServer;
  let clock = 1_000_000;
  before(async () => (server = await startModelServer({ knobs: { text: 'ok' }, now: () => clock })));
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    clock += 3_600_000; // every test starts with an expired cache
  });

  const chat = async (
    content: string,
    opts: { model?: string; key?: string; cacheKey?: string; base?: string } = {},
  ): Promise<Usage> => {
    const res = await fetch(`${opts.base ?? server.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.key ?? 'k1'}` },
      body: JSON.stringify({
        model: opts.model ?? 'gpt-5-mini',
        messages: [{ role: 'user', content }],
        ...(opts.cacheKey ? { prompt_cache_key: opts.cacheKey } : {}),
      }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { usage: Usage }).usage;
  };

  test('a prompt under 1,024 tokens is never cached; prompt_tokens is the o200k count', async () => {
    const text = words(0, 300);
    const n = o200k(chatPrompt(text)).length;
    assert.ok(n < CACHE_MIN_TOKENS);
    await chat(text);
    const second = await chat(text);
    assert.equal(second.prompt_tokens, n);
    assert.equal(second.prompt_tokens_details?.cached_tokens, 0);
  });

  test('a repeated long prompt: first a miss, then its prefix in 128-token blocks after 1,024', async () => {
    const text = words(0, 900);
    const n = o200k(chatPrompt(text)).length;
    assert.ok(n > CACHE_MIN_TOKENS + CACHE_BLOCK_TOKENS && (n - CACHE_MIN_TOKENS) % CACHE_BLOCK_TOKENS !== 0);
    assert.equal((await chat(text)).prompt_tokens_details?.cached_tokens, 0);
    assert.equal((await chat(text)).prompt_tokens_details?.cached_tokens, blocks(n));
  });

  test('a prompt sharing a prefix reads the shared whole blocks only', async () => {
    const a = words(0, 800) + words(5000, 200);
    const b = words(0, 800) + words(9000, 200);
    const common = commonPrefix(o200k(chatPrompt(a)), o200k(chatPrompt(b)));
    assert.ok(common > CACHE_MIN_TOKENS);
    await chat(a);
    const usage = await chat(b);
    assert.equal(usage.prompt_tokens_details?.cached_tokens, blocks(common));
    assert.ok(blocks(common) < usage.prompt_tokens);
  });

  test('no hit across organizations (API keys) or across prompt_cache_key values', async () => {
    const text = words(0, 900);
    await chat(text, { key: 'k1', cacheKey: 'file-a' });
    assert.equal((await chat(text, { key: 'k2', cacheKey: 'file-a' })).prompt_tokens_details?.cached_tokens, 0);
    assert.equal((await chat(text, { key: 'k1', cacheKey: 'file-b' })).prompt_tokens_details?.cached_tokens, 0);
    assert.ok(((await chat(text, { key: 'k1', cacheKey: 'file-a' })).prompt_tokens_details?.cached_tokens ?? 0) > 0);
  });

  test('a cached prefix expires after the retention time without use, and each use renews it', async () => {
    const text = words(0, 900);
    await chat(text);
    clock += 4 * 60_000;
    assert.ok(((await chat(text)).prompt_tokens_details?.cached_tokens ?? 0) > 0, 'used within 5 minutes');
    clock += 4 * 60_000;
    assert.ok(((await chat(text)).prompt_tokens_details?.cached_tokens ?? 0) > 0, 'renewed by the last use');
    clock += 5 * 60_000 + 1;
    assert.equal((await chat(text)).prompt_tokens_details?.cached_tokens, 0);
  });

  test('the final stream chunk (include_usage) carries cached_tokens, through the OpenAI SDK', async () => {
    const openai = new OpenAI({ apiKey: 'k1', baseURL: server.openaiBaseUrl, maxRetries: 0 });
    const text = words(0, 900);
    const n = o200k(chatPrompt(text)).length;
    const run = async () => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-5-mini',
        messages: [{ role: 'user', content: text }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
      return usage;
    };
    await run();
    const usage = await run();
    assert.equal(usage?.prompt_tokens, n);
    assert.equal(usage?.prompt_tokens_details?.cached_tokens, blocks(n));
    assert.deepEqual(server.log.at(-1)?.promptUsage, { prompt: n, cached: blocks(n) });
  });

  test('completions (FIM with suffix) cache the prompt prefix too', async () => {
    server.setDefaults({ promptCache: true });
    const post = async (suffix: string) =>
      (
        (await (
          await fetch(`${server.openaiBaseUrl}/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'bench-model', prompt: words(0, 900), suffix }),
          })
        ).json()) as { usage: Usage }
      ).usage;
    await post(' }');
    const usage = await post(' return x; }');
    assert.ok((usage.prompt_tokens_details?.cached_tokens ?? 0) >= CACHE_MIN_TOKENS);
  });

  test('model names outside the caching families, and other flavours, are unchanged unless asked', async () => {
    const text = words(0, 900);
    await chat(text, { model: 'test-model' });
    const lenient = await chat(text, { model: 'test-model' });
    assert.equal(lenient.prompt_tokens_details, undefined);
    assert.equal(lenient.prompt_tokens, Math.ceil(text.length / 4));
    await chat(text, { model: 'gpt-5-mini', base: server.baseUrl('vllm') });
    const vllm = await chat(text, { model: 'gpt-5-mini', base: server.baseUrl('vllm') });
    assert.equal(vllm.prompt_tokens_details, undefined);
    server.setModelKnobs('test-model', { promptCache: true });
    assert.equal((await chat(text, { model: 'test-model' })).prompt_tokens_details?.cached_tokens, 0);
    assert.ok(((await chat(text, { model: 'test-model' })).prompt_tokens_details?.cached_tokens ?? 0) > 0);
  });
});

describe('PromptCache routing', () => {
  test('above ~15 requests a minute for one prefix + key, requests overflow to machines without the prefix', () => {
    let t = 0;
    const cache = new PromptCache(() => t);
    const prompt = chatPrompt(words(0, 900));
    const cached: number[] = [];
    for (let i = 0; i < 17; i++) {
      t += 1000;
      cached.push(cache.serve({ org: 'o', model: 'gpt-5-mini', prompt }).cachedTokens);
    }
    assert.equal(cached[0], 0);
    assert.ok(cached.slice(1, 15).every((c) => c > 0));
    assert.deepEqual(cached.slice(15), [0, 0], 'the 16th and 17th go to two other, cold machines');
    t += 61_000;
    assert.ok(cache.serve({ org: 'o', model: 'gpt-5-mini', prompt }).cachedTokens > 0, 'back under the rate');
  });
});
