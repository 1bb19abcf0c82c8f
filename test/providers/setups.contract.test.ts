// The default configuration and each README setup, through the real CallPath (core shapes each
// request) and the real adapters, against the strict model server: ghost text, a tone-like chat
// call and a review JSON call succeed; the server refuses nothing; the reasoning control is the one
// the providers document; billed usage includes the reasoning tokens; inline thinks a few tokens.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { CallSpec } from '../../src/core/calls';
import { defaultConfig, type TieredConfig } from '../../src/core/config';
import { buildInlineRequest, type PromptWindow } from '../../src/core/completion/prompt';
import { findingsJsonSchema } from '../../src/core/review/findings';
import type { LedgerRecord } from '../../src/core/types';
import { defaultReply, startModelServer, type LoggedRequest, type ModelServer } from '../server/modelServer';
import { harness, parsed, providerAt, type Harness } from './callPathHarness';
import { KEY } from './helpers';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

const MID_FILE: PromptWindow = {
  prefix: 'export function add(a: number, b: number) {\n  return ',
  suffix: '\n}\n',
  languageId: 'typescript',
};
const END_OF_FILE: PromptWindow = { prefix: 'const total = items.reduce(', suffix: '', languageId: 'typescript' };

function inline(config: TieredConfig, window: PromptWindow = MID_FILE, extra: Partial<CallSpec> = {}): CallSpec {
  return { command: 'complete', retries: 0, build: (m) => buildInlineRequest(m, window, config.inline), ...extra };
}

function tone(extra: Partial<CallSpec> = {}, temperature?: number): CallSpec {
  return {
    command: 'tone',
    build: (m) => ({
      messages: [
        { role: 'system', content: 'Rewrite the comment in a friendly tone. Reply with the comment only.' },
        { role: 'user', content: '// this is broken, fix it' },
      ],
      maxOutputTokens: 256,
      ...((temperature ?? m.temperature) !== undefined ? { temperature: temperature ?? m.temperature } : {}),
    }),
    ...extra,
  };
}

const FINDINGS = '{"findings":[{"file":"a.ts","line":3,"severity":"high","title":"Off by one","detail":"i <= n"}]}';

function review(kind: 'gemini' | 'openai', extra: Partial<CallSpec> = {}, temperature?: number): CallSpec {
  return {
    command: 'review',
    build: (m) => ({
      messages: [
        { role: 'system', content: 'Review the diff. Answer with JSON findings.' },
        {
          role: 'user',
          content: '--- a/a.ts\n+++ b/a.ts\n@@ -1,3 +1,3 @@\n-for (i = 0; i < n; i++)\n+for (i = 0; i <= n; i++)',
        },
      ],
      maxOutputTokens: 4096,
      jsonSchema: findingsJsonSchema(kind),
      ...((temperature ?? m.temperature) !== undefined ? { temperature: temperature ?? m.temperature } : {}),
    }),
    ...extra,
  };
}

/** The generation requests the server saw since the log was cleared. */
function generations(server: ModelServer): LoggedRequest[] {
  return server.log.filter((e) => e.route !== 'gemini.countTokens' && e.route !== 'openai.models');
}

function last(server: ModelServer): LoggedRequest {
  const all = generations(server);
  assert.ok(all.length > 0, 'the server saw a request');
  return all[all.length - 1]!;
}

/** Billed usage = what the server reported, reasoning included; the server refused nothing. */
function assertBilled(record: LedgerRecord, entry: LoggedRequest): void {
  assert.equal(record.outcome, 'ok', `${record.model}: ${record.reason ?? ''}`);
  assert.equal(
    record.reasoningTokens,
    entry.reasoningTokens ?? 0,
    'reasoning tokens billed as the server counted them',
  );
  assert.ok(record.outputTokens > record.reasoningTokens, 'output = visible answer + reasoning');
}

function geminiThinking(entry: LoggedRequest): Json {
  return obj(obj(obj(entry.body).generationConfig).thinkingConfig);
}

describe('default Gemini configuration against the strict Gemini API', () => {
  let server: ModelServer;
  let config: TieredConfig;
  let h: Harness;
  before(async () => {
    server = await startModelServer();
    const d = defaultConfig();
    config = {
      ...d,
      providers: d.providers.map((p) => (p.kind === 'gemini' ? { ...p, baseUrl: server.geminiBaseUrl } : p)),
    };
    h = harness(config, (id) => (id === 'gemini' ? 'gemini' : 'openai'));
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  test('inline: a chat prompt at the least thinking level the lite model allows (MINIMAL), a few tokens', async () => {
    const result = await h.run(inline(config));
    const entry = last(server);
    assert.equal(entry.model, config.models[config.tiers.lite![0]!]!.model);
    assert.deepEqual(geminiThinking(entry), { thinkingLevel: 'MINIMAL' });
    assert.equal(obj(obj(entry.body).generationConfig).temperature, undefined, 'no temperature');
    assert.ok((entry.reasoningTokens ?? 0) <= 8, `inline thought ${entry.reasoningTokens} tokens`);
    assert.ok(result.text.length > 0, 'ghost text');
    assertBilled(result.record, entry);
    assert.equal(result.record.costSource, 'bundled');
    assert.ok(result.costUsd > 0);
    assert.deepEqual(server.rejected(), []);
  });

  test('tone-like chat call at LOW; review JSON call on the pro model at MEDIUM; no temperature', async () => {
    const toned = await h.run(tone());
    const toneEntry = last(server);
    assert.deepEqual(geminiThinking(toneEntry), { thinkingLevel: 'LOW' });
    assert.ok(toned.text.length > 0);
    assertBilled(toned.record, toneEntry);
    assert.ok(toned.record.reasoningTokens > 0, 'LOW thinks some tokens, billed');

    server.enqueue({ text: FINDINGS });
    const reviewed = await h.run(review('gemini'));
    const reviewEntry = last(server);
    assert.equal(reviewEntry.model, config.models[config.tiers.pro![0]!]!.model);
    assert.deepEqual(geminiThinking(reviewEntry), { thinkingLevel: 'MEDIUM' });
    assert.equal(obj(obj(reviewEntry.body).generationConfig).responseMimeType, 'application/json');
    assert.equal((JSON.parse(reviewed.text) as { findings: unknown[] }).findings.length, 1);
    assertBilled(reviewed.record, reviewEntry);
    for (const e of generations(server))
      assert.equal(obj(obj(e.body).generationConfig).temperature, undefined, `${e.model}: no temperature`);
    assert.deepEqual(server.rejected(), []);
  });
});

describe('OpenAI: gpt-5-mini and gpt-5.4-mini (lite), gpt-5.1 (pro)', () => {
  let server: ModelServer;
  let config: TieredConfig;
  let h: Harness;
  before(async () => {
    server = await startModelServer();
    config = parsed({
      providers: [{ ...providerAt(server, 'openai'), server: 'openai' }],
      models: {
        mini: { provider: 'openai', model: 'gpt-5-mini', tier: 'lite', maxOutputTokens: 1024 },
        mini54: { provider: 'openai', model: 'gpt-5.4-mini', tier: 'lite', maxOutputTokens: 1024 },
        p51: { provider: 'openai', model: 'gpt-5.1', tier: 'pro', maxOutputTokens: 8192, temperature: 0.2 },
      },
      tiers: { lite: ['mini', 'mini54'], pro: ['p51'] },
    });
    h = harness(config, () => 'openai');
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  const body = (e: LoggedRequest) => obj(e.body);

  test('gpt-5-mini: minimal / low / medium, max_completion_tokens, a temperature from a feature dropped', async () => {
    const ghost = await h.run(inline(config, MID_FILE, { model: 'mini' }));
    let entry = last(server);
    assert.equal(body(entry).reasoning_effort, 'minimal');
    assert.equal(typeof body(entry).max_completion_tokens, 'number');
    assert.equal(body(entry).max_tokens, undefined);
    assert.ok((entry.reasoningTokens ?? 0) <= 8, `inline reasoned ${entry.reasoningTokens} tokens`);
    assert.ok(ghost.text.length > 0);
    assertBilled(ghost.record, entry);

    const toned = await h.run(tone({ model: 'mini' }, 0.2));
    entry = last(server);
    assert.equal(body(entry).reasoning_effort, 'low');
    assert.equal(body(entry).temperature, undefined, 'gpt-5-mini takes only its default temperature');
    assertBilled(toned.record, entry);
    assert.ok(toned.record.reasoningTokens > 0);
    assert.equal(toned.record.costSource, 'bundled');

    server.enqueue({ text: FINDINGS });
    const reviewed = await h.run(review('openai', { tier: 'lite', model: 'mini' }));
    entry = last(server);
    assert.equal(body(entry).reasoning_effort, 'medium');
    assert.equal(obj(body(entry).response_format).type, 'json_schema');
    assertBilled(reviewed.record, entry);
    assert.deepEqual(server.rejected(), []);
  });

  test('gpt-5.4-mini: none inline (no reasoning at all), low for tone', async () => {
    const ghost = await h.run(inline(config, MID_FILE, { model: 'mini54' }));
    let entry = last(server);
    assert.equal(body(entry).reasoning_effort, 'none');
    assert.equal(entry.reasoningTokens ?? 0, 0);
    assert.ok(ghost.text.length > 0);
    const toned = await h.run(tone({ model: 'mini54' }));
    entry = last(server);
    assert.equal(body(entry).reasoning_effort, 'low');
    assertBilled(toned.record, entry);
    assert.deepEqual(server.rejected(), []);
  });

  test('gpt-5.1: review at medium without the temperature; with effort none the temperature is sent', async () => {
    server.enqueue({ text: FINDINGS });
    const reviewed = await h.run(review('openai'));
    let entry = last(server);
    assert.equal(entry.model, 'gpt-5.1');
    assert.equal(body(entry).reasoning_effort, 'medium');
    assert.equal(body(entry).temperature, undefined, 'gpt-5.1 takes a temperature only with effort none');
    assert.equal(typeof body(entry).max_completion_tokens, 'number');
    assertBilled(reviewed.record, entry);
    assert.ok(reviewed.record.reasoningTokens > 0);

    // A triage-level call (the least reasoning) on the pro model: effort none, the user's 0.2 goes along.
    await h.run(tone({ tier: 'pro', reasoning: 'triage' }));
    entry = last(server);
    assert.equal(body(entry).reasoning_effort, 'none');
    assert.equal(body(entry).temperature, 0.2);
    assert.deepEqual(server.rejected(), []);
  });
});

describe('local FIM servers and gateways', () => {
  let server: ModelServer;
  before(async () => {
    server = await startModelServer({ litellmKeys: { [KEY]: { maxBudget: 0.004 } } });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  function setup(flavour: 'ollama' | 'llamacpp' | 'vllm' | 'openrouter' | 'litellm', model: Json) {
    const config = parsed({
      providers: [providerAt(server, flavour)],
      models: { m: { provider: flavour, tier: 'lite', maxOutputTokens: 512, ...model } },
      tiers: { lite: ['m'], pro: ['m'] },
    });
    const cloud = flavour === 'openrouter' || flavour === 'litellm' ? flavour : undefined;
    return { config, h: harness(config, () => cloud) };
  }

  test('Ollama qwen2.5-coder:7b: /v1/completions with a non-empty suffix; at the end of a file a chat prompt', async () => {
    const { config, h } = setup('ollama', { model: 'qwen2.5-coder:7b', fim: true });
    const ghost = await h.run(inline(config));
    let entry = last(server);
    assert.equal(entry.path, '/ollama/v1/completions');
    assert.equal(body(entry).suffix, MID_FILE.suffix);
    assert.equal(body(entry).prompt, MID_FILE.prefix);
    assert.equal(
      ghost.text,
      defaultReply({ model: 'qwen2.5-coder:7b', messages: [], fim: { prefix: MID_FILE.prefix, suffix: '' } }),
    );
    assert.equal(ghost.record.costSource, 'local');

    const eof = await h.run(inline(config, END_OF_FILE));
    entry = last(server);
    assert.equal(entry.path, '/ollama/v1/chat/completions', 'no empty suffix (it would switch Ollama to prose)');
    assert.ok(!/Sure! Here is/.test(eof.text));
    assert.deepEqual(server.rejected(), []);
  });

  test('llama.cpp: POST /infill with input_prefix/input_suffix, usage from tokens_evaluated/predicted', async () => {
    const { config, h } = setup('llamacpp', { model: 'qwen2.5-coder-7b', fim: true });
    const ghost = await h.run(inline(config));
    const entry = last(server);
    assert.equal(entry.path, '/llamacpp/infill');
    const b = body(entry);
    assert.equal(b.input_prefix, MID_FILE.prefix);
    assert.equal(b.input_suffix, MID_FILE.suffix);
    assert.deepEqual(b.input_extra, []);
    assert.equal(b.n_predict, config.inline.maxOutputTokens);
    assert.equal(b.stream, true);
    assert.equal(b.cache_prompt, true);
    assert.equal(b.temperature, undefined);
    assert.equal(b.suffix, undefined);
    const expected = defaultReply({
      model: 'qwen2.5-coder-7b',
      messages: [],
      fim: { prefix: MID_FILE.prefix, suffix: '' },
    });
    assert.equal(ghost.text, expected);
    assert.equal(ghost.usage.outputTokens, Math.ceil(expected.length / 4));
    assert.ok(ghost.usage.inputTokens > 0);
    assert.equal(typeof ghost.ttftMs, 'number');
    assert.deepEqual(server.rejected(), []);
  });

  test('vLLM with a qwen FIM template: the template in prompt, no suffix, the template stop tokens', async () => {
    const { config, h } = setup('vllm', { model: 'Qwen/Qwen2.5-Coder-7B', fim: 'qwen' });
    const ghost = await h.run(inline(config));
    const entry = last(server);
    assert.equal(entry.path, '/vllm/v1/completions');
    const b = body(entry);
    assert.equal(b.prompt, `<|fim_prefix|>${MID_FILE.prefix}<|fim_suffix|>${MID_FILE.suffix}<|fim_middle|>`);
    assert.ok(!('suffix' in b), 'vLLM refuses any suffix');
    assert.ok((b.stop as string[]).includes('<|endoftext|>'));
    assert.ok(ghost.text.length > 0);
    assert.deepEqual(server.rejected(), []);
  });

  test('OpenRouter: the reasoning object, usage.cost billed as source server', async () => {
    const { config, h } = setup('openrouter', { model: 'openai/gpt-5-mini' });
    const ghost = await h.run(inline(config));
    let entry = last(server);
    assert.deepEqual(body(entry).reasoning, { effort: 'minimal' });
    assert.equal(body(entry).reasoning_effort, undefined);
    assert.ok((entry.reasoningTokens ?? 0) <= 8);
    assert.equal(ghost.record.costSource, 'server');
    const toned = await h.run(tone());
    entry = last(server);
    assert.deepEqual(body(entry).reasoning, { effort: 'low' });
    assertBilled(toned.record, entry);
    assert.ok(toned.record.reasoningTokens > 0);
    // The server prices 1 µUSD per token (prompt + completion, reasoning included).
    const u = toned.record;
    assert.equal(toned.record.costSource, 'server');
    assert.ok(Math.abs(u.costUsd - (u.inputTokens + u.outputTokens) * 1e-6) < 1e-12, `${u.costUsd}`);
    assert.deepEqual(server.rejected(), []);
  });

  test('LiteLLM: streamed usage.cost billed; budget_exceeded → quota, not retried', async () => {
    const { config, h } = setup('litellm', { model: 'gpt-5-mini' });
    server.setDefaults({ litellmCostUsd: 0.0021 });
    const ghost = await h.run(inline(config));
    const entry = last(server);
    assert.equal(body(entry).reasoning_effort, 'minimal');
    assert.equal(ghost.record.costSource, 'server');
    assert.equal(ghost.record.costUsd, 0.0021);
    assertBilled(ghost.record, entry);
    const reviewed = await h.run(review('openai', { retries: 2 }));
    assert.equal(reviewed.record.costUsd, 0.0021);
    assert.deepEqual(server.rejected(), []);

    // The key has now spent 0.0042 of its 0.004: the proxy refuses the next call with 429 budget_exceeded.
    const before = generations(server).length;
    await assert.rejects(h.run(review('openai', { retries: 2 })), (e: unknown) => {
      assert.equal((e as { reason?: string }).reason, 'quota');
      return true;
    });
    assert.equal(generations(server).length, before + 1, 'one request: quota is not retried');
  });

  const body = (e: LoggedRequest) => obj(e.body);
});
