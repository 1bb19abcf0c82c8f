// Builds what the panel renders from the spend cache, the settings and the price book. No 'vscode'
// import: the benchmark and tests build the same data in plain Node.
import type { TieredConfig } from '../../core/config';
import { BUNDLED_PRICE_DATA } from '../../core/priceData';
import { PriceBook, type PriceInfo } from '../../core/prices';
import { resolveModel, type ResolvedModel } from '../../core/router';
import type { SpendCache } from '../../core/spend/cache';
import { priceAtProFrom } from '../../core/spend/proPrice';
import { STORE_VERSION } from '../../core/spend/store';
import type { DayRange, RangeSpec } from '../../core/spend/days';
import type { LedgerRecord } from '../../core/types';
import { EMPTY_INSIGHTS, type InsightsView, type ModelPriceView, type PanelData } from '../../webview/protocol';

/** Rows the recent-calls table gets (it sorts and filters these locally). */
export const RECENT_LIMIT = 200;

/** The tier savings are measured against: 'pro' when configured, else the last (top) tier. */
export function proTierOf(config: TieredConfig): string {
  const tiers = Object.keys(config.tiers);
  return tiers.includes('pro') ? 'pro' : (tiers[tiers.length - 1] ?? 'pro');
}

export function proModelOf(config: TieredConfig): ResolvedModel | undefined {
  const id = config.tiers[proTierOf(config)]?.[0];
  return id ? resolveModel(config, id) : undefined;
}

/** The repricer for "every call on pro", or undefined when the pro model has no price. */
export function proRepricer(config: TieredConfig, book: PriceBook): ((r: LedgerRecord) => number) | undefined {
  const pro = proModelOf(config);
  return pro ? priceAtProFrom(book.describe(pro)) : undefined;
}

/** Everything a stored day summary depends on besides the ledger: the pro model and its rates. */
export function storeFingerprint(config: TieredConfig, book: PriceBook): string {
  const pro = proModelOf(config);
  const info = pro ? book.describe(pro) : undefined;
  const rates = info?.known ? { rates: info.rates, tiers: info.tiers } : 'unknown';
  return JSON.stringify({ v: STORE_VERSION, proTier: proTierOf(config), pro: pro?.id ?? null, rates });
}

const usdRate = (n: number) => `$${n.toLocaleString('en-US', { maximumFractionDigits: 4 })}`;

export function priceView(model: ResolvedModel, info: PriceInfo): ModelPriceView {
  const view: ModelPriceView = {
    modelId: model.id,
    model: model.model,
    provider: model.provider,
    tier: model.tier,
    source: info.source,
    deprecated: info.deprecationPassed || info.bundledDeprecated,
  };
  if (info.deprecation) view.deprecation = info.deprecation;
  if (info.known) {
    view.inputPerMTok = info.rates.inputPerMTok;
    view.cachedInputPerMTok = info.rates.cachedInputPerMTok;
    view.outputPerMTok = info.rates.outputPerMTok;
    if (info.tiers.length) {
      view.longContext = info.tiers
        .map(
          (t) =>
            `above ${t.aboveInputTokens.toLocaleString('en-US')} input tokens: ${usdRate(t.inputPerMTok)} in / ${usdRate(t.outputPerMTok)} out`,
        )
        .join('; ');
    }
    if (info.source === 'bundled' && info.bundled) view.dataDate = info.bundled.dataDate;
  } else view.message = info.message;
  return view;
}

export function priceViews(config: TieredConfig, book: PriceBook): ModelPriceView[] {
  return Object.keys(config.models).map((id) => {
    const model = resolveModel(config, id);
    return priceView(model, book.describe(model));
  });
}

export interface TodaySpend {
  day: string;
  spentUsd: number;
  capUsd: number;
}

export interface PanelDataInput {
  config: TieredConfig;
  cache: SpendCache;
  range: RangeSpec;
  days: DayRange;
  today: TodaySpend;
  prices: ModelPriceView[];
  /** Deprecations, shadow agreement, LiteLLM budgets, latency (none when omitted). */
  insights?: InsightsView;
}

export function buildPanelData(input: PanelDataInput): PanelData {
  const { config, cache, days } = input;
  const pro = proModelOf(config);
  const proPrice = pro ? input.prices.find((p) => p.modelId === pro.id) : undefined;
  return {
    range: input.range,
    days,
    today: input.today.day,
    summary: cache.summary(days),
    recent: cache.recent(days),
    recentLimit: RECENT_LIMIT,
    caps: {
      dailyCapUsd: config.budget.dailyCapUsd,
      perCommandUsd: { ...config.budget.perCommandUsd },
      softThreshold: config.budget.softThreshold,
      commands: Object.keys(config.commands),
      todayCapUsd: input.today.capUsd,
      // The ledger's exact sum when today is loaded, as the status bar shows it (the budget's
      // figure rounds each call up to a micro-dollar for the cap check).
      todaySpentUsd: cache.has(input.today.day)
        ? cache.summary({ from: input.today.day, to: input.today.day }).usd
        : input.today.spentUsd,
    },
    prices: input.prices,
    priceData: { ...BUNDLED_PRICE_DATA },
    proModel: { modelId: pro?.id ?? '(none)', known: proPrice !== undefined && proPrice.source !== 'unknown' },
    tierOrder: Object.keys(config.tiers),
    insights: input.insights ?? EMPTY_INSIGHTS,
  };
}
