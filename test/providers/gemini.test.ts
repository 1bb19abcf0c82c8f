// Contract tests of the Gemini adapter against the local wire-compatible server, SDK unchanged.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ModelClient } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { geminiFinishReason } from '../../src/providers/gemini';
import { countTokens, defaultReply, startModelServer, type ModelServer } from '../server/modelServer';
import { KEY, assertReason, chat, providerFor, rejection } from './helpers';

describe('Gemini adapter', () => {
  let server: ModelServer;
  let client: ModelClient;
  before(async () => {
    server = await startModelServer();
    client = createModelClient(providerFor(server, 'gemini'), KEY);
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  test('streamGenerateContent?alt=sse with system instruction, generation config and x-goog-api-key', async () => {
    const deltas: string[] = [];
    const result = await client.stream(
      {
        model: 'gemini-local',
        messages: [
          { role: 'system', content: 'You fix tone.' },
          { role: 'user', content: 'make this polite' },
          { role: 'assistant', content: 'Sure.' },
          { role: 'user', content: 'Please send the report today' },
        ],
        maxOutputTokens: 128,
        temperature: 0.2,
        stop: ['END'],
        timeoutMs: 10_000,
      },
      (d) => deltas.push(d),
    );
    assert.equal(server.log.length, 1);
    const entry = server.log[0]!;
    assert.equal(entry.path, '/v1beta/models/gemini-local:streamGenerateContent');
    assert.equal(entry.query.alt, 'sse');
    assert.equal(entry.headers['x-goog-api-key'], KEY);
    assert.deepEqual(entry.body, {
      contents: [
        { role: 'user', parts: [{ text: 'make this polite' }] },
        { role: 'model', parts: [{ text: 'Sure.' }] },
        { role: 'user', parts: [{ text: 'Please send the report today' }] },
      ],
      systemInstruction: { role: 'user', parts: [{ text: 'You fix tone.' }] },
      generationConfig: { maxOutputTokens: 128, temperature: 0.2, stopSequences: ['END'] },
    });
    const expected = defaultReply({
      model: 'gemini-local',
      messages: [{ role: 'user', text: 'Please send the report today' }],
    });
    assert.equal(result.text, expected);
    assert.equal(deltas.join(''), expected);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.servedModel, 'gemini-local');
    assert.equal(typeof result.ttftMs, 'number');
  });

  test('json schema: responseMimeType application/json + responseJsonSchema', async () => {
    const schema = {
      type: 'object',
      properties: { issues: { type: 'array', items: { type: 'string' } } },
      required: ['issues'],
    };
    server.enqueue({ text: '{"issues":[]}' });
    const result = await client.stream(
      chat('gemini-pro-local', 'review this', { jsonSchema: { name: 'review', schema } }),
    );
    assert.equal(result.text, '{"issues":[]}');
    const config = (server.log[0]!.body as { generationConfig: Record<string, unknown> }).generationConfig;
    assert.deepEqual(config, {
      maxOutputTokens: 256,
      responseMimeType: 'application/json',
      responseJsonSchema: schema,
    });
  });

  test('stream usage is a running total: the last chunk counts, with cached input and thoughts', async () => {
    const text = 'forty characters of answer, ten tokens!!';
    server.enqueue({ text, usage: { cachedTokens: 2, reasoningTokens: 5 } });
    const result = await client.stream(chat('gemini-local', 'count me'));
    await server.idle();
    // Several chunks each carried usage, so summing them would over-count the prompt.
    assert.ok(server.log[0]!.chunksSent >= 10);
    assert.deepEqual(result.usage, {
      inputTokens: countTokens('count me'),
      cachedInputTokens: 2,
      outputTokens: countTokens(text) + 5,
      reasoningTokens: 5,
    });
  });

  test('abort mid-stream: socket closed early, cancelled with the partial text', async () => {
    const text = 'a slow Gemini answer that keeps coming, chunk after chunk. '.repeat(8);
    server.enqueue({ text, tokensPerSecond: 20 });
    const controller = new AbortController();
    const seen: string[] = [];
    const err = await rejection(() =>
      client.stream(chat('gemini-local', 'go', { signal: controller.signal }), (d) => {
        seen.push(d);
        if (seen.length === 2) controller.abort();
      }),
    );
    assertReason(err, 'cancelled');
    assert.equal(err.details.partial?.text, seen.join(''));
    assert.ok(text.startsWith(seen.join('')));
    // Gemini sends usage with every chunk: the partial carries the running total so far.
    assert.equal(err.details.partial?.usage?.inputTokens, countTokens('go'));
    await server.idle();
    assert.equal(server.log.length, 1);
    assert.equal(server.log[0]!.clientClosedEarly, true);
  });

  test('countTokens: one :countTokens request; system text counted as a leading turn', async () => {
    const request = {
      model: 'gemini-local',
      messages: [
        { role: 'system' as const, content: 'You review code.' },
        { role: 'user' as const, content: 'const x = 1;' },
      ],
      maxOutputTokens: 100,
      timeoutMs: 5_000,
    };
    const tokens = await client.countTokens!(request);
    assert.equal(tokens, countTokens('You review code.\nconst x = 1;'));
    assert.equal(server.log.length, 1);
    assert.equal(server.log[0]!.path, '/v1beta/models/gemini-local:countTokens');
    assert.equal(server.log[0]!.headers['x-goog-api-key'], KEY);
  });

  test('countTokens errors map like calls', async () => {
    server.fault({ kind: 'status', status: 404 }, { route: 'gemini.countTokens' });
    const err = await rejection(() => client.countTokens!(chat('nope', 'x')));
    assertReason(err, 'modelNotFound');
  });

  test('FIM is refused before sending: Gemini has no FIM endpoint', async () => {
    const err = await rejection(() =>
      client.stream({ model: 'gemini-local', fim: { prefix: 'a', suffix: 'b' }, maxOutputTokens: 8, timeoutMs: 1000 }),
    );
    assertReason(err, 'config');
    assert.equal(server.log.length, 0);
  });

  test('a wrong key: Google answers 400 API_KEY_INVALID, mapped to auth', async () => {
    const guarded = await startModelServer({ apiKeys: ['the-right-key'] });
    try {
      const wrong = createModelClient(providerFor(guarded, 'gemini'), 'the-wrong-key');
      const err = await rejection(() => wrong.stream(chat('gemini-local', 'hi')));
      assertReason(err, 'auth');
      assert.equal(err.details.status, 400);
      assert.ok(!err.message.includes('the-wrong-key'));
      const right = createModelClient(providerFor(guarded, 'gemini'), 'the-right-key');
      assert.ok((await right.stream(chat('gemini-local', 'hi'))).text.length > 0);
    } finally {
      await guarded.close();
    }
  });

  test('finish reasons use the shared names', () => {
    assert.equal(geminiFinishReason('STOP'), 'stop');
    assert.equal(geminiFinishReason('MAX_TOKENS'), 'length');
    assert.equal(geminiFinishReason('SAFETY'), 'contentFilter');
  });

  test('output cap reached: finishReason "length"', async () => {
    server.enqueue({ text: 'y'.repeat(200) });
    const result = await client.stream(chat('gemini-local', 'long', { maxOutputTokens: 3 }));
    assert.equal(result.finishReason, 'length');
    assert.equal(result.text, 'y'.repeat(12));
  });
});

describe('Gemini adapter sends one request per call', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer()));
  after(() => server.close());

  test('a dropped stream that carried continuation tokens is not resumed (no second billed request)', async () => {
    const client = createModelClient(providerFor(server, 'gemini'), KEY);
    server.enqueue({ continuationToken: 'resume-here', fault: { kind: 'cut', afterChunks: 3 } });
    const err = await rejection(() => client.stream(chat('gemini-local', 'a long answer please')));
    assertReason(err, 'network');
    assert.ok((err.details.partial?.text ?? '').length > 0);
    await server.idle();
    assert.equal(server.log.length, 1);
  });

  test('a transient 503 is not retried by the SDK', async () => {
    const client = createModelClient(providerFor(server, 'gemini'), KEY);
    server.reset();
    server.fault({ kind: 'status', status: 503 });
    assertReason(await rejection(() => client.stream(chat('gemini-local', 'hi'))), 'server');
    assert.equal(server.log.length, 1);
  });

  test('thinkingLevel → thinkingConfig.thinkingLevel in the SDK enum spelling; thinkingBudget as is', async () => {
    const client = createModelClient(providerFor(server, 'gemini'), KEY);
    server.reset();
    await client.stream(
      chat('gemini-3.5-flash-lite', 'hi', { reasoning: { param: 'thinkingLevel', value: 'minimal' } }),
    );
    const config = (b: unknown) => (b as { generationConfig: Record<string, unknown> }).generationConfig;
    assert.deepEqual(config(server.log[0]!.body).thinkingConfig, { thinkingLevel: 'MINIMAL' });
    assert.equal(server.log[0]!.effort, 'minimal');
    await client.stream(chat('gemini-2.5-flash', 'hi', { reasoning: { param: 'thinkingBudget', value: 0 } }));
    assert.deepEqual(config(server.log[1]!.body).thinkingConfig, { thinkingBudget: 0 });
    assert.equal(server.log[1]!.effort, 'none');
    // An OpenAI-style control is not Gemini's: nothing is sent, and no temperature unless given.
    await client.stream(chat('gemini-3.5-flash', 'hi', { reasoning: { param: 'reasoning_effort', value: 'low' } }));
    assert.equal(config(server.log[2]!.body).thinkingConfig, undefined);
    assert.equal(config(server.log[2]!.body).temperature, undefined);
    assert.deepEqual(server.rejected(), []);
  });
});
