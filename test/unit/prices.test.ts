import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calcPrice, extractUsage, findProvider, type ModelPrice, type TieredPrices } from '@pydantic/genai-prices';
import { defaultConfig, parseConfig, type ModelConfig, type PriceOverride } from '../../src/core/config';
import { resolveModel, type ResolvedModel } from '../../src/core/router';
import { isLoopbackUrl } from '../../src/core/net';
import { PriceBook } from '../../src/core/prices';
import { BUNDLED_PRICE_DATA } from '../../src/core/priceData';
import { normalizeGeminiUsage, normalizeOpenAIUsage } from '../../src/core/usage';
import type { NormalizedUsage } from '../../src/core/types';
import { rng as prng } from '../support/random';

const NOW = new Date('2026-11-23T12:00:00Z');
const book = new PriceBook({ clock: { now: () => NOW.getTime() } });

const PROVIDERS = [
  { id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com' },
  { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
  { id: 'openrouter', kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1' },
  { id: 'proxy', kind: 'openai', baseUrl: 'https://llm.corp.example/v1' },
  { id: 'ollama', kind: 'openai', baseUrl: 'http://localhost:11434/v1' },
  { id: 'lmstudio', kind: 'openai', baseUrl: 'http://127.0.0.1:1234/v1' },
  { id: 'gemini-local', kind: 'gemini', baseUrl: 'http://[::1]:8080' },
];

/** A table model built through the real settings parser and router. */
function model(provider: string, name: string, extra: Partial<ModelConfig> = {}): ResolvedModel {
  const result = parseConfig({
    providers: PROVIDERS,
    models: { m: { provider, model: name, tier: 'lite', maxOutputTokens: 8192, ...extra } },
    tiers: { lite: ['m'] },
    commands: { complete: 'lite' },
  });
  if (!result.ok) throw new Error(result.message);
  return resolveModel(result.config, 'm');
}

const usage = (inputTokens: number, cachedInputTokens = 0, outputTokens = 0, reasoningTokens = 0): NormalizedUsage => ({
  inputTokens,
  cachedInputTokens,
  outputTokens,
  reasoningTokens,
});

/** The price data's own entry, read directly from the library (not through Tiered). */
function dataPrice(providerId: string, modelId: string): ModelPrice {
  const entry = findProvider({ providerId })?.models.find((m) => m.id === modelId);
  assert.ok(entry && !Array.isArray(entry.prices), `${providerId}/${modelId} in the data`);
  return entry.prices as ModelPrice;
}

const tiered = (v: ModelPrice[string]): TieredPrices => {
  assert.ok(v !== undefined && typeof v !== 'number', 'a tiered price');
  return v;
};
const flat = (v: ModelPrice[string]): number => {
  assert.equal(typeof v, 'number');
  return v as number;
};

const close = (actual: number, expected: number, what = 'cost') =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

function known<T extends { known: boolean }>(r: T): asserts r is Extract<T, { known: true }> {
  assert.equal(r.known, true, JSON.stringify(r));
}

describe('bundled price data', () => {
  test('the recorded version matches the installed package (an upgrade forces a date update)', () => {
    const pkg = JSON.parse(
      readFileSync(join(process.cwd(), 'node_modules/@pydantic/genai-prices/package.json'), 'utf8'),
    );
    assert.equal(pkg.name, BUNDLED_PRICE_DATA.package);
    assert.equal(pkg.version, BUNDLED_PRICE_DATA.version, 'update BUNDLED_PRICE_DATA (version and publish date)');
    assert.match(BUNDLED_PRICE_DATA.date, /^\d{4}-\d{2}-\d{2}$/);
  });

  test('every default model has a bundled price', () => {
    const config = defaultConfig();
    for (const id of Object.keys(config.models)) {
      const info = book.describe(resolveModel(config, id));
      assert.equal(info.source, 'bundled', id);
      assert.equal(info.bundled?.dataDate, BUNDLED_PRICE_DATA.date);
    }
  });
});

describe('resolution order', () => {
  const override: PriceOverride = { inputPerMTok: 7, outputPerMTok: 11, cachedInputPerMTok: 1 };
  const u = usage(10_000, 4_000, 2_000, 500);
  const overrideUsd = (6_000 * 7 + 4_000 * 1 + 2_000 * 11) / 1e6;

  test('override beats a server-reported cost and the bundled price', () => {
    const m = model('openrouter', 'openai/gpt-5-mini', { price: override });
    const r = book.cost(m, u, 123);
    assert.deepEqual(r, { known: true, costUsd: overrideUsd, source: 'override' });
    assert.equal(book.describe(m).source, 'override');
  });

  test('a server-reported cost beats the bundled price', () => {
    const m = model('openrouter', 'openai/gpt-5-mini');
    assert.deepEqual(book.cost(m, u, 0.0042), { known: true, costUsd: 0.0042, source: 'server' });
  });

  test('a malformed reported cost is ignored, then the bundled price applies', () => {
    const m = model('openrouter', 'openai/gpt-5-mini');
    const bundled = book.cost(m, u);
    assert.equal(bundled.source, 'bundled');
    for (const bad of [NaN, -1, Infinity]) assert.deepEqual(book.cost(m, u, bad), bundled);
  });

  test('bundled price when nothing else is known', () => {
    const r = book.cost(model('openai', 'gpt-5-mini'), u);
    known(r);
    assert.equal(r.source, 'bundled');
    assert.ok(r.costUsd > 0);
  });

  test('an unknown cloud price is not free: flagged, NaN, and names the setting to add', () => {
    const m = model('openai', 'acme-finetune-7');
    const r = book.cost(m, u);
    assert.equal(r.known, false);
    assert.equal(r.source, 'unknown');
    assert.ok(Number.isNaN(r.costUsd));
    assert.ok(!Number.isFinite(0.5 + r.costUsd), 'a running total that includes it cannot look smaller');
    assert.ok(!r.known && r.message.includes('"tiered.models.m.price"'));
    assert.ok(!r.known && r.message.includes('acme-finetune-7') && r.message.includes('"openai"'));
    const w = book.worstCase(m, 1000, 100);
    assert.equal(w.known, false);
    assert.ok(Number.isNaN(w.usd));
    const info = book.describe(m);
    assert.equal(info.known, false);
    assert.equal(info.rates, null);
    assert.equal(book.unknownPriceMessage(m), !info.known ? info.message : '');
  });

  test('an unknown model on a known host is unknown (no guessing from other providers)', () => {
    // Also the "server reports cost" case: no override and no bundled price → no worst case.
    const m = model('openrouter', 'someone/brand-new-model');
    assert.equal(book.worstCase(m, 1000).known, false);
    assert.equal(book.cost(m, u).known, false);
    assert.deepEqual(book.cost(m, u, 0.01), { known: true, costUsd: 0.01, source: 'server' });
  });
});

describe('loopback servers', () => {
  test('cost $0 with source local, in cost, worst case and describe', () => {
    for (const provider of ['ollama', 'lmstudio', 'gemini-local']) {
      const m = model(provider, 'gpt-5-mini'); // a cloud name on a local server is still local
      assert.deepEqual(book.cost(m, usage(50_000, 0, 4_000)), { known: true, costUsd: 0, source: 'local' });
      assert.deepEqual(book.worstCase(m, 50_000, 8_000), { known: true, usd: 0, source: 'local' });
      const info = book.describe(m);
      assert.equal(info.source, 'local');
      assert.equal(info.bundled, undefined);
    }
  });

  test('an override prices a local model', () => {
    const m = model('ollama', 'llama3.2', { price: { inputPerMTok: 0.1, outputPerMTok: 0.2 } });
    const c = book.cost(m, usage(1e6, 0, 1e6));
    known(c);
    assert.equal(c.source, 'override');
    close(c.costUsd, 0.1 + 0.2);
    const w = book.worstCase(m, 1e6, 1e6);
    known(w);
    assert.equal(w.source, 'override');
    close(w.usd, 0.1 + 0.2);
  });

  test('a cost reported by a local proxy (LiteLLM) is billed, not $0', () => {
    const m = model('ollama', 'gpt-5-mini');
    assert.deepEqual(book.cost(m, usage(1000, 0, 10), 0.003), { known: true, costUsd: 0.003, source: 'server' });
  });

  test('isLoopbackUrl', () => {
    for (const url of [
      'http://localhost:11434',
      'http://127.0.0.1:1234/v1',
      'http://127.9.9.9',
      'http://[::1]:8080',
      'http://app.localhost',
    ]) {
      assert.equal(isLoopbackUrl(url), true, url);
    }
    for (const url of [
      'https://localhost.example.com',
      'http://127.0.0.1.nip.io',
      'https://api.openai.com/v1',
      'not a url',
      'http://10.0.0.2',
    ]) {
      assert.equal(isLoopbackUrl(url), false, url);
    }
  });
});

describe('bundled prices', () => {
  test('Gemini 2.5 Pro above 200k input bills input, cached read and output at the long-context rates', () => {
    const p = dataPrice('google', 'gemini-2.5-pro');
    const input = tiered(p.input_mtok);
    const cached = tiered(p.cache_read_mtok);
    const output = tiered(p.output_mtok);
    const [ti, tc, to] = [input.tiers[0]!, cached.tiers[0]!, output.tiers[0]!];
    assert.equal(ti.start, 200_000);
    assert.ok(ti.price > input.base && tc.price > cached.base && to.price > output.base, 'the tier costs more');

    const m = model('gemini', 'gemini-2.5-pro');
    const long = book.cost(m, usage(250_000, 100_000, 5_000, 2_000));
    known(long);
    close(long.costUsd, (150_000 * ti.price + 100_000 * tc.price + 5_000 * to.price) / 1e6);
    const short = book.cost(m, usage(150_000, 100_000, 5_000, 2_000));
    known(short);
    close(short.costUsd, (50_000 * input.base + 100_000 * cached.base + 5_000 * output.base) / 1e6);
    // The tier starts above its threshold.
    const edge = book.cost(m, usage(200_000, 0, 0));
    known(edge);
    close(edge.costUsd, (200_000 * input.base) / 1e6);

    const info = book.describe(m);
    known(info);
    assert.deepEqual(info.rates, {
      inputPerMTok: input.base,
      cachedInputPerMTok: cached.base,
      outputPerMTok: output.base,
    });
    assert.deepEqual(info.tiers, [
      { aboveInputTokens: 200_000, inputPerMTok: ti.price, cachedInputPerMTok: tc.price, outputPerMTok: to.price },
    ]);

    const worst = book.worstCase(m, 250_000, 16_384);
    known(worst);
    close(worst.usd, (250_000 * ti.price + 16_384 * to.price) / 1e6, 'worst case');
  });

  test('cache reads are billed at the cache-read price', () => {
    const p = dataPrice('openai', 'gpt-5-mini');
    const m = model('openai', 'gpt-5-mini');
    const r = book.cost(m, usage(10_000, 8_000, 0));
    known(r);
    close(r.costUsd, (2_000 * flat(p.input_mtok) + 8_000 * flat(p.cache_read_mtok)) / 1e6);
    const uncached = book.cost(m, usage(10_000, 0, 0));
    known(uncached);
    assert.ok(r.costUsd < uncached.costUsd);
  });

  test('reasoning tokens are billed as output (they are inside outputTokens)', () => {
    const p = dataPrice('google', 'gemini-3.1-flash-lite');
    const m = model('gemini', 'gemini-3.1-flash-lite');
    const thinking = book.cost(m, usage(1_000, 0, 1_500, 1_200));
    const plain = book.cost(m, usage(1_000, 0, 1_500, 0));
    known(thinking);
    known(plain);
    assert.equal(thinking.costUsd, plain.costUsd);
    close(thinking.costUsd, (1_000 * flat(p.input_mtok) + 1_500 * flat(p.output_mtok)) / 1e6);
  });

  // The proof that Tiered bills what the price data itself computes: raw provider usage goes through
  // Tiered's normaliser and PriceBook on one side, and through genai-prices' own extractor and
  // calcPrice on the other.
  const openAICases = {
    plain: { prompt_tokens: 1_200, completion_tokens: 300 },
    cached: { prompt_tokens: 9_000, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 8_192 } },
    reasoning: {
      prompt_tokens: 2_000,
      completion_tokens: 5_000,
      completion_tokens_details: { reasoning_tokens: 4_400 },
    },
    'long context': {
      prompt_tokens: 300_000,
      completion_tokens: 9_000,
      prompt_tokens_details: { cached_tokens: 250_000 },
      completion_tokens_details: { reasoning_tokens: 6_000 },
    },
  };
  for (const [name, raw] of Object.entries(openAICases)) {
    test(`OpenAI gpt-5-mini, ${name}: equals genai-prices' own calculation`, () => {
      const direct = calcPrice(
        extractUsage(findProvider({ providerId: 'openai' })!, { model: 'gpt-5-mini', usage: raw }, 'chat').usage,
        'gpt-5-mini',
        { providerId: 'openai', timestamp: NOW },
      );
      assert.ok(direct);
      const ours = book.cost(model('openai', 'gpt-5-mini'), normalizeOpenAIUsage(raw)!, undefined, NOW);
      known(ours);
      assert.equal(ours.source, 'bundled');
      close(ours.costUsd, direct.total_price);
    });
  }

  const geminiCases = {
    plain: { promptTokenCount: 1_200, candidatesTokenCount: 300 },
    cached: { promptTokenCount: 9_000, candidatesTokenCount: 300, cachedContentTokenCount: 8_000 },
    reasoning: { promptTokenCount: 2_000, candidatesTokenCount: 400, thoughtsTokenCount: 4_600 },
    'long context': {
      promptTokenCount: 260_000,
      candidatesTokenCount: 2_000,
      thoughtsTokenCount: 7_000,
      cachedContentTokenCount: 200_000,
    },
  };
  for (const modelName of ['gemini-3.1-flash-lite', 'gemini-2.5-pro']) {
    for (const [name, raw] of Object.entries(geminiCases)) {
      test(`Gemini ${modelName}, ${name}: equals genai-prices' own calculation`, () => {
        const extracted = extractUsage(findProvider({ providerId: 'google' })!, {
          modelVersion: modelName,
          usageMetadata: raw,
        });
        const direct = calcPrice(extracted.usage, modelName, { providerId: 'google', timestamp: NOW });
        assert.ok(direct);
        const ours = book.cost(model('gemini', modelName), normalizeGeminiUsage(raw)!, undefined, NOW);
        known(ours);
        close(ours.costUsd, direct.total_price);
      });
    }
  }

  test('prices change on their start date (the time asked about decides)', () => {
    const m = model('gemini', 'gemini-3.6-flash');
    const info = book.describe(m);
    known(info);
    assert.deepEqual(info.bundled?.upcomingPriceChanges, ['2027-01-01']);
    const u = usage(100_000, 0, 10_000);
    const before = book.cost(m, u, undefined, new Date('2026-12-31T23:00:00Z'));
    const after = book.cost(m, u, undefined, new Date('2027-01-01T01:00:00Z'));
    known(before);
    known(after);
    const direct = calcPrice({ input_tokens: 100_000, output_tokens: 10_000 }, 'gemini-3.6-flash', {
      providerId: 'google',
      timestamp: new Date('2027-01-01T01:00:00Z'),
    });
    close(after.costUsd, direct!.total_price);
    assert.ok(after.costUsd > before.costUsd);
  });
});

describe('bundled lookup rule', () => {
  const cases: Array<[string, string, string, string]> = [
    // provider, model name → genai-prices provider, model id
    ['gemini', 'gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
    ['gemini', 'models/gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
    ['openai', 'gpt-5-mini', 'openai', 'gpt-5-mini'],
    ['openrouter', 'openai/gpt-5-mini', 'openrouter', 'openai/gpt-5-mini'],
    ['proxy', 'gpt-5-mini', 'openai', 'gpt-5-mini'],
    ['proxy', 'google/gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
  ];
  for (const [provider, name, dataProvider, dataModel] of cases) {
    test(`${provider} "${name}" → ${dataProvider} / ${dataModel}`, () => {
      const info = book.describe(model(provider, name));
      assert.equal(info.source, 'bundled');
      assert.equal(info.bundled?.providerId, dataProvider);
      assert.equal(info.bundled?.modelId, dataModel);
    });
  }
});

describe('describe', () => {
  test('names the bundled model and the data date', () => {
    const info = book.describe(resolveModel(defaultConfig(), 'pro-stable'));
    assert.equal(info.modelId, 'pro-stable');
    assert.equal(info.bundled?.modelId, 'gemini-3.8-flash');
    assert.equal(info.bundled?.name, 'Gemini 3.8 Flash');
    assert.equal(info.bundled?.dataVersion, BUNDLED_PRICE_DATA.version);
    assert.equal(info.bundled?.dataDate, BUNDLED_PRICE_DATA.date);
  });

  test("exposes the data's deprecated flag and the table's deprecation date", () => {
    const deprecated = book.describe(model('gemini', 'gemini-2.5-flash-preview'));
    assert.equal(deprecated.bundledDeprecated, true);
    assert.equal(deprecated.bundled?.deprecated, true);
    assert.equal(book.describe(model('gemini', 'gemini-2.5-pro')).bundledDeprecated, false);

    const dated = model('gemini', 'gemini-2.5-pro', { deprecation: '2026-12-01' });
    const before = book.describe(dated, new Date('2026-11-30T23:59:59Z'));
    assert.equal(before.deprecation, '2026-12-01');
    assert.equal(before.deprecationPassed, false);
    assert.equal(book.describe(dated, new Date('2026-12-01T00:00:00Z')).deprecationPassed, true);
  });

  test('override rates: cached input falls back to the input rate', () => {
    const info = book.describe(model('openai', 'gpt-5-mini', { price: { inputPerMTok: 3, outputPerMTok: 9 } }));
    known(info);
    assert.deepEqual(info.rates, { inputPerMTok: 3, cachedInputPerMTok: 3, outputPerMTok: 9 });
    // The bundled match is still shown (name, deprecation), but does not price the call.
    assert.equal(info.bundled?.modelId, 'gpt-5-mini');
  });
});

describe('override pricing', () => {
  test('with cachedInputPerMTok: cached at that rate, the rest at the input rate, reasoning as output', () => {
    const m = model('proxy', 'x', { price: { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 } });
    const r = book.cost(m, usage(1_000_000, 600_000, 200_000, 150_000));
    known(r);
    close(r.costUsd, 0.4 * 2 + 0.6 * 0.5 + 0.2 * 8);
  });

  test('without cachedInputPerMTok: cached input at the input rate', () => {
    const m = model('proxy', 'x', { price: { inputPerMTok: 2, outputPerMTok: 8 } });
    const r = book.cost(m, usage(1_000_000, 600_000, 200_000));
    known(r);
    close(r.costUsd, 1 * 2 + 0.2 * 8);
  });

  test('usage with more cached than input tokens is clamped, not negative', () => {
    const m = model('proxy', 'x', { price: { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 } });
    const r = book.cost(m, usage(1_000, 5_000, 0));
    known(r);
    close(r.costUsd, (1_000 * 0.5) / 1e6);
    const bundled = book.cost(model('openai', 'gpt-5-mini'), usage(1_000, 5_000, 0));
    assert.equal(bundled.known, true, 'the data would throw on this; Tiered clamps it');
  });
});

describe('worst case', () => {
  test('is input × input price + maxOutputTokens × output price (model maxOutputTokens by default)', () => {
    const p = dataPrice('openai', 'gpt-5-mini');
    const m = model('openai', 'gpt-5-mini');
    const w = book.worstCase(m, 12_345);
    known(w);
    close(w.usd, (12_345 * flat(p.input_mtok) + m.maxOutputTokens * flat(p.output_mtok)) / 1e6);
  });

  test('≥ the actual cost of any call with the same input and output ≤ maxOutputTokens (seeded random)', () => {
    const random = prng(20261123);
    const int = (max: number) => Math.floor(random() * (max + 1));
    const models = [
      model('gemini', 'gemini-2.5-pro'),
      model('gemini', 'gemini-3.1-pro-preview'),
      model('gemini', 'gemini-3.1-flash-lite'),
      model('openai', 'gpt-5-mini'),
      model('openai', 'gpt-5.5'),
      model('openrouter', 'openai/gpt-5-mini'),
      model('proxy', 'x', { price: { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 } }),
      model('proxy', 'x', { price: { inputPerMTok: 2, outputPerMTok: 8 } }),
    ];
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      const m = models[i % models.length]!;
      // Half the draws near the long-context thresholds, where a wrong tier would show.
      const input = random() < 0.5 ? int(400_000) : 195_000 + int(80_000);
      const maxOut = 1 + int(30_000);
      const output = int(maxOut);
      const actual = usage(input, int(input), output, int(output));
      const w = book.worstCase(m, input, maxOut, NOW);
      const c = book.cost(m, actual, undefined, NOW);
      known(w);
      known(c);
      assert.ok(
        w.usd >= c.costUsd - 1e-12,
        `${m.model} ${JSON.stringify(actual)} max ${maxOut}: ${w.usd} < ${c.costUsd}`,
      );
      checked++;
    }
    assert.equal(checked, 4000);
  });
});
