// The strict server: each provider rule refuses with the provider's own status and body, and the
// variant the provider accepts goes through. Raw HTTP, so the bodies are checked byte for byte.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DEFAULT_REASONING, faults, startModelServer, type ModelServer } from './modelServer';
import { o200k, serialisePrompt } from './promptCache';

type Json = Record<string, unknown>;

async function call(url: string, body: unknown): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Json, headers: res.headers };
}

/** The SSE payloads of a stream (without [DONE]). */
async function events(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Json[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return text
    .split(/\r?\n\r?\n/)
    .map((e) => e.replace(/^data: /, '').trim())
    .filter((e) => e && e !== '[DONE]')
    .map((e) => JSON.parse(e) as Json);
}

const chat = (model: string, extra: Json = {}): Json => ({
  model,
  messages: [{ role: 'user', content: 'complete this' }],
  ...extra,
});
const oaiError = (message: string, param: string | null, code: string | null) => ({
  error: { message, type: 'invalid_request_error', param, code },
});

describe('strict server: OpenAI (api.openai.com)', () => {
  let server: ModelServer;
  let url: string;
  before(async () => {
    server = await startModelServer({ knobs: { text: 'const x = 1;' } });
    url = `${server.openaiBaseUrl}/chat/completions`;
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  test('gpt-5-mini: temperature 0.2 is refused with unsupported_value; none or 1 is accepted', async () => {
    const r = await call(url, chat('gpt-5-mini', { temperature: 0.2 }));
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.body,
      oaiError(
        "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        'temperature',
        'unsupported_value',
      ),
    );
    assert.equal((await call(url, chat('gpt-5-mini'))).status, 200);
    assert.equal((await call(url, chat('openai/gpt-5-mini', { temperature: 1 }))).status, 200);
    await server.idle();
    assert.equal(server.rejected().length, 1);
    assert.equal(server.rejected()[0]!.rejected!.status, 400);
    assert.equal(server.log[0]!.temperature, 0.2);
  });

  test('reasoning models refuse max_tokens; max_completion_tokens is accepted', async () => {
    for (const model of ['gpt-5-mini', 'o4-mini', 'gpt-5.1', 'gpt-5.4']) {
      const r = await call(url, chat(model, { max_tokens: 64 }));
      assert.equal(r.status, 400, model);
      assert.deepEqual(
        r.body,
        oaiError(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          'max_tokens',
          'unsupported_parameter',
        ),
      );
      assert.equal((await call(url, chat(model, { max_completion_tokens: 4000 }))).status, 200, model);
    }
    assert.equal((await call(url, chat('gpt-4.1', { max_tokens: 64 }))).status, 200);
  });

  test('reasoning_effort: each family takes its own values', async () => {
    const refused = async (model: string, effort: string, list: string) => {
      const r = await call(url, chat(model, { reasoning_effort: effort }));
      assert.equal(r.status, 400, `${model} ${effort}`);
      assert.deepEqual(
        r.body,
        oaiError(
          `Unsupported value: 'reasoning_effort' does not support '${effort}' with this model. Supported values are: ${list}.`,
          'reasoning_effort',
          'unsupported_value',
        ),
      );
    };
    const accepted = async (model: string, effort: string) =>
      assert.equal((await call(url, chat(model, { reasoning_effort: effort }))).status, 200, `${model} ${effort}`);
    await refused('gpt-5-mini', 'none', "'minimal', 'low', 'medium', and 'high'");
    await accepted('gpt-5-nano', 'minimal');
    await refused('gpt-5.1', 'minimal', "'none', 'low', 'medium', and 'high'");
    await accepted('gpt-5.1', 'none');
    await refused('gpt-5.1', 'xhigh', "'none', 'low', 'medium', and 'high'");
    await accepted('gpt-5.2', 'xhigh');
    await refused('gpt-5-pro', 'low', "'high'");
    await refused('o3', 'minimal', "'low', 'medium', and 'high'");
    await accepted('o3', 'low');
  });

  test('gpt-5.1+: temperature only with effort none (5.1-5.4 default none, 5.5+ default medium)', async () => {
    assert.equal((await call(url, chat('gpt-5.1', { temperature: 0.2 }))).status, 200);
    const r = await call(url, chat('gpt-5.1', { temperature: 0.2, reasoning_effort: 'low' }));
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.body,
      oaiError("Unsupported parameter: 'temperature' is not supported with this model.", 'temperature', null),
    );
    assert.equal((await call(url, chat('gpt-5.5', { temperature: 0.2 }))).status, 400);
    assert.equal((await call(url, chat('gpt-5.5', { temperature: 0.2, reasoning_effort: 'none' }))).status, 200);
  });

  test('non-reasoning gpt-4.1 refuses reasoning_effort as an unrecognized argument', async () => {
    const r = await call(url, chat('gpt-4.1', { reasoning_effort: 'low' }));
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, oaiError('Unrecognized request argument supplied: reasoning_effort', null, null));
    assert.equal((await call(url, chat('gpt-4.1', { temperature: 0.2 }))).status, 200);
  });

  test('/v1/completions: chat models get 404; generic names stay lenient', async () => {
    const r = await call(`${server.openaiBaseUrl}/completions`, { model: 'gpt-5-mini', prompt: 'a', suffix: 'b' });
    assert.equal(r.status, 404);
    assert.deepEqual(
      r.body,
      oaiError(
        'This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?',
        'model',
        null,
      ),
    );
    const lenient = await call(`${server.openaiBaseUrl}/completions`, { model: 'test-model', prompt: 'a', suffix: '' });
    assert.equal(lenient.status, 200);
    const generic = await call(url, chat('test-model', { temperature: 0.2, max_tokens: 5, reasoning_effort: 'x' }));
    assert.equal(generic.status, 200);
  });

  test('reasoning eats max_completion_tokens: no content, finish length, reasoning counted in completion', async () => {
    const r = await call(url, chat('gpt-5-mini', { max_completion_tokens: 128 }));
    assert.equal(r.status, 200);
    const choice = (r.body.choices as Json[])[0]!;
    assert.equal((choice.message as Json).content, '');
    assert.equal(choice.finish_reason, 'length');
    // gpt-5-mini caches prompts (promptCache.ts): o200k count of the serialised prompt, cached_tokens 0.
    const prompt = o200k(
      serialisePrompt('openai.chat', { messages: [{ role: 'user', text: 'complete this' }] }),
    ).length;
    assert.deepEqual(r.body.usage, {
      prompt_tokens: prompt,
      completion_tokens: 128,
      total_tokens: prompt + 128,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 128 },
    });
    const minimal = await call(url, chat('gpt-5-mini', { max_completion_tokens: 128, reasoning_effort: 'minimal' }));
    const mc = (minimal.body.choices as Json[])[0]!;
    assert.equal((mc.message as Json).content, 'const x = 1;');
    assert.equal(mc.finish_reason, 'stop');
    const usage = minimal.body.usage as Json;
    assert.deepEqual(usage.completion_tokens_details, { reasoning_tokens: DEFAULT_REASONING.minimal });
    assert.equal(usage.completion_tokens, DEFAULT_REASONING.minimal! + 3);
    await server.idle();
    assert.deepEqual(
      server.log.map((e) => [e.effort, e.reasoningTokens]),
      [
        ['medium', 128],
        ['minimal', DEFAULT_REASONING.minimal],
      ],
    );
  });

  test('reasoning per effort is a knob', async () => {
    server.setDefaults({ reasoningByEffort: { low: 10 } });
    const r = await call(url, chat('gpt-5-mini', { reasoning_effort: 'low', max_completion_tokens: 1000 }));
    assert.deepEqual((r.body.usage as Json).completion_tokens_details, { reasoning_tokens: 10 });
  });

  test('streams: usage (with reasoning tokens) only when include_usage is set', async () => {
    const without = await events(url, chat('gpt-5-mini', { stream: true, reasoning_effort: 'low' }));
    assert.ok(without.every((e) => e.usage === undefined));
    const withUsage = await events(
      url,
      chat('gpt-5-mini', { stream: true, reasoning_effort: 'low', stream_options: { include_usage: true } }),
    );
    const last = withUsage.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual((last.usage as Json).completion_tokens_details, { reasoning_tokens: DEFAULT_REASONING.low });
  });

  test('faults: region 403 and model access 404 in OpenAI shapes', async () => {
    server.fault(faults.region());
    const region = await call(url, chat('gpt-5'));
    assert.equal(region.status, 403);
    assert.deepEqual(region.body, {
      error: {
        code: 'unsupported_country_region_territory',
        message: 'Country, region, or territory not supported',
        param: null,
        type: 'request_forbidden',
      },
    });
    server.fault(faults.modelAccess());
    const access = await call(url, chat('gpt-5'));
    assert.equal(access.status, 404);
    assert.deepEqual(
      access.body,
      oaiError('The model `gpt-5` does not exist or you do not have access to it.', null, 'model_not_found'),
    );
  });
});

describe('strict server: Gemini API', () => {
  let server: ModelServer;
  const gen = (model: string, generationConfig: Json = {}) =>
    call(`${server.geminiBaseUrl}/v1beta/models/${model}:generateContent`, {
      contents: [{ role: 'user', parts: [{ text: 'complete this' }] }],
      generationConfig,
    });
  const invalid = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
  before(async () => (server = await startModelServer({ knobs: { text: 'const x = 1;' } })));
  after(() => server.close());
  beforeEach(() => server.reset());

  test('Gemini 3 thinkingLevel: a level the model does not take is refused', async () => {
    const r = await gen('gemini-3.1-pro-preview', { thinkingConfig: { thinkingLevel: 'MINIMAL' } });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.body,
      invalid('Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.'),
    );
    assert.equal((await gen('gemini-3-pro-preview', { thinkingConfig: { thinkingLevel: 'medium' } })).status, 400);
    assert.equal((await gen('gemini-3.1-pro-preview', { thinkingConfig: { thinkingLevel: 'LOW' } })).status, 200);
    assert.equal((await gen('gemini-3.1-flash-lite', { thinkingConfig: { thinkingLevel: 'minimal' } })).status, 200);
  });

  test('thinkingLevel together with thinkingBudget is refused', async () => {
    const r = await gen('gemini-3.5-flash-lite', { thinkingConfig: { thinkingLevel: 'LOW', thinkingBudget: 128 } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, invalid('You can only set only one of thinking budget and thinking level.'));
  });

  test('Gemini 2.5 thinkingBudget ranges; 2.5 Pro cannot stop thinking; no thinkingLevel on 2.5', async () => {
    const zero = await gen('gemini-2.5-pro', { thinkingConfig: { thinkingBudget: 0 } });
    assert.equal(zero.status, 400);
    assert.deepEqual(zero.body, invalid('Budget 0 is invalid. This model only works in thinking mode.'));
    const low = await gen('gemini-2.5-pro', { thinkingConfig: { thinkingBudget: 100 } });
    assert.deepEqual(low.body, invalid('The thinking budget (100) is invalid.'));
    assert.equal((await gen('gemini-2.5-pro', { thinkingConfig: { thinkingBudget: 128 } })).status, 200);
    assert.equal((await gen('gemini-2.5-flash', { thinkingConfig: { thinkingBudget: 0 } })).status, 200);
    assert.equal((await gen('gemini-2.5-flash-lite', { thinkingConfig: { thinkingBudget: 256 } })).status, 400);
    const level = await gen('gemini-2.5-flash', { thinkingConfig: { thinkingLevel: 'LOW' } });
    assert.deepEqual(level.body, invalid('Thinking level is not supported for this model.'));
  });

  test('thinking at the default level eats maxOutputTokens: MAX_TOKENS, no text, thoughts billed', async () => {
    const r = await gen('gemini-3.1-flash-lite', { maxOutputTokens: 128, temperature: 0.2 });
    assert.equal(r.status, 200);
    const candidate = (r.body.candidates as Json[])[0]!;
    assert.equal(candidate.finishReason, 'MAX_TOKENS');
    assert.deepEqual(candidate.content, { role: 'model' });
    const usage = r.body.usageMetadata as Json;
    assert.equal(usage.thoughtsTokenCount, 128);
    assert.equal(usage.candidatesTokenCount, 0);
    const minimal = await gen('gemini-3.1-flash-lite', {
      maxOutputTokens: 128,
      thinkingConfig: { thinkingLevel: 'MINIMAL' },
    });
    const mc = (minimal.body.candidates as Json[])[0]!;
    assert.equal(mc.finishReason, 'STOP');
    assert.deepEqual(mc.content, { parts: [{ text: 'const x = 1;' }], role: 'model' });
    assert.equal((minimal.body.usageMetadata as Json).thoughtsTokenCount, DEFAULT_REASONING.minimal);
    await server.idle();
    assert.equal(server.log[0]!.temperature, 0.2, 'temperature is accepted but recorded');
    assert.equal(server.log[1]!.temperature, undefined);
    assert.equal(server.log[1]!.effort, 'minimal');
  });
});

describe('strict server: local servers and gateways', () => {
  let server: ModelServer;
  before(
    async () =>
      (server = await startModelServer({
        knobs: { text: 'x + 1' },
        litellmKeys: { 'sk-spent': { maxBudget: 1, spend: 1 }, 'sk-ok': { maxBudget: 5 } },
      })),
  );
  after(() => server.close());
  beforeEach(() => server.reset());

  test('base URLs per flavour', () => {
    assert.equal(server.baseUrl('openai'), server.openaiBaseUrl);
    assert.equal(server.baseUrl('gemini'), server.geminiBaseUrl);
    assert.equal(server.baseUrl('ollama'), `${server.url}/ollama/v1`);
    assert.equal(server.baseUrl('llamacpp'), `${server.url}/llamacpp/v1`);
    assert.equal(server.baseUrl('openrouter'), `${server.url}/openrouter/api/v1`);
    assert.equal(server.baseUrl('litellm'), `${server.url}/litellm/v1`);
  });

  test('llama.cpp: any suffix on /v1/completions is a 500 server_error; without it, it completes', async () => {
    const r = await call(`${server.baseUrl('llamacpp')}/completions`, { model: 'qwen', prompt: 'a', suffix: '' });
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { error: { code: 500, message: 'Unsupported param: suffix', type: 'server_error' } });
    assert.equal((await call(`${server.baseUrl('llamacpp')}/completions`, { model: 'qwen', prompt: 'a' })).status, 200);
    await server.idle();
    assert.equal(server.log[0]!.flavour, 'llamacpp');
    assert.equal(server.rejected().length, 1);
  });

  test('llama.cpp /infill: input_prefix / input_suffix, non-stream and streamed with final totals', async () => {
    const req = { input_prefix: 'let a = ', input_suffix: ';\n', input_extra: [], n_predict: 16 };
    const r = await call(`${server.url}/llamacpp/infill`, req);
    assert.equal(r.status, 200);
    assert.equal(r.body.content, 'x + 1');
    assert.equal(r.body.stop, true);
    assert.equal(r.body.tokens_predicted, 2);
    assert.ok(typeof (r.body.timings as Json).predicted_n === 'number');
    const evs = await events(`${server.url}/llamacpp/infill`, { ...req, stream: true });
    assert.deepEqual(
      evs.map((e) => [e.content, e.stop]),
      [
        ['x + ', false],
        ['1', false],
        ['', true],
      ],
    );
    assert.equal(evs.at(-1)!.tokens_evaluated, r.body.tokens_evaluated);
  });

  test('vLLM: suffix (even empty) is refused with its BadRequestError body', async () => {
    const r = await call(`${server.baseUrl('vllm')}/completions`, { model: 'q', prompt: 'a', suffix: '' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, {
      error: { message: 'suffix is not currently supported', type: 'BadRequestError', param: null, code: 400 },
    });
  });

  test('Ollama: suffix needs an insert-capable model; an empty suffix answers in prose', async () => {
    const base = server.baseUrl('ollama');
    const r = await call(`${base}/completions`, { model: 'llama3.2', prompt: 'let a = ', suffix: ';' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, {
      error: {
        message: 'registry.ollama.ai/library/llama3.2:latest does not support insert',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const fim = await call(`${base}/completions`, { model: 'qwen2.5-coder:7b', prompt: 'let a = ', suffix: ';' });
    assert.equal((fim.body.choices as Json[])[0]!.text, 'x + 1');
    const prose = await call(`${base}/completions`, { model: 'qwen2.5-coder:7b', prompt: 'let a = ', suffix: '' });
    assert.match(String((prose.body.choices as Json[])[0]!.text), /^Sure! Here is the code/);
    const effort = await call(`${base}/chat/completions`, chat('qwen3', { reasoning_effort: 'minimal' }));
    assert.equal(effort.status, 400);
    assert.equal(
      (effort.body.error as Json).message,
      `invalid reasoning value: 'minimal' (must be "high", "medium", "low", or "none")`,
    );
    const ignored = await call(`${base}/chat/completions`, chat('qwen3', { max_completion_tokens: 1 }));
    assert.equal((ignored.body.choices as Json[])[0]!.finish_reason, 'stop', 'max_completion_tokens is ignored');
    const version = await fetch(`${server.url}/ollama/api/version`);
    assert.match(((await version.json()) as { version: string }).version, /^0\.12\./);
  });

  test('Ollama insert models are a knob', async () => {
    server.setDefaults({ ollamaInsertModels: ['llama3.2'] });
    const r = await call(`${server.baseUrl('ollama')}/completions`, { model: 'llama3.2', prompt: 'a', suffix: ';' });
    assert.equal(r.status, 200);
  });

  test('LM Studio: suffix is ignored', async () => {
    const r = await call(`${server.baseUrl('lmstudio')}/completions`, { model: 'q', prompt: 'a', suffix: 'b' });
    assert.equal(r.status, 200);
  });

  test('OpenRouter: usage with cost on the last chunk without include_usage; reasoning object', async () => {
    const evs = await events(
      `${server.baseUrl('openrouter')}/chat/completions`,
      chat('openai/gpt-5-mini', { stream: true, reasoning: { effort: 'minimal' }, temperature: 0.2 }),
    );
    const usage = evs.at(-1)!.usage as Json;
    assert.equal(typeof usage.cost, 'number');
    assert.deepEqual(usage.completion_tokens_details, { reasoning_tokens: DEFAULT_REASONING.minimal });
    server.fault(faults.status(402, { message: 'Insufficient credits' }));
    const err = await call(`${server.baseUrl('openrouter')}/chat/completions`, chat('openai/gpt-5-mini'));
    assert.deepEqual(err.body, { error: { code: 402, message: 'Insufficient credits' } });
  });

  test('LiteLLM: cost in streamed usage (current), header only when not streamed; budget exceeded', async () => {
    const base = server.baseUrl('litellm');
    const auth = { authorization: 'Bearer sk-ok' };
    server.setDefaults({ litellmCostUsd: 0.01 });
    const res = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(chat('claude', { stream: true, stream_options: { include_usage: true } })),
    });
    assert.equal(res.headers.get('x-litellm-response-cost'), null);
    const last = (await res.text())
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .at(-1)!;
    assert.equal(((JSON.parse(last.slice(6)) as Json).usage as Json).cost, 0.01);
    const plain = await call(`${base}/chat/completions`, chat('claude'));
    assert.equal(plain.headers.get('x-litellm-response-cost'), '0.01');

    server.setDefaults({ litellmVersion: 'legacy' });
    const legacy = await events(
      `${base}/chat/completions`,
      chat('claude', { stream: true, stream_options: { include_usage: true } }),
      auth,
    );
    assert.equal((legacy.at(-1)!.usage as Json).cost, undefined);

    const over = async () =>
      fetch(`${base}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-spent' },
        body: JSON.stringify(chat('claude')),
      });
    const old = await over();
    assert.equal(old.status, 400);
    server.setDefaults({ litellmVersion: 'current' });
    const now = await over();
    assert.equal(now.status, 429);
    assert.deepEqual(await now.json(), {
      error: {
        message: 'Budget has been exceeded! Current cost: 1, Max budget: 1',
        type: 'budget_exceeded',
        param: null,
        code: '429',
      },
    });
  });

  test('LiteLLM passes OpenAI rules through for OpenAI models', async () => {
    const r = await call(`${server.baseUrl('litellm')}/chat/completions`, chat('gpt-5-mini', { temperature: 0.2 }));
    assert.equal(r.status, 400);
    assert.equal((r.body.error as Json).code, 'unsupported_value');
  });
});
