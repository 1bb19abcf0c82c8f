// Prices every call. Resolution order (DESIGN.md "Prices"):
//   the user's override in settings → the cost the server reports → bundled price data
//   (@pydantic/genai-prices, offline) → unknown.
// A loopback base URL (Ollama, LM Studio, llama.cpp) costs $0 unless overridden; a cost the server
// reports still wins over $0 there, because a local LiteLLM proxy forwards to paid models.
// An unknown price is never free: results carry `known: false`, source 'unknown', a message naming the
// setting to add, and NaN as the amount, so a sum that includes it is NaN rather than too small.
import {
  calcPrice,
  findProvider,
  type ModelPrice,
  type PriceCalculation,
  type PriceOptions,
} from '@pydantic/genai-prices';
import { BUNDLED_PRICE_DATA } from './priceData';
import type { PriceOverride } from './config';
import { isLoopbackUrl } from './net';
import type { ResolvedModel } from './router';
import type { Clock, CostSource, NormalizedUsage } from './types';
import { systemClock } from './types';

export type KnownCostSource = Exclude<CostSource, 'unknown'>;

/** USD per million tokens. Cached input is the part of the input read from the provider's cache. */
export interface Rates {
  inputPerMTok: number;
  cachedInputPerMTok: number;
  outputPerMTok: number;
}

/** Long-context tier: these rates apply to the whole call when its input exceeds the threshold. */
export interface PriceTier extends Rates {
  aboveInputTokens: number;
}

export interface BundledModelInfo {
  /** genai-prices provider and model ids that matched. */
  providerId: string;
  modelId: string;
  name?: string;
  /** The data marks the model deprecated. */
  deprecated: boolean;
  contextWindow?: number;
  priceComments?: string;
  /** Start dates (YYYY-MM-DD) of price changes after the time asked about. */
  upcomingPriceChanges: string[];
  dataVersion: string;
  /** Publication date of the bundled data (YYYY-MM-DD). */
  dataDate: string;
}

interface PriceInfoBase {
  /** Our table id. */
  modelId: string;
  /** The provider's model name. */
  model: string;
  providerId: string;
  /** Deprecation date from the model table (YYYY-MM-DD), if set. */
  deprecation?: string;
  /** True when the table's deprecation date is on or before the time asked about. */
  deprecationPassed: boolean;
  /** Bundled data's deprecated flag (false when the model is not in the data). */
  bundledDeprecated: boolean;
  /** The bundled match, whatever the price source (shown for the model name and date). */
  bundled?: BundledModelInfo;
}

export type PriceInfo = PriceInfoBase &
  (
    | { known: true; source: 'override' | 'bundled' | 'local'; rates: Rates; tiers: PriceTier[] }
    | { known: false; source: 'unknown'; rates: null; tiers: []; message: string }
  );

export type CostResult =
  | { known: true; costUsd: number; source: KnownCostSource }
  /** costUsd is NaN: check `known` first; never bill it as 0. */
  | { known: false; costUsd: number; source: 'unknown'; message: string };

export type WorstCase =
  | { known: true; usd: number; source: Exclude<KnownCostSource, 'server'> }
  /** usd is NaN: check `known` first; a cloud call with no price must be refused, not reserved as $0. */
  | { known: false; usd: number; source: 'unknown'; message: string };

/** How a model is looked up in the bundled data (see bundledLookup for the rule). */
interface BundledLookup {
  modelName: string;
  options: Pick<PriceOptions, 'providerId' | 'providerApiUrl'>;
}

const MTOK = 1_000_000;

/**
 * Which bundled entry prices a model:
 * - gemini kind → genai-prices provider "google" (the Gemini API, whatever the base URL);
 * - openai kind whose base URL matches a provider's API pattern (api.openai.com → "openai",
 *   openrouter.ai → "openrouter", api.deepseek.com, Azure, Groq, …) → that provider only;
 * - any other openai-kind host (a LiteLLM or company proxy): a model name "prefix/rest" whose prefix
 *   is a provider id → that provider and "rest"; otherwise the first provider whose models match
 *   the name. Such proxies usually report their own cost, which wins anyway.
 */
function bundledLookup(model: ResolvedModel): BundledLookup {
  const { kind, baseUrl } = model.providerConfig;
  if (kind === 'gemini') return { modelName: model.model.replace(/^models\//, ''), options: { providerId: 'google' } };
  if (findProvider({ providerApiUrl: baseUrl }))
    return { modelName: model.model, options: { providerApiUrl: baseUrl } };
  const slash = model.model.indexOf('/');
  if (slash > 0) {
    const prefix = model.model.slice(0, slash);
    if (findProvider({ providerId: prefix })) {
      return { modelName: model.model.slice(slash + 1), options: { providerId: prefix } };
    }
  }
  return { modelName: model.model, options: {} };
}

/** genai-prices usage keys: input_tokens includes cached, output_tokens includes reasoning. */
function toPriceUsage(usage: NormalizedUsage): Record<string, number> {
  const clean = (v: number): number => (Number.isFinite(v) && v > 0 ? v : 0);
  const input = clean(usage.inputTokens);
  return {
    input_tokens: input,
    cache_read_tokens: Math.min(clean(usage.cachedInputTokens), input),
    output_tokens: clean(usage.outputTokens),
  };
}

type PriceValue = ModelPrice[string];

/** The rate the data applies at this input size (a tier applies when input > its start). */
function rateAt(price: PriceValue, inputTokens: number): number | undefined {
  if (price === undefined) return undefined;
  if (typeof price === 'number') return price;
  let rate = price.base;
  for (const tier of [...price.tiers].sort((a, b) => a.start - b.start))
    if (inputTokens > tier.start) rate = tier.price;
  return rate;
}

function bundledRates(price: ModelPrice, inputTokens: number): Rates {
  const input = rateAt(price.input_mtok, inputTokens) ?? 0;
  return {
    inputPerMTok: input,
    // Without a cache-read price the data bills cached tokens as plain input.
    cachedInputPerMTok: rateAt(price.cache_read_mtok, inputTokens) ?? input,
    outputPerMTok: rateAt(price.output_mtok, inputTokens) ?? 0,
  };
}

function bundledTiers(price: ModelPrice): PriceTier[] {
  const starts = new Set<number>();
  for (const key of ['input_mtok', 'cache_read_mtok', 'output_mtok']) {
    const value = price[key];
    if (value !== undefined && typeof value !== 'number') for (const t of value.tiers) starts.add(t.start);
  }
  return [...starts]
    .sort((a, b) => a - b)
    .map((start) => ({ aboveInputTokens: start, ...bundledRates(price, start + 1) }));
}

function overrideRates(price: PriceOverride): Rates {
  return {
    inputPerMTok: price.inputPerMTok,
    cachedInputPerMTok: price.cachedInputPerMTok ?? price.inputPerMTok,
    outputPerMTok: price.outputPerMTok,
  };
}

function overrideCost(price: PriceOverride, usage: NormalizedUsage): number {
  const u = toPriceUsage(usage);
  const r = overrideRates(price);
  const cached = u.cache_read_tokens!;
  return (
    ((u.input_tokens! - cached) * r.inputPerMTok + cached * r.cachedInputPerMTok + u.output_tokens! * r.outputPerMTok) /
    MTOK
  );
}

function upcomingChanges(calc: PriceCalculation, at: Date): string[] {
  const prices = calc.model.prices;
  if (!Array.isArray(prices)) return [];
  const out: string[] = [];
  for (const p of prices) {
    const c = p.constraint;
    if (c && c.type === 'start_date' && new Date(c.start_date) > at) out.push(c.start_date);
  }
  return out.sort();
}

/** The message shown when a cloud model has no price: names the exact setting to add. */
export function unknownPriceMessage(model: ResolvedModel): string {
  return (
    `Tiered has no price for model "${model.id}" ("${model.model}" on provider "${model.provider}"). ` +
    `Set "tiered.models.${model.id}.price": { "inputPerMTok": …, "outputPerMTok": … } in your user settings ` +
    `(USD per million tokens; "cachedInputPerMTok" is optional).`
  );
}

export interface PriceBookOptions {
  /** Default time for date-dependent prices when a call gives none. */
  clock?: Clock;
}

/**
 * Resolves prices for models of the table. Pure: the only data it reads is the bundled price table
 * compiled into @pydantic/genai-prices (it never fetches updates).
 */
export class PriceBook {
  private readonly clock: Clock;
  private readonly lookups = new Map<string, BundledLookup>();

  constructor(options: PriceBookOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** The message for a model without a price (also carried by unknown results). */
  unknownPriceMessage(model: ResolvedModel): string {
    return unknownPriceMessage(model);
  }

  /** What Tiered will charge for this model, for settings, the panel and pre-flight messages. */
  describe(model: ResolvedModel, at?: Date): PriceInfo {
    const when = at ?? new Date(this.clock.now());
    const local = isLoopbackUrl(model.providerConfig.baseUrl);
    // Loopback models are not looked up: a local model's name matching a cloud price means nothing.
    const calc = local ? undefined : this.bundledCalc(model, { input_tokens: 0, output_tokens: 0 }, when);
    const base: PriceInfoBase = {
      modelId: model.id,
      model: model.model,
      providerId: model.provider,
      ...(model.deprecation !== undefined ? { deprecation: model.deprecation } : {}),
      deprecationPassed: model.deprecation !== undefined && new Date(`${model.deprecation}T00:00:00Z`) <= when,
      bundledDeprecated: calc?.model.deprecated === true,
      ...(calc ? { bundled: this.bundledInfo(calc, when) } : {}),
    };
    if (model.price) return { ...base, known: true, source: 'override', rates: overrideRates(model.price), tiers: [] };
    if (local) {
      return {
        ...base,
        known: true,
        source: 'local',
        rates: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
        tiers: [],
      };
    }
    if (calc) {
      return {
        ...base,
        known: true,
        source: 'bundled',
        rates: bundledRates(calc.model_price, 0),
        tiers: bundledTiers(calc.model_price),
      };
    }
    return { ...base, known: false, source: 'unknown', rates: null, tiers: [], message: unknownPriceMessage(model) };
  }

  /**
   * The cost of a finished call. Pass the call's start time as `at` (date-dependent prices) and the
   * same time to worstCase so both use the same price.
   */
  cost(model: ResolvedModel, usage: NormalizedUsage, reportedCostUsd?: number, at?: Date): CostResult {
    if (model.price) return { known: true, costUsd: overrideCost(model.price, usage), source: 'override' };
    if (reportedCostUsd !== undefined && Number.isFinite(reportedCostUsd) && reportedCostUsd >= 0) {
      return { known: true, costUsd: reportedCostUsd, source: 'server' };
    }
    if (isLoopbackUrl(model.providerConfig.baseUrl)) return { known: true, costUsd: 0, source: 'local' };
    const calc = this.bundledCalc(model, toPriceUsage(usage), at ?? new Date(this.clock.now()));
    if (calc) return { known: true, costUsd: calc.total_price, source: 'bundled' };
    return { known: false, costUsd: NaN, source: 'unknown', message: unknownPriceMessage(model) };
  }

  /**
   * input × input price + maxOutputTokens × output price, at the long-context tier the input size
   * falls in (the data picks the output tier by input size too). No cache discount is assumed and
   * reasoning is billed as output, so any real call with this input and at most that output costs
   * no more. A server-reported cost cannot be known in advance, so it never makes this known.
   */
  worstCase(model: ResolvedModel, inputTokens: number, maxOutputTokens?: number, at?: Date): WorstCase {
    const usage: NormalizedUsage = {
      inputTokens: Math.ceil(Math.max(0, inputTokens)),
      cachedInputTokens: 0,
      outputTokens: Math.ceil(Math.max(0, maxOutputTokens ?? model.maxOutputTokens)),
      reasoningTokens: 0,
    };
    if (model.price) return { known: true, usd: overrideCost(model.price, usage), source: 'override' };
    if (isLoopbackUrl(model.providerConfig.baseUrl)) return { known: true, usd: 0, source: 'local' };
    const calc = this.bundledCalc(model, toPriceUsage(usage), at ?? new Date(this.clock.now()));
    if (calc) return { known: true, usd: calc.total_price, source: 'bundled' };
    return { known: false, usd: NaN, source: 'unknown', message: unknownPriceMessage(model) };
  }

  private lookup(model: ResolvedModel): BundledLookup {
    const key = `${model.providerConfig.kind}\n${model.providerConfig.baseUrl}\n${model.model}`;
    let found = this.lookups.get(key);
    if (!found) {
      found = bundledLookup(model);
      this.lookups.set(key, found);
    }
    return found;
  }

  private bundledCalc(model: ResolvedModel, usage: Record<string, number>, at: Date): PriceCalculation | undefined {
    const { modelName, options } = this.lookup(model);
    try {
      return calcPrice(usage, modelName, { ...options, timestamp: at }) ?? undefined;
    } catch {
      // Malformed data for this model (the library validates as it prices): treat as no price.
      return undefined;
    }
  }

  private bundledInfo(calc: PriceCalculation, at: Date): BundledModelInfo {
    return {
      providerId: calc.provider.id,
      modelId: calc.model.id,
      ...(calc.model.name !== undefined ? { name: calc.model.name } : {}),
      deprecated: calc.model.deprecated === true,
      ...(calc.model.context_window !== undefined ? { contextWindow: calc.model.context_window } : {}),
      ...(calc.model.price_comments !== undefined ? { priceComments: calc.model.price_comments } : {}),
      upcomingPriceChanges: upcomingChanges(calc, at),
      dataVersion: BUNDLED_PRICE_DATA.version,
      dataDate: BUNDLED_PRICE_DATA.date,
    };
  }
}
