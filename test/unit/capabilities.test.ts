// The capabilities table and request shaping: each model gets only parameters it accepts, reasoning
// at the command's level in the model's own values, and a cap with room for reasoning.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bundledCapabilities,
  chooseReasoning,
  serverKind,
  shapeRequest,
  type ReasoningLevel,
} from '../../src/core/calls/capabilities';
import { CAPABILITY_TABLE } from '../../src/core/calls/capabilityTable';
import { parseConfig, reasoningLevelFor, defaultConfig, type ProviderConfig } from '../../src/core/config';
import { buildInlineRequest } from '../../src/core/completion';
import { fimChoice } from '../../src/core/completion/fim';
import { resolveModel, type ResolvedModel } from '../../src/core/router';
import type { RequestBody } from '../../src/core/calls';

const OPENAI = { id: 'openai', kind: 'openai' as const, baseUrl: 'https://api.openai.com/v1', timeoutMs: 1000 };
const GEMINI = {
  id: 'gemini',
  kind: 'gemini' as const,
  baseUrl: 'https://generativelanguage.googleapis.com',
  timeoutMs: 1000,
};
const ROUTER = { id: 'or', kind: 'openai' as const, baseUrl: 'https://openrouter.ai/api/v1', timeoutMs: 1000 };
const PROXY = { id: 'team', kind: 'openai' as const, baseUrl: 'https://llm.example.com/v1', timeoutMs: 1000 };

function model(name: string, provider: ProviderConfig = OPENAI, over: Partial<ResolvedModel> = {}): ResolvedModel {
  return {
    id: 'm',
    provider: provider.id,
    model: name,
    tier: 'lite',
    maxOutputTokens: 1024,
    fim: false,
    providerConfig: provider,
    ...over,
  };
}
const chat = (maxOutputTokens: number, temperature?: number): RequestBody => ({
  messages: [{ role: 'user', content: 'hi' }],
  maxOutputTokens,
  ...(temperature !== undefined ? { temperature } : {}),
});

describe('capabilities table', () => {
  test('every entry names where it was checked, and its values run least to most', () => {
    for (const e of CAPABILITY_TABLE) {
      assert.match(e.source, /https:\/\//, e.family);
      if (e.reasoning.kind === 'level') assert.ok(e.reasoning.values.includes(e.reasoning.default), e.family);
      if (e.shutdown) assert.match(e.shutdown, /^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('families are matched by model id whatever the host or vendor prefix', () => {
    assert.equal(bundledCapabilities('gpt-5-mini')?.family, bundledCapabilities('openai/gpt-5-mini')?.family);
    assert.equal(bundledCapabilities('gpt-5-mini-2025-08-07')?.family, bundledCapabilities('gpt-5-mini')?.family);
    assert.equal(bundledCapabilities('models/gemini-3.1-pro-preview')?.reasoning.kind, 'level');
    assert.equal(bundledCapabilities('my-finetune'), undefined);
  });
});

describe('reasoning per command', () => {
  const level = (name: string, l: ReasoningLevel, provider: ProviderConfig = OPENAI) =>
    shapeRequest(model(name, provider), chat(128), l).body.reasoning;

  test('OpenAI: gpt-5-mini thinks minimal inline, gpt-5.1 not at all; a review asks for medium', () => {
    assert.deepEqual(level('gpt-5-mini', 'least'), { param: 'reasoning_effort', value: 'minimal' });
    assert.deepEqual(level('gpt-5.1', 'least'), { param: 'reasoning_effort', value: 'none' });
    assert.deepEqual(
      level('gpt-5.1', 'minimal'),
      { param: 'reasoning_effort', value: 'low' },
      'gpt-5.1 has no minimal',
    );
    assert.deepEqual(level('gpt-5.1', 'medium'), { param: 'reasoning_effort', value: 'medium' });
    assert.deepEqual(level('o4-mini', 'least'), { param: 'reasoning_effort', value: 'low' });
    assert.equal(level('gpt-4.1', 'medium'), undefined, 'a model without reasoning gets no control');
  });

  test('Gemini: thinkingLevel on 3.x (never below what the model allows), thinkingBudget on 2.5', () => {
    assert.deepEqual(level('gemini-3.1-flash-lite', 'least', GEMINI), { param: 'thinkingLevel', value: 'minimal' });
    assert.deepEqual(level('gemini-3.1-pro-preview', 'least', GEMINI), { param: 'thinkingLevel', value: 'low' });
    assert.deepEqual(level('gemini-3.1-pro-preview', 'medium', GEMINI), { param: 'thinkingLevel', value: 'medium' });
    assert.deepEqual(level('gemini-2.5-pro', 'least', GEMINI), { param: 'thinkingBudget', value: 128 });
    assert.deepEqual(level('gemini-2.5-flash', 'least', GEMINI), { param: 'thinkingBudget', value: 0 });
    assert.equal(level('gemini-3.1-pro-preview', 'default', GEMINI), undefined, 'default sends nothing');
  });

  test('OpenRouter gets its reasoning object; a proxy gets reasoning_effort', () => {
    assert.deepEqual(level('openai/gpt-5-mini', 'least', ROUTER), { param: 'openrouter', value: 'minimal' });
    assert.deepEqual(level('gpt-5-mini', 'least', PROXY), { param: 'reasoning_effort', value: 'minimal' });
  });

  test('an unknown model gets no optional parameter at all', () => {
    const shaped = shapeRequest(model('my-finetune', PROXY), chat(128), 'medium');
    assert.equal(shaped.body.reasoning, undefined);
    assert.equal(shaped.body.maxOutputTokens, 128);
    assert.equal(shaped.outputBound, 128);
    assert.equal(shaped.body.outputCapField, 'max_tokens');
  });

  test('levels come from tiered.reasoning, then the defaults', () => {
    const cfg = parseConfig({ reasoning: { review: 'high' } });
    assert.ok(cfg.ok);
    assert.equal(reasoningLevelFor(cfg.config, 'review'), 'high');
    assert.equal(reasoningLevelFor(cfg.config, 'complete'), 'least');
    assert.equal(reasoningLevelFor(cfg.config, 'tone'), 'low');
    assert.equal(reasoningLevelFor(cfg.config, 'constructor'), 'least', 'no prototype keys');
    assert.equal(parseConfig({ reasoning: { review: 'max' } }).ok, false);
  });
});

describe('temperature and the cap', () => {
  test('temperature only where the model takes it', () => {
    assert.equal(shapeRequest(model('gpt-5-mini'), chat(128, 0.2), 'least').body.temperature, undefined);
    assert.equal(shapeRequest(model('gpt-5.1'), chat(128, 0.2), 'least').body.temperature, 0.2, 'with effort none');
    assert.equal(shapeRequest(model('gpt-5.1'), chat(128, 0.2), 'medium').body.temperature, undefined);
    assert.equal(
      shapeRequest(model('gemini-3.5-flash-lite', GEMINI), chat(128, 0.2), 'least').body.temperature,
      undefined,
    );
    assert.equal(shapeRequest(model('gemini-3.1-flash-lite', GEMINI), chat(128, 0.7), 'least').body.temperature, 0.7);
    assert.equal(shapeRequest(model('gemini-3.1-flash-lite', GEMINI), chat(128), 'least').body.temperature, undefined);
  });

  test('a temperature the model rejects is a settings error naming the setting', () => {
    const r = parseConfig({
      models: {
        mini: { provider: 'openai', model: 'gpt-5-mini', tier: 'lite', maxOutputTokens: 256, temperature: 0.2 },
      },
      tiers: { lite: ['mini'], pro: ['pro'] },
    });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /tiered\.models\.mini\.temperature.*gpt-5-mini/);
    const overridden = parseConfig({
      models: {
        mini: {
          provider: 'openai',
          model: 'gpt-5-mini',
          tier: 'lite',
          maxOutputTokens: 256,
          temperature: 0.2,
          capabilities: { temperature: 'accepted' },
        },
      },
      tiers: { lite: ['mini'], pro: ['mini'] },
    });
    assert.ok(overridden.ok, 'an override in settings wins over the bundled table');
  });

  test('the cap leaves room for reasoning that counts against it, and the bound reserves it', () => {
    const shaped = shapeRequest(
      model('gemini-3.1-pro-preview', GEMINI, { maxOutputTokens: 16384 }),
      chat(16384),
      'medium',
    );
    assert.equal(shaped.reasoning.value, 'medium');
    assert.ok(shaped.reasoning.allowanceTokens > 0);
    assert.equal(shaped.body.maxOutputTokens, 16384 + shaped.reasoning.allowanceTokens);
    assert.equal(shaped.outputBound, shaped.body.maxOutputTokens);
    // Reasoning off: nothing added.
    const off = shapeRequest(model('gpt-5.1'), chat(128), 'least');
    assert.equal(off.body.maxOutputTokens, 128);
    // The model table's maxOutputTokens bounds the visible part; the model's own limit bounds the total.
    const big = shapeRequest(model('gpt-4o', OPENAI, { maxOutputTokens: 100_000 }), chat(100_000), 'high');
    assert.ok(big.body.maxOutputTokens <= bundledCapabilities('gpt-4o')!.maxOutputLimit!);
  });

  test('where reasoning does not count against the cap, the bound adds it on top', () => {
    const m = model('gpt-5-mini', OPENAI, { capabilities: { reasoningCountsAgainstCap: false } });
    const shaped = shapeRequest(m, chat(128), 'least');
    assert.equal(shaped.body.maxOutputTokens, 128);
    assert.equal(shaped.outputBound, 128 + shaped.reasoning.allowanceTokens);
  });

  test('the cap field follows the model family, not the host', () => {
    assert.equal(
      shapeRequest(model('gpt-5-mini', PROXY), chat(10), 'least').body.outputCapField,
      'max_completion_tokens',
    );
    assert.equal(shapeRequest(model('qwen2.5-coder:7b', PROXY), chat(10), 'least').body.outputCapField, 'max_tokens');
    assert.equal(
      shapeRequest(model('some-model', OPENAI), chat(10), 'least').body.outputCapField,
      'max_completion_tokens',
    );
    assert.equal(
      shapeRequest(model('gemini-3.1-flash-lite', GEMINI), chat(10), 'least').body.outputCapField,
      undefined,
    );
  });

  test("chooseReasoning never returns a value outside the model's list", () => {
    for (const e of CAPABILITY_TABLE) {
      if (e.reasoning.kind !== 'level') continue;
      for (const l of ['least', 'minimal', 'low', 'medium', 'high'] as const) {
        const c = chooseReasoning(e, l, 'openai');
        assert.ok(e.reasoning.values.includes(c.value), `${e.family} ${l} → ${c.value}`);
      }
    }
  });
});

describe('FIM per server', () => {
  const local = (baseUrl: string, server?: 'llamacpp' | 'vllm') => ({
    id: 'local',
    kind: 'openai' as const,
    baseUrl,
    timeoutMs: 1000,
    ...(server ? { server } : {}),
  });
  const window = { prefix: 'let a = ', suffix: ';\n', languageId: 'typescript' };

  test("Ollama: suffix; llama.cpp: /infill; vLLM: the model's template in the prompt; unknown template: chat", () => {
    assert.deepEqual(fimChoice(model('qwen2.5-coder:7b', local('http://127.0.0.1:11434/v1'), { fim: true })), {
      dialect: 'suffix',
    });
    assert.deepEqual(fimChoice(model('qwen2.5-coder', local('http://127.0.0.1:8080/v1', 'llamacpp'), { fim: true })), {
      dialect: 'infill',
    });
    assert.deepEqual(
      fimChoice(model('Qwen/Qwen2.5-Coder-7B', local('http://127.0.0.1:8000/v1', 'vllm'), { fim: true })),
      {
        dialect: 'template',
        template: 'qwen',
      },
    );
    assert.equal(fimChoice(model('mystery', local('http://127.0.0.1:8000/v1', 'vllm'), { fim: true })), undefined);
    assert.deepEqual(fimChoice(model('mystery', local('http://127.0.0.1:8000/v1'), { fim: 'starcoder' })), {
      dialect: 'template',
      template: 'starcoder',
    });
  });

  test('a template request carries the prompt with the FIM tokens and their stops, and no suffix route', () => {
    const body = buildInlineRequest(
      model('Qwen/Qwen2.5-Coder-7B', local('http://127.0.0.1:8000/v1', 'vllm'), { fim: true }),
      window,
      {
        maxOutputTokens: 64,
      },
    );
    assert.equal(body.fim?.dialect, 'template');
    assert.equal(body.fim?.prompt, '<|fim_prefix|>let a = <|fim_suffix|>;\n<|fim_middle|>');
    assert.ok(body.stop?.includes('<|endoftext|>'));
  });

  test('Ollama at the end of a file gets a chat prompt, never an empty suffix', () => {
    const m = model('qwen2.5-coder:7b', local('http://127.0.0.1:11434/v1'), { fim: true });
    const atEnd = buildInlineRequest(m, { ...window, suffix: '' }, { maxOutputTokens: 64 });
    assert.equal(atEnd.fim, undefined);
    assert.ok(atEnd.messages?.length);
    const inMiddle = buildInlineRequest(m, window, { maxOutputTokens: 64 });
    assert.equal(inMiddle.fim?.suffix, ';\n');
  });

  test('fim on an OpenAI-hosted or Gemini model is refused with the setting named', () => {
    const openai = parseConfig({
      models: { mini: { provider: 'openai', model: 'gpt-5-mini', tier: 'lite', maxOutputTokens: 256, fim: true } },
      tiers: { lite: ['mini'], pro: ['pro'] },
    });
    assert.match(!openai.ok ? openai.message : '', /tiered\.models\.mini\.fim.*no current OpenAI model/);
    const gemini = parseConfig({
      models: {
        g: { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'lite', maxOutputTokens: 256, fim: true },
      },
      tiers: { lite: ['g'], pro: ['pro'] },
    });
    assert.match(!gemini.ok ? gemini.message : '', /tiered\.models\.g\.fim/);
  });

  test('server kinds from well-known hosts and default ports; the setting wins', () => {
    assert.equal(serverKind(OPENAI), 'openai');
    assert.equal(serverKind(ROUTER), 'openrouter');
    assert.equal(serverKind({ kind: 'openai', baseUrl: 'https://x.openai.azure.com/openai' }), 'azure');
    assert.equal(serverKind({ kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1' }), 'ollama');
    assert.equal(serverKind({ kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', server: 'llamacpp' }), 'llamacpp');
    assert.equal(serverKind(GEMINI), 'gemini');
  });
});

describe('defaults', () => {
  test('every default model is known to the table, has no temperature, and none shuts down within 30 days', () => {
    const cfg = defaultConfig();
    for (const id of Object.keys(cfg.models)) {
      const m = resolveModel(cfg, id);
      const caps = bundledCapabilities(m.model);
      assert.ok(caps, `${id} (${m.model}) is in the capabilities table`);
      assert.equal(m.temperature, undefined, id);
      if (caps.shutdown) assert.ok(caps.shutdown > '2026-12-30', `${id} shuts down ${caps.shutdown}`);
    }
  });
});
