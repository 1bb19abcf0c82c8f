// Prompt caching for inline requests: `prompt_cache_key` only where the capabilities table says
// the model's host takes it, stable per workspace and language and free of user text; the OpenAI
// adapter puts it on the wire; a cached answer's tokens come back and are priced at the cached rate.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { buildInlineRequest, type PromptWindow } from '../../src/core/completion';
import { bundledCapabilities, shapeRequest } from '../../src/core/calls/capabilities';
import { parseConfig } from '../../src/core/config';
import { PriceBook } from '../../src/core/prices';
import { resolveModel, type ResolvedModel } from '../../src/core/router';
import { silentLogger } from '../../src/core/types';
import { OpenAIModelClient } from '../../src/providers/openai';
import { ollamaModel } from '../support/models';

const PROVIDERS = [
  { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
  { id: 'openrouter', kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1' },
  { id: 'proxy', kind: 'openai', baseUrl: 'https://llm.corp.example/v1' },
];

/** A table model built through the real settings parser and router. */
function model(provider: string, name: string): ResolvedModel {
  const result = parseConfig({
    providers: PROVIDERS,
    models: { m: { provider, model: name, tier: 'lite', maxOutputTokens: 1024 } },
    tiers: { lite: ['m'] },
    commands: { complete: 'lite' },
  });
  if (!result.ok) throw new Error(result.message);
  return resolveModel(result.config, 'm');
}

const window: PromptWindow = {
  prefix: 'const secretValue = computeTotal(',
  suffix: ');\n',
  languageId: 'typescript',
  cacheScope: 'workspace-a',
};
const build = (m: ResolvedModel, w: PromptWindow = window) => buildInlineRequest(m, w, { maxOutputTokens: 64 });

describe('prompt_cache_key where the capabilities table says', () => {
  test('OpenAI models on api.openai.com get a key; the table says so for them', () => {
    assert.equal(bundledCapabilities('gpt-4o-mini')?.promptCacheKey, true);
    assert.equal(bundledCapabilities('gpt-5-mini')?.promptCacheKey, true);
    const body = build(model('openai', 'gpt-4o-mini'));
    assert.match(body.promptCacheKey!, /^tiered-[0-9a-f]{32}$/);
    // Shaping for the model keeps it (the call path sends the shaped body).
    assert.equal(shapeRequest(model('openai', 'gpt-4o-mini'), body, 'least').body.promptCacheKey, body.promptCacheKey);
  });

  test('no key elsewhere: other hosts, local servers, models the table does not mark', () => {
    assert.equal(bundledCapabilities('gemini-2.5-flash')?.promptCacheKey, undefined);
    assert.equal(build(model('openrouter', 'openai/gpt-4o-mini')).promptCacheKey, undefined);
    assert.equal(build(model('proxy', 'gpt-4o-mini')).promptCacheKey, undefined);
    assert.equal(build(model('openai', 'my-fine-tune')).promptCacheKey, undefined);
    assert.equal(build(ollamaModel({ fim: false })).promptCacheKey, undefined);
  });

  test('stable per workspace and language, different across them, never user text or the scope itself', () => {
    const m = model('openai', 'gpt-4o-mini');
    const key = build(m).promptCacheKey!;
    assert.equal(build(m, { ...window, prefix: 'other text', suffix: '' }).promptCacheKey, key);
    assert.notEqual(build(m, { ...window, languageId: 'python' }).promptCacheKey, key);
    assert.notEqual(build(m, { ...window, cacheScope: 'workspace-b' }).promptCacheKey, key);
    assert.ok(!key.includes('workspace') && !key.includes('secret'));
  });
});

interface Captured {
  body: Record<string, unknown>;
}

/** A one-route OpenAI-style server: streams one chunk and a usage chunk with cached tokens. */
async function withServer(fn: (baseUrl: string, captured: Captured[]) => Promise<void>): Promise<void> {
  const captured: Captured[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      captured.push({ body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini' };
      res.write(
        `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: 'x)' }, finish_reason: 'stop' }] })}\n\n`,
      );
      const usage = {
        prompt_tokens: 2048,
        completion_tokens: 3,
        total_tokens: 2051,
        prompt_tokens_details: { cached_tokens: 1536 },
      };
      res.write(`data: ${JSON.stringify({ ...chunk, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, captured);
  } finally {
    server.close();
  }
}

describe('the OpenAI adapter and the ledger', () => {
  test('prompt_cache_key goes on the wire when set, not otherwise; cached tokens come back', async () => {
    await withServer(async (baseUrl, captured) => {
      const client = new OpenAIModelClient(
        { id: 'local', kind: 'openai', baseUrl, timeoutMs: 10_000 },
        'test-key-0123456789',
        silentLogger,
      );
      const request = {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user' as const, content: 'hi' }],
        maxOutputTokens: 16,
        timeoutMs: 10_000,
      };
      const withKey = await client.stream({ ...request, promptCacheKey: 'tiered-abc' });
      await client.stream(request);
      assert.equal(captured[0]!.body.prompt_cache_key, 'tiered-abc');
      assert.ok(!('prompt_cache_key' in captured[1]!.body));
      assert.deepEqual(withKey.usage, {
        inputTokens: 2048,
        cachedInputTokens: 1536,
        outputTokens: 3,
        reasoningTokens: 0,
      });
    });
  });

  test('a cached answer is priced at the cached input rate', () => {
    const book = new PriceBook({ clock: { now: () => Date.parse('2026-11-23T12:00:00Z') } });
    const m = model('openai', 'gpt-4o-mini');
    const info = book.describe(m);
    assert.ok(info.known && info.rates);
    const { inputPerMTok, cachedInputPerMTok, outputPerMTok } = info.rates;
    assert.ok(cachedInputPerMTok < inputPerMTok, 'the data has a cached rate for this model');
    const cached = book.cost(m, { inputTokens: 2048, cachedInputTokens: 1536, outputTokens: 3, reasoningTokens: 0 });
    const plain = book.cost(m, { inputTokens: 2048, cachedInputTokens: 0, outputTokens: 3, reasoningTokens: 0 });
    assert.ok(cached.known && plain.known);
    const expected = (512 * inputPerMTok + 1536 * cachedInputPerMTok + 3 * outputPerMTok) / 1e6;
    assert.ok(Math.abs(cached.costUsd - expected) < 1e-12, `${cached.costUsd} vs ${expected}`);
    assert.ok(cached.costUsd < plain.costUsd);
  });
});
