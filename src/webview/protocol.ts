// The one message protocol between the cost panel (browser) and its host (extension). The host
// validates every message from the panel with these schemas; the panel imports types only, so zod
// stays out of its bundle. Requests carry an id; the host answers each with `result` (and `data`
// when the view changed), quoting the id.
import { z } from 'zod';
import type { Deprecation } from '../core/deprecation';
import type { KeyInfoResult } from '../core/litellm';
import type { ShadowAgreement } from '../core/shadow/samples';
import type { SpendSummary } from '../core/spend/aggregate';
import type { CallRow } from '../core/spend/calls';
import { isDay, type DayRange, type RangeSpec } from '../core/spend/days';

const day = z.string().refine(isDay, 'expected a real date as YYYY-MM-DD');
const usd = z.number().finite().nonnegative().max(100_000);
const requestId = z.string().min(1).max(64);

export const rangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('today') }),
  z.strictObject({ kind: z.literal('7d') }),
  z.strictObject({ kind: z.literal('30d') }),
  z.strictObject({ kind: z.literal('custom'), from: day, to: day }),
]);

export const capsSchema = z.strictObject({
  dailyCapUsd: usd,
  /** Command → cap; a command left out has no cap of its own. */
  perCommandUsd: z.record(z.string().min(1).max(64), usd),
  softThreshold: z.number().min(0).max(1),
});

/** Everything the panel may send. */
export const panelMessageSchema = z.discriminatedUnion('type', [
  // The panel's own range after hide/show (from its saved state); absent on a fresh panel.
  z.strictObject({ type: z.literal('ready'), requestId, range: rangeSchema.optional() }),
  z.strictObject({ type: z.literal('setRange'), requestId, range: rangeSchema }),
  z.strictObject({ type: z.literal('setCaps'), requestId, caps: capsSchema }),
  z.strictObject({ type: z.literal('raiseToday'), requestId, amountUsd: usd.positive() }),
  z.strictObject({ type: z.literal('exportCsv'), requestId }),
  // "Swap model" next to a deprecation: the host opens the one place models are swapped.
  z.strictObject({ type: z.literal('swapModel'), requestId, modelId: z.string().min(1).max(200) }),
]);

export type PanelMessage = z.infer<typeof panelMessageSchema>;
export type CapsInput = z.infer<typeof capsSchema>;

// The schema and core's RangeSpec must describe the same thing (a compile error here if they drift).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const rangeMatchesCore: Same<z.infer<typeof rangeSchema>, RangeSpec> = true;
void rangeMatchesCore;

/** How one model is priced, for the price-source section. */
export interface ModelPriceView {
  modelId: string;
  /** The provider's model name. */
  model: string;
  provider: string;
  tier: string;
  source: 'override' | 'bundled' | 'local' | 'unknown';
  inputPerMTok?: number;
  cachedInputPerMTok?: number;
  outputPerMTok?: number;
  /** e.g. "above 200,000 input tokens: $4 / $18" */
  longContext?: string;
  /** Bundled data's publication date when the source is bundled. */
  dataDate?: string;
  /** Deprecation date from the model table, and whether it has passed / the data says deprecated. */
  deprecation?: string;
  deprecated: boolean;
  /** What to do about an unknown price. */
  message?: string;
}

export interface CapsView extends CapsInput {
  /** Commands a per-command cap may be set for (from `tiered.commands`). */
  commands: string[];
  /** Extra allowance added today by "Raise today's cap". */
  todayCapUsd: number;
  todaySpentUsd: number;
}

/** What the deprecation, shadow, LiteLLM and latency features know (FeatureContext.insights()). */
export interface InsightsView {
  /** Models with a shutdown date or a deprecated flag, soonest first. */
  deprecations: Deprecation[];
  shadow: ShadowAgreement;
  /** One per LiteLLM proxy provider: its key budget, or why it could not be read. */
  litellm: KeyInfoResult[];
  /** The latency-aware lite tier's state in one line; empty when nothing happened. */
  latency: string;
}

export const EMPTY_INSIGHTS: InsightsView = {
  deprecations: [],
  shadow: { tone: { samples: 0, meanSimilarity: null }, review: { samples: 0, meanOverlap: null } },
  litellm: [],
  latency: '',
};

/** The whole view the panel renders. */
export interface PanelData {
  range: RangeSpec;
  days: DayRange;
  today: string;
  summary: SpendSummary;
  /** Newest first, at most `recentLimit`. */
  recent: CallRow[];
  recentLimit: number;
  caps: CapsView;
  prices: ModelPriceView[];
  /** Version and date of the bundled price data. */
  priceData: { package: string; version: string; date: string };
  /** The pro primary model the savings are priced at, and whether its price is known. */
  proModel: { modelId: string; known: boolean };
  tierOrder: string[];
  /** Absent in a view saved by an older version (the webview state survives updates). */
  insights?: InsightsView;
}

/** Everything the host may send. */
export type HostMessage =
  | { type: 'data'; requestId?: string; data: PanelData }
  | { type: 'result'; requestId: string; ok: boolean; message: string }
  | { type: 'error'; message: string };

/** What the panel keeps across hide/show (vscode.setState). */
export interface PanelState {
  range: RangeSpec;
  sort: { key: string; descending: boolean };
  filter: string;
  data?: PanelData;
}
