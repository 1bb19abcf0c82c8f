// Contract tests of the OpenAI adapter against the local wire-compatible server, SDK unchanged:
// what goes on the wire, how usage and server-reported cost come back, and cancellation.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ModelClient } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { openAIFinishReason, usesMaxCompletionTokens } from '../../src/providers/openai';
import { countTokens, defaultReply, startModelServer, type ModelServer } from '../server/modelServer';
import { KEY, assertReason, chat, providerFor, rejection } from './helpers';

describe('OpenAI adapter', () => {
  let server: ModelServer;
  let client: ModelClient;
  before(async () => {
    server = await startModelServer();
    client = createModelClient(providerFor(server, 'openai'), KEY);
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  test('chat: streams with include_usage, max_tokens, temperature, stop; key as bearer', async () => {
    const deltas: string[] = [];
    const result = await client.stream(
      {
        model: 'gpt-local',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Explain the stage router pattern please' },
        ],
        maxOutputTokens: 64,
        temperature: 0.3,
        stop: ['\n\n'],
        timeoutMs: 10_000,
      },
      (d) => deltas.push(d),
    );
    assert.equal(server.log.length, 1);
    const entry = server.log[0]!;
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/v1/chat/completions');
    assert.equal(entry.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(entry.body, {
      model: 'gpt-local',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Explain the stage router pattern please' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 64,
      temperature: 0.3,
      stop: ['\n\n'],
    });
    const expected = defaultReply({
      model: 'gpt-local',
      messages: [{ role: 'user', text: 'Explain the stage router pattern please' }],
    });
    assert.equal(result.text, expected);
    assert.equal(deltas.join(''), expected);
    assert.ok(deltas.length > 1, 'streamed in several deltas');
    assert.deepEqual(result.usage, {
      inputTokens: countTokens('Be brief.\nExplain the stage router pattern please'),
      cachedInputTokens: 0,
      outputTokens: countTokens(expected),
      reasoningTokens: 0,
    });
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.servedModel, 'gpt-local');
    assert.equal(typeof result.ttftMs, 'number');
    assert.equal(result.reportedCostUsd, undefined);
  });

  test('json schema: response_format json_schema, strict', async () => {
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' } },
      required: ['ok'],
      additionalProperties: false,
    };
    server.enqueue({ text: '{"ok":true}' });
    const result = await client.stream(chat('gpt-local', 'review', { jsonSchema: { name: 'review', schema } }));
    assert.equal(result.text, '{"ok":true}');
    const body = server.log[0]!.body as Record<string, unknown>;
    assert.deepEqual(body.response_format, {
      type: 'json_schema',
      json_schema: { name: 'review', schema, strict: true },
    });
  });

  test('FIM: /v1/completions with prompt + suffix, max_tokens and the usage chunk', async () => {
    const result = await client.stream({
      model: 'coder',
      fim: { prefix: 'function add(a, b) {\n  return ', suffix: '\n}\n' },
      maxOutputTokens: 32,
      temperature: 0,
      timeoutMs: 10_000,
    });
    const entry = server.log[0]!;
    assert.equal(entry.path, '/v1/completions');
    assert.deepEqual(entry.body, {
      model: 'coder',
      prompt: 'function add(a, b) {\n  return ',
      suffix: '\n}\n',
      max_tokens: 32,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
    });
    const expected = defaultReply({
      model: 'coder',
      messages: [],
      fim: { prefix: 'function add(a, b) {\n  return ', suffix: '' },
    });
    assert.equal(result.text, expected);
    assert.equal(result.usage?.inputTokens, countTokens('function add(a, b) {\n  return \n\n}\n'));
    assert.equal(result.usage?.outputTokens, countTokens(expected));
  });

  test('usage: cached input inside prompt tokens, reasoning inside completion tokens', async () => {
    server.enqueue({ text: 'twelve chars', usage: { cachedTokens: 3, reasoningTokens: 7, promptTokens: 40 } });
    const result = await client.stream(chat('o-local', 'think'));
    assert.deepEqual(result.usage, { inputTokens: 40, cachedInputTokens: 3, outputTokens: 3 + 7, reasoningTokens: 7 });
  });

  test('a server that ignores include_usage: usage is null, the answer still counts', async () => {
    server.enqueue({ text: 'no usage here', usage: { omit: true } });
    const result = await client.stream(chat('llama', 'hi'));
    assert.equal(result.text, 'no usage here');
    assert.equal(result.usage, null);
  });

  test('output cap reached: finishReason "length"', async () => {
    server.enqueue({ text: 'x'.repeat(400) });
    const result = await client.stream(chat('gpt-local', 'long', { maxOutputTokens: 5 }));
    assert.equal(result.finishReason, 'length');
    assert.equal(result.text.length, 20);
  });

  test('reportedCostUsd from OpenRouter usage.cost', async () => {
    server.enqueue({ costUsd: 0.00123 });
    const result = await client.stream(chat('openrouter/x', 'hi'));
    assert.equal(result.reportedCostUsd, 0.00123);
  });

  test('reportedCostUsd from the LiteLLM x-litellm-response-cost header; usage.cost wins when both', async () => {
    server.enqueue({ litellmCostUsd: 0.0042 });
    assert.equal((await client.stream(chat('proxy', 'hi'))).reportedCostUsd, 0.0042);
    server.enqueue({ litellmCostUsd: 0.0042, costUsd: 0.001 });
    assert.equal((await client.stream(chat('proxy', 'hi'))).reportedCostUsd, 0.001);
    // A streamed response's header leaves before the cost is known: 0 there is "unknown".
    server.enqueue({ litellmCostUsd: 0 });
    assert.equal((await client.stream(chat('proxy', 'hi'))).reportedCostUsd, undefined);
  });

  test('abort mid-stream: socket closed early, cancelled with the partial text', async () => {
    // Long and slow, so the server is still sending when the client aborts, however loaded the machine.
    const text = 'a fairly long answer that streams slowly, token by token. '.repeat(8);
    server.enqueue({ text, tokensPerSecond: 20 });
    const controller = new AbortController();
    const seen: string[] = [];
    const err = await rejection(() =>
      client.stream(chat('gpt-local', 'go', { signal: controller.signal }), (d) => {
        seen.push(d);
        if (seen.length === 2) controller.abort();
      }),
    );
    assertReason(err, 'cancelled');
    assert.equal(err.details.partial?.text, seen.join(''));
    assert.ok(text.startsWith(seen.join('')));
    assert.equal(err.details.partial?.usage, null);
    assert.equal(typeof err.details.partial?.ttftMs, 'number');
    await server.idle();
    assert.equal(server.log.length, 1);
    assert.equal(server.log[0]!.clientClosedEarly, true);
  });

  test('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await rejection(() => client.stream(chat('gpt-local', 'go', { signal: controller.signal })));
    assertReason(err, 'cancelled');
    assert.equal(server.log.length, 0);
  });

  test('an exception in onText is rethrown unchanged and closes the stream', async () => {
    server.enqueue({ text: 'several tokens of text to stream. '.repeat(10), tokensPerSecond: 20 });
    const boom = new Error('listener failed');
    await assert.rejects(
      client.stream(chat('gpt-local', 'go'), () => {
        throw boom;
      }),
      (e) => e === boom,
    );
    await server.idle();
    assert.equal(server.log[0]!.clientClosedEarly, true);
  });

  test('max_completion_tokens only for api.openai.com', () => {
    assert.equal(usesMaxCompletionTokens('https://api.openai.com/v1'), true);
    assert.equal(usesMaxCompletionTokens('https://openrouter.ai/api/v1'), false);
    assert.equal(usesMaxCompletionTokens('http://127.0.0.1:11434/v1'), false);
  });

  test('finish reasons use the shared names', () => {
    assert.equal(openAIFinishReason('stop'), 'stop');
    assert.equal(openAIFinishReason('length'), 'length');
    assert.equal(openAIFinishReason('content_filter'), 'contentFilter');
  });

  test('cap field from the request, whatever the host; reasoning_effort at the top level', async () => {
    await client.stream(
      chat('gpt-5-mini', 'hi', {
        outputCapField: 'max_completion_tokens',
        reasoning: { param: 'reasoning_effort', value: 'minimal' },
      }),
    );
    const body = server.log[0]!.body as Record<string, unknown>;
    assert.equal(body.max_completion_tokens, 256);
    assert.equal(body.max_tokens, undefined);
    assert.equal(body.reasoning_effort, 'minimal');
    assert.equal(server.log[0]!.effort, 'minimal');
    assert.deepEqual(server.rejected(), []);
  });

  test("OpenRouter's reasoning object; Gemini thinking controls are never sent to an OpenAI-style server", async () => {
    const openrouter = createModelClient(
      { id: 'openrouter', kind: 'openai', baseUrl: server.baseUrl('openrouter'), timeoutMs: 30_000 },
      KEY,
    );
    await openrouter.stream(chat('openai/gpt-5-mini', 'hi', { reasoning: { param: 'openrouter', value: 'low' } }));
    const body = server.log[0]!.body as Record<string, unknown>;
    assert.deepEqual(body.reasoning, { effort: 'low' });
    assert.equal(body.reasoning_effort, undefined);
    await client.stream(chat('gpt-local', 'hi', { reasoning: { param: 'thinkingLevel', value: 'low' } }));
    const plain = server.log[1]!.body as Record<string, unknown>;
    assert.equal(plain.reasoning, undefined);
    assert.equal(plain.reasoning_effort, undefined);
    assert.equal(plain.thinkingConfig, undefined);
  });

  test('FIM template dialect: the FIM prompt as is, no suffix, stop from the request', async () => {
    const vllm = createModelClient(
      { id: 'vllm', kind: 'openai', baseUrl: server.baseUrl('vllm'), timeoutMs: 30_000 },
      KEY,
    );
    const prompt = '<|fim_prefix|>a = <|fim_suffix|>\n<|fim_middle|>';
    await vllm.stream({
      model: 'Qwen/Qwen2.5-Coder-7B',
      fim: { prefix: 'a = ', suffix: '\n', dialect: 'template', prompt },
      stop: ['<|endoftext|>'],
      maxOutputTokens: 16,
      timeoutMs: 10_000,
    });
    const body = server.log[0]!.body as Record<string, unknown>;
    assert.equal(server.log[0]!.path, '/vllm/v1/completions');
    assert.equal(body.prompt, prompt);
    assert.ok(!('suffix' in body));
    assert.deepEqual(body.stop, ['<|endoftext|>']);
    assert.deepEqual(server.rejected(), []);
  });

  describe('llama.cpp /infill', () => {
    let llama: ModelClient;
    before(() => {
      llama = createModelClient(
        { id: 'llamacpp', kind: 'openai', baseUrl: `${server.baseUrl('llamacpp')}/`, timeoutMs: 30_000 },
        KEY,
      );
    });
    const infill = (extra: Partial<Parameters<ModelClient['stream']>[0]> = {}) => ({
      model: 'qwen2.5-coder-7b',
      fim: { prefix: 'function add(a, b) {\n  return ', suffix: '\n}\n', dialect: 'infill' as const },
      maxOutputTokens: 64,
      timeoutMs: 10_000,
      ...extra,
    });

    test('POST <root>/infill (base URL without /v1), temperature and stop only when given', async () => {
      const deltas: string[] = [];
      const result = await llama.stream(infill({ temperature: 0.1, stop: ['\n\n'] }), (d) => deltas.push(d));
      const entry = server.log[0]!;
      assert.equal(entry.path, '/llamacpp/infill');
      assert.equal(entry.headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual(entry.body, {
        model: 'qwen2.5-coder-7b',
        input_prefix: 'function add(a, b) {\n  return ',
        input_suffix: '\n}\n',
        input_extra: [],
        n_predict: 64,
        stream: true,
        cache_prompt: true,
        temperature: 0.1,
        stop: ['\n\n'],
      });
      const expected = defaultReply({
        model: 'qwen2.5-coder-7b',
        messages: [],
        fim: { prefix: 'function add(a, b) {\n  return ', suffix: '' },
      });
      assert.equal(result.text, expected);
      assert.ok(deltas.length > 1, 'streamed');
      assert.deepEqual(result.usage, {
        inputTokens: countTokens('function add(a, b) {\n  return \n\n}\n'),
        cachedInputTokens: 0,
        outputTokens: countTokens(expected),
        reasoningTokens: 0,
      });
      assert.equal(result.finishReason, 'stop');
      assert.equal(typeof result.ttftMs, 'number');
    });

    test('n_predict reached: stop_type limit → finishReason length', async () => {
      server.enqueue({ text: 'x'.repeat(400) });
      const result = await llama.stream(infill({ maxOutputTokens: 5 }));
      assert.equal(result.finishReason, 'length');
      assert.equal(result.text.length, 20);
      assert.equal(result.usage?.outputTokens, 5);
    });

    test('errors map like the other calls: HTTP status and body; a cut stream is network with the partial', async () => {
      server.fault({ kind: 'status', status: 503 });
      const err = await rejection(() => llama.stream(infill()));
      assertReason(err, 'server');
      assert.equal(err.details.status, 503);
      assert.match(err.message, /"llamacpp".*"qwen2\.5-coder-7b"/);
      server.fault({ kind: 'cut', afterChunks: 3 });
      const cut = await rejection(() => llama.stream(infill()));
      assertReason(cut, 'network');
      assert.ok((cut.details.partial?.text ?? '').length > 0);
    });

    test('abort mid-stream closes the socket: cancelled, one request', async () => {
      server.enqueue({ text: 'slow infill text, token by token. '.repeat(8), tokensPerSecond: 20 });
      const controller = new AbortController();
      const err = await rejection(() => llama.stream(infill({ signal: controller.signal }), () => controller.abort()));
      assertReason(err, 'cancelled');
      await server.idle();
      assert.equal(server.log.length, 1);
      assert.equal(server.log[0]!.clientClosedEarly, true);
    });
  });
});
