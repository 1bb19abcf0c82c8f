// The local model server itself: knob precedence, wire shapes the SDKs accept unchanged
// (non-stream too), the request log, the LiteLLM key endpoint, and its fault plumbing.
import { GoogleGenAI } from '@google/genai';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { countTokens, defaultReply, startModelServer, tokenize, type ModelServer } from './modelServer';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const chatBody = (model: string, content: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('model server', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer({ knobs: { text: 'server default' } })));
  after(() => server.close());
  beforeEach(() => server.reset());

  const textOf = async (model: string) =>
    (
      (await (await post(`${server.openaiBaseUrl}/chat/completions`, chatBody(model, 'x'))).json()) as {
        choices: { message: { content: string } }[];
      }
    ).choices[0]!.message.content;

  test('knobs: queued script > model knobs > defaults; a script is used once', async () => {
    server.setDefaults({ text: 'D' });
    server.setModelKnobs('a', { text: 'A' });
    server.enqueue({ text: 'Q', model: 'b' });
    assert.equal(await textOf('a'), 'A');
    assert.equal(await textOf('b'), 'Q');
    assert.equal(await textOf('b'), 'D');
    server.reset();
    assert.equal(await textOf('b'), 'server default');
  });

  test('scripts can target a route family; text may be a function of the request', async () => {
    server.enqueue({ route: 'gemini', text: (r) => `gemini saw ${r.prompt}` });
    assert.equal(await textOf('m'), 'server default');
    const ai = new GoogleGenAI({ apiKey: 'k', vertexai: false, httpOptions: { baseUrl: server.geminiBaseUrl } });
    const res = await ai.models.generateContent({
      model: 'g',
      contents: 'hello',
      config: { automaticContinuation: false },
    });
    assert.equal(res.text, 'gemini saw hello');
  });

  test('the OpenAI SDK reads non-stream chat, completions and /v1/models unchanged', async () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseUrl, maxRetries: 0 });
    server.setDefaults({ text: undefined });
    const completion = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'say hi' }],
    });
    assert.equal(
      completion.choices[0]!.message.content,
      defaultReply({ model: 'm', messages: [{ role: 'user', text: 'say hi' }] }),
    );
    assert.equal(completion.usage?.prompt_tokens, countTokens('say hi'));
    const fim = await openai.completions.create({ model: 'c', prompt: 'let x = ', suffix: ';' });
    assert.equal(fim.choices[0]!.text, '[c] let x =');
    const models = await openai.models.list();
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['local-model'],
    );
  });

  test('log: path, query, headers, parsed body, model, stream, status, chunks', async () => {
    server.enqueue({ text: 'abcdefghij' });
    const res = await post(
      `${server.openaiBaseUrl}/chat/completions?trace=1`,
      chatBody('m', 'hi', { stream: true, stream_options: { include_usage: true } }),
      { authorization: 'Bearer key-1' },
    );
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const body = await res.text();
    assert.ok(body.trimEnd().endsWith('data: [DONE]'));
    await server.idle();
    const e = server.log[0]!;
    assert.equal(e.path, '/v1/chat/completions');
    assert.deepEqual(e.query, { trace: '1' });
    assert.equal(e.headers.authorization, 'Bearer key-1');
    assert.deepEqual(e.body, chatBody('m', 'hi', { stream: true, stream_options: { include_usage: true } }));
    assert.equal(e.route, 'openai.chat');
    assert.equal(e.model, 'm');
    assert.equal(e.stream, true);
    assert.equal(e.status, 200);
    // role chunk + one per token + finish chunk + usage chunk + [DONE]
    assert.equal(e.chunksSent, tokenize('abcdefghij').length + 4);
    assert.equal(e.clientClosedEarly, false);
    assert.equal(e.ended, true);
  });

  test('Gemini stream: CRLF-framed events, running-total usage, finishReason on the last', async () => {
    server.enqueue({ text: '0123456789abcdef', usage: { reasoningTokens: 3 } });
    const res = await post(`${server.url}/v1beta/models/g:streamGenerateContent?alt=sse`, {
      contents: [{ role: 'user', parts: [{ text: 'q' }] }],
    });
    const events = (await res.text()).split('\r\n\r\n').filter(Boolean);
    const chunks = events.map(
      (e) =>
        JSON.parse(e.replace(/^data: /, '')) as {
          usageMetadata: Record<string, number>;
          candidates: { finishReason?: string }[];
        },
    );
    const candidates = chunks.map((c) => c.usageMetadata.candidatesTokenCount);
    assert.deepEqual(candidates, [1, 2, 3, 4, 4]);
    assert.ok(chunks.every((c) => c.usageMetadata.promptTokenCount === 1 && c.usageMetadata.thoughtsTokenCount === 3));
    assert.equal(chunks.at(-1)!.candidates[0]!.finishReason, 'STOP');
    assert.equal(chunks.at(-1)!.usageMetadata.totalTokenCount, 1 + 4 + 3);
  });

  test('Gemini countTokens accepts contents or generateContentRequest', async () => {
    const a = await (
      await post(`${server.url}/v1beta/models/g:countTokens`, { contents: [{ parts: [{ text: 'twelve chars' }] }] })
    ).json();
    assert.equal((a as { totalTokens: number }).totalTokens, 3);
    const b = await (
      await post(`${server.url}/v1beta/models/g:countTokens`, {
        generateContentRequest: {
          model: 'models/g',
          contents: [{ parts: [{ text: 'twelve chars' }] }],
          systemInstruction: { parts: [{ text: 'sys' }] },
        },
      })
    ).json();
    assert.equal((b as { totalTokens: number }).totalTokens, countTokens('sys\ntwelve chars'));
  });

  test('429 with an HTTP-date Retry-After: header passed through; Gemini body gets RetryInfo in seconds', async () => {
    const date = new Date(Date.now() + 120_000).toUTCString();
    server.fault({ kind: 'status', status: 429, retryAfter: date });
    const res = await post(`${server.url}/v1beta/models/g:generateContent`, { contents: [] });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), date);
    const body = (await res.json()) as { error: { status: string; details: { retryDelay?: string }[] } };
    assert.equal(body.error.status, 'RESOURCE_EXHAUSTED');
    const delay = body.error.details.find((d) => d.retryDelay)?.retryDelay;
    assert.match(delay ?? '', /^\d+s$/);
  });

  test('non-stream faults: cut body and malformed JSON', async () => {
    server.fault({ kind: 'cut', afterChunks: 0, pauseMs: 0 });
    await assert.rejects(async () =>
      (await post(`${server.openaiBaseUrl}/chat/completions`, chatBody('m', 'x'))).json(),
    );
    server.fault({ kind: 'malformedJson' });
    await assert.rejects(
      async () => (await post(`${server.openaiBaseUrl}/chat/completions`, chatBody('m', 'x'))).json(),
      SyntaxError,
    );
    await server.idle();
    assert.equal(server.log[0]!.clientClosedEarly, false, 'a server-side cut is not blamed on the client');
  });

  test('a hang: waitForRequests sees it arrive; the client abort shows as closed early', async () => {
    server.fault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody('m', 'y')),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    await server.waitForRequests(1);
    controller.abort();
    assert.ok((await pending) instanceof Error);
    await server.idle();
    const e = server.log[0]!;
    assert.equal(e.fault, 'hang');
    assert.equal(e.status, undefined);
    assert.equal(e.clientClosedEarly, true);
    assert.equal(e.ended, true);
  });

  test('LiteLLM /key/info: spend grows with x-litellm-response-cost; unknown key 404; none 401', async () => {
    const proxy = await startModelServer({ litellmKeys: { 'sk-team': { maxBudget: 10, spend: 1 } } });
    try {
      const info = async (key?: string) => {
        const res = await fetch(`${proxy.url}/key/info`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
        return {
          status: res.status,
          body: (await res.json()) as { info?: { spend: number; max_budget: number | null } },
        };
      };
      const before = (await info('sk-team')).body.info!;
      assert.equal(before.spend, 1);
      assert.equal(before.max_budget, 10);
      proxy.enqueue({ litellmCostUsd: 0.25 });
      const res = await post(`${proxy.openaiBaseUrl}/chat/completions`, chatBody('m', 'x'), {
        authorization: 'Bearer sk-team',
      });
      assert.equal(res.headers.get('x-litellm-response-cost'), '0.25');
      await res.json();
      assert.equal((await info('sk-team')).body.info!.spend, 1.25);
      assert.equal(proxy.litellmSpend('sk-team'), 1.25);
      assert.equal((await info('sk-other')).status, 404);
      assert.equal((await info()).status, 401);
    } finally {
      await proxy.close();
    }
  });

  test('close() ends hanging exchanges instead of waiting for them', async () => {
    const s = await startModelServer({ knobs: { fault: { kind: 'hang' } } });
    const pending = post(`${s.openaiBaseUrl}/chat/completions`, chatBody('m', 'x')).catch((e: unknown) => e);
    await s.waitForRequests(1);
    await s.close();
    assert.ok((await pending) instanceof Error);
    assert.equal(s.log[0]!.clientClosedEarly, false);
  });
});
