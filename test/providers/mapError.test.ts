// Error mapping details that the wire tests do not reach: Retry-After parsing, quota vs rate limit
// wording, and key redaction in quoted server text.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isModelConfigProblem } from '../../src/core/errors';
import { createModelClient } from '../../src/providers';
import { parseRetryAfter } from '../../src/providers/mapError';
import { faults, startModelServer, type Flavour, type ModelServer } from '../server/modelServer';
import { assertReason, chat, providerFor, rejection } from './helpers';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  test('delay-seconds', () => {
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('12', now), 12_000);
    assert.equal(parseRetryAfter('1.5', now), 1500);
  });
  test('HTTP date, relative to now; a past date is 0', () => {
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now), 0);
  });
  test('absent or unreadable', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});

describe('status mapping details', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer()));
  after(() => server.close());
  beforeEach(() => server.reset());

  for (const kind of ['openai', 'gemini'] as const) {
    test(`${kind}: 402 and credit wording are quota; other 4xx are badRequest; 408 is timeout`, async () => {
      const client = createModelClient(providerFor(server, kind), 'k-123456789');
      server.fault({ kind: 'status', status: 402 });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'quota');
      server.fault({ kind: 'status', status: 429, message: 'Your credit balance is too low.' });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'quota');
      server.fault({ kind: 'status', status: 422 });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'badRequest');
      server.fault({ kind: 'status', status: 408 });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'timeout');
    });

    test(`${kind}: a key echoed by the server is redacted from the message`, async () => {
      const key = 'sk-live-abcdefghijklmnop';
      const client = createModelClient(providerFor(server, kind), key);
      server.fault({ kind: 'status', status: 401, message: `Incorrect API key provided: ${key}` });
      const err = await rejection(() => client.stream(chat('m', 'x')));
      assertReason(err, 'auth');
      assert.ok(!err.message.includes(key), err.message);
      assert.match(err.message, /Incorrect API key provided/);
    });
  }

  test('openai: an error event without a code inside a 200 stream is a server error, with the partial', async () => {
    const client = createModelClient(providerFor(server, 'openai'), 'k-123456789');
    server.fault({ kind: 'streamError', afterChunks: 3, status: 0 });
    const err = await rejection(() => client.stream(chat('m', 'tell me more')));
    assertReason(err, 'server');
    assert.equal(err.details.status, undefined);
    assert.ok((err.details.partial?.text ?? '').length > 0);
    assert.match(err.message, /failed mid-stream/);
  });
});

describe('provider rules in errors: reason, param and code as each server sends them', () => {
  let server: ModelServer;
  before(
    async () =>
      (server = await startModelServer({
        litellmKeys: { 'sk-spent': { maxBudget: 1, spend: 1 } },
      })),
  );
  after(() => server.close());
  beforeEach(() => server.reset());

  // The gpt-5 family refuses max_tokens before anything else (core sends the family's field).
  const CAP = { outputCapField: 'max_completion_tokens' as const };
  const at = (flavour: Flavour, key = 'k-123456789') =>
    createModelClient(
      {
        id: flavour,
        kind: flavour === 'gemini' ? 'gemini' : 'openai',
        baseUrl: server.baseUrl(flavour),
        timeoutMs: 10_000,
      },
      key,
    );

  test('OpenAI 403 region → denied (not a key problem), with the code and the server words', async () => {
    server.fault(faults.region());
    const err = await rejection(() => at('openai').stream(chat('gpt-5-mini', 'x', CAP)));
    assertReason(err, 'denied');
    assert.equal(err.details.code, 'unsupported_country_region_territory');
    assert.match(err.message, /"openai".*"gpt-5-mini".*Country, region, or territory not supported/);
    assert.equal(isModelConfigProblem(err), true);
  });

  test('OpenAI 403 "does not have access to model" → denied; a 403 naming the key → auth', async () => {
    server.fault({ kind: 'status', status: 403, message: 'Project `proj_1` does not have access to model `gpt-5.5`' });
    assertReason(await rejection(() => at('openai').stream(chat('gpt-5.5', 'x', CAP))), 'denied');
    server.fault({ kind: 'status', status: 403, message: 'Incorrect API key provided: sk-****.' });
    assertReason(await rejection(() => at('openai').stream(chat('gpt-5.5', 'x', CAP))), 'auth');
  });

  test('Google PERMISSION_DENIED about the model → denied; the missing-key 403 → auth', async () => {
    server.fault({ kind: 'status', status: 403, message: 'The caller does not have permission' });
    const err = await rejection(() => at('gemini').stream(chat('gemini-3.1-pro-preview', 'x')));
    assertReason(err, 'denied');
    assert.equal(err.details.code, 'PERMISSION_DENIED');
    server.fault({ kind: 'status', status: 403 });
    assertReason(await rejection(() => at('gemini').stream(chat('gemini-3.1-pro-preview', 'x'))), 'auth');
  });

  for (const version of ['current', 'legacy'] as const) {
    test(`LiteLLM budget exceeded (${version} proxy) → quota, code budget_exceeded`, async () => {
      server.setDefaults({ litellmVersion: version });
      const err = await rejection(() => at('litellm', 'sk-spent').stream(chat('gpt-5-mini', 'x', CAP)));
      assertReason(err, 'quota');
      assert.equal(err.details.status, version === 'legacy' ? 400 : 429);
      assert.equal(err.details.code, 'budget_exceeded');
      assert.match(err.message, /Budget has been exceeded/);
    });
  }

  test('llama.cpp 500 "Unsupported param: suffix" → badRequest naming suffix (a configuration problem)', async () => {
    const err = await rejection(() =>
      at('llamacpp').stream({
        model: 'qwen2.5-coder',
        fim: { prefix: 'a = ', suffix: '\n', dialect: 'suffix' },
        maxOutputTokens: 16,
        timeoutMs: 10_000,
      }),
    );
    assertReason(err, 'badRequest');
    assert.equal(err.details.status, 500);
    assert.equal(err.details.param, 'suffix');
    assert.equal(isModelConfigProblem(err), true);
    assert.match(err.message, /Unsupported param: suffix/);
  });

  test('vLLM and Ollama refusals of suffix name the parameter', async () => {
    const fim = { prefix: 'a = ', suffix: '\n', dialect: 'suffix' as const };
    const vllm = await rejection(() =>
      at('vllm').stream({ model: 'Qwen/Qwen2.5-Coder-7B', fim, maxOutputTokens: 16, timeoutMs: 10_000 }),
    );
    assertReason(vllm, 'badRequest');
    assert.equal(vllm.details.param, 'suffix');
    const ollama = await rejection(() =>
      at('ollama').stream({ model: 'llama3.2', fim, maxOutputTokens: 16, timeoutMs: 10_000 }),
    );
    assertReason(ollama, 'badRequest');
    assert.equal(ollama.details.param, 'suffix');
    assert.match(ollama.message, /does not support insert/);
  });

  test('OpenAI 400 for a rejected value carries param and code', async () => {
    const err = await rejection(() =>
      at('openai').stream(chat('gpt-5-mini', 'x', { temperature: 0.2, outputCapField: 'max_completion_tokens' })),
    );
    assertReason(err, 'badRequest');
    assert.equal(err.details.param, 'temperature');
    assert.equal(err.details.code, 'unsupported_value');
    assert.equal(isModelConfigProblem(err), true);
  });

  test('Gemini 400 for a thinking level names the field', async () => {
    const err = await rejection(() =>
      at('gemini').stream(
        chat('gemini-3.1-pro-preview', 'x', { reasoning: { param: 'thinkingLevel', value: 'minimal' } }),
      ),
    );
    assertReason(err, 'badRequest');
    assert.equal(err.details.code, 'INVALID_ARGUMENT');
    assert.equal(err.details.param, 'thinkingConfig.thinkingLevel');
    assert.equal(isModelConfigProblem(err), true);
  });

  test('a 400 about the input size stays distinguishable: not a configuration problem', async () => {
    server.fault({
      kind: 'status',
      status: 400,
      message:
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    });
    const err = await rejection(() => at('openai').stream(chat('gpt-4.1', 'x')));
    assertReason(err, 'badRequest');
    assert.equal(isModelConfigProblem(err), false);
  });
});
