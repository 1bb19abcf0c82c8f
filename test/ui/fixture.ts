// Ledger records for the spend tests and the panel page: a few days of calls with round numbers,
// so expected figures can be worked out by hand.
import { defaultConfig, type TieredConfig } from '../../src/core/config';
import { deprecationsFor } from '../../src/core/deprecation';
import { parseKeyInfo, type KeyInfoResult } from '../../src/core/litellm';
import { PriceBook } from '../../src/core/prices';
import { summarize, type AgreementSample } from '../../src/core/shadow';
import { SpendCache } from '../../src/core/spend/cache';
import { resolveRange } from '../../src/core/spend/days';
import type { LedgerRecord } from '../../src/core/types';
import { buildPanelData, priceViews, RECENT_LIMIT } from '../../src/vscode/panel/data';
import type { InsightsView, PanelData } from '../../src/webview/protocol';

/** ISO time of a local wall-clock moment (the panel groups by local day). */
export function localIso(day: string, hour: number, minute = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d, hour, minute).toISOString();
}

let seq = 0;

export function record(over: Partial<LedgerRecord> & { day?: string; hour?: number }): LedgerRecord {
  const { day = '2026-11-23', hour = 12, ...rest } = over;
  seq++;
  return {
    v: 1,
    id: `r${seq}`,
    ts: localIso(day, hour, seq % 60),
    window: 'w1',
    command: 'complete',
    tier: 'lite',
    provider: 'gemini',
    model: 'flash-lite',
    inputTokens: 10_000,
    cachedInputTokens: 0,
    outputTokens: 500,
    reasoningTokens: 0,
    costUsd: 0.001,
    costSource: 'bundled',
    estimateUsd: 0.02,
    latencyMs: 300,
    ttftMs: 120,
    outcome: 'ok',
    ...rest,
  };
}

/** Pro rates used by the fixture: $2 / MTok in, $0.5 / MTok cached in, $12 / MTok out. */
export function fixturePriceAtPro(r: LedgerRecord): number {
  return ((r.inputTokens - r.cachedInputTokens) * 2 + r.cachedInputTokens * 0.5 + r.outputTokens * 12) / 1e6;
}

/**
 * Three days ending 2026-11-23:
 * - 11-21: 2 complete (lite, $0.001 each; $0.026 each on pro)
 * - 11-22: 1 review (pro, $0.50), 1 tone (lite, $0.002; $0.037 on pro)
 * - 11-23: 3 complete (lite, $0.001 each), 1 review (pro, $0.40), 1 refused review ($0)
 * Total $0.907 over 9 calls; pro $0.90. All on pro: $1.067, so $0.16 (15.0 %) saved.
 */
export function fixtureRecords(): LedgerRecord[] {
  seq = 0;
  const review = { command: 'review', tier: 'pro', model: 'pro', inputTokens: 20_000, outputTokens: 4000 };
  return [
    record({ day: '2026-11-21', hour: 9 }),
    record({ day: '2026-11-21', hour: 10 }),
    record({ day: '2026-11-22', hour: 9, ...review, costUsd: 0.5, latencyMs: 9000 }),
    record({
      day: '2026-11-22',
      hour: 11,
      command: 'tone',
      costUsd: 0.002,
      inputTokens: 20_000,
      cachedInputTokens: 10_000,
      outputTokens: 1000,
    }),
    record({ day: '2026-11-23', hour: 8 }),
    record({ day: '2026-11-23', hour: 9, model: 'flash-lite-next' }),
    record({ day: '2026-11-23', hour: 10 }),
    record({ day: '2026-11-23', hour: 11, ...review, costUsd: 0.4, latencyMs: 7000 }),
    record({
      day: '2026-11-23',
      hour: 12,
      ...review,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      latencyMs: 0,
      ttftMs: null,
      outcome: 'refused',
      reason: 'daily cap, "review" over $2',
    }),
  ];
}

/**
 * What the beyond features would report, built by their own code:
 * - deprecations: "flash-lite" shuts down 2026-12-10 (17 days; complete, tone); the price data flags
 *   "pro-stable" (review's fallback) deprecated without a date.
 * - shadow: 42 tone samples, mean similarity 0.87; 5 review samples, mean overlap 0.6.
 * - LiteLLM: "team-proxy" $37.50 left of $50, $12.50 spent, resets 2026-12-01; "eu-proxy" refused the key.
 */
export function fixtureInsights(config: TieredConfig, book: PriceBook): InsightsView {
  const flagged: Pick<PriceBook, 'describe'> = {
    describe: (m, at) => ({ ...book.describe(m, at), ...(m.id === 'pro-stable' ? { bundledDeprecated: true } : {}) }),
  };
  const sample = (kind: AgreementSample['kind'], score: number, i: number): AgreementSample => ({
    at: Date.parse('2026-11-20T12:00:00Z') + i * 60_000,
    kind,
    score,
    liteModel: 'flash-lite',
    proModel: 'pro',
    costUsd: 0.003,
  });
  // Tone: 21 at 0.77 and 21 at 0.97 (mean 0.87); review: 0.2, 0.4, 0.6, 0.8, 1 (mean 0.6).
  const samples = [
    ...Array.from({ length: 42 }, (_, i) => sample('tone', i % 2 ? 0.97 : 0.77, i)),
    ...[0.2, 0.4, 0.6, 0.8, 1].map((score, i) => sample('review', score, 100 + i)),
  ];
  const budget = parseKeyInfo({
    key: 'hashed',
    info: {
      spend: 12.5,
      max_budget: 50,
      budget_reset_at: '2026-12-01T00:00:00Z',
      team_id: 'team-a',
      key_alias: 'alice',
    },
  });
  const fetchedAt = Date.parse('2026-11-23T11:58:00Z');
  const litellm: KeyInfoResult[] = [
    { ok: true, providerId: 'team-proxy', budget: budget!, fetchedAt },
    {
      ok: false,
      providerId: 'eu-proxy',
      message: 'http://10.0.0.7:4000/key/info: the proxy refused the key',
      fetchedAt,
    },
  ];
  return {
    deprecations: deprecationsFor(config, flagged, '2026-11-23'),
    shadow: summarize(samples),
    litellm,
    latency: 'complete moved to flash-lite-next: flash-lite p90 TTFT 1240 ms > 800 ms target',
  };
}

/** The fixture's settings: the defaults, with a shutdown date for "flash-lite". */
export function fixtureConfig(): TieredConfig {
  const config = defaultConfig();
  config.models['flash-lite'] = { ...config.models['flash-lite']!, deprecation: '2026-12-10' };
  return config;
}

/** The panel data of the fixture for the 7 days ending 2026-11-23, built by the host's own code. */
export function fixturePanelData(): PanelData {
  const config = fixtureConfig();
  const book = new PriceBook({ clock: { now: () => Date.parse('2026-11-23T12:00:00Z') } });
  const cache = new SpendCache({
    priceAtPro: fixturePriceAtPro,
    recentLimit: RECENT_LIMIT,
    tierOrder: Object.keys(config.tiers),
  });
  const range = { kind: '7d' } as const;
  const days = resolveRange(range, '2026-11-23');
  cache.load(days, fixtureRecords(), new Set(['2026-11-23']));
  return buildPanelData({
    config,
    cache,
    range,
    days,
    today: { day: '2026-11-23', spentUsd: 0.403, capUsd: 5 },
    prices: priceViews(config, book),
    insights: fixtureInsights(config, book),
  });
}
