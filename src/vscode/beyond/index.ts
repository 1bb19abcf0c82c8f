// The "beyond" features in one place: tier optimizer, deprecation warnings, shadow sampling, the
// latency-aware lite tier and LiteLLM team budgets. activateBeyond registers them all and returns
// what the call path and the cost panel read.
import type * as vscode from 'vscode';
import type { Deprecation } from '../../core/deprecation';
import type { KeyInfoResult } from '../../core/litellm';
import type { InlineStatsByDay, OptimizerReport } from '../../core/optimizer';
import { PriceBook } from '../../core/prices';
import type { ResolvedModel } from '../../core/router';
import type { ShadowAgreement } from '../../core/shadow';
import type { CommandId } from '../../core/types';
import type { FeatureContext } from '../featureContext';
import { secretKey } from '../secrets';
import { activateDeprecation } from './deprecation';
import { activateLatency } from './latency';
import { activateLitellm } from './litellm';
import { activateOptimizer, INLINE_STATS_KEY } from './optimizer';
import { shadowAgreement } from './shadow';

export { maybeShadow, shadowAgreement, type LiteReviewResult, type LiteToneResult } from './shadow';
export { openModelSettings } from './deprecation';

export interface BeyondHooks {
  /** The composition root's PriceBook (default: a new one). */
  priceBook?: PriceBook;
  /** Inline acceptance counts (default: globalState 'tiered.inlineStats', written by the inline feature). */
  inlineStats?: () => InlineStatsByDay | undefined;
  /** A provider's API key (default: SecretStorage 'tiered.apiKey.<id>'). */
  apiKey?: (providerId: string) => Promise<string | undefined>;
}

export interface BeyondApi {
  /** For CallPathDeps.reorder: moves inline completion off a slow lite primary. */
  reorder(command: CommandId, chain: ResolvedModel[]): ResolvedModel[];
  /** The latency state in one line (empty when nothing happened), for the status bar tooltip. */
  latencyDescription(): string;
  /** Models with a shutdown date or a deprecated flag, soonest first (for the cost panel). */
  deprecations(): Deprecation[];
  /** Lite vs pro agreement from shadow samples (for the cost panel). */
  shadowAgreement(sinceMs?: number): ShadowAgreement;
  /** Last known LiteLLM key budgets, one per proxy provider (for the cost panel). */
  litellmBudgets(): KeyInfoResult[];
  refreshLitellmBudgets(): Promise<KeyInfoResult[]>;
  readonly onDidChangeLitellmBudgets: vscode.Event<KeyInfoResult[]>;
  /** The optimizer's report over the last `days` days. */
  routingReport(days?: number): Promise<OptimizerReport>;
}

export function activateBeyond(ctx: FeatureContext, hooks: BeyondHooks = {}): BeyondApi {
  const priceBook = hooks.priceBook ?? new PriceBook();
  const inlineStats =
    hooks.inlineStats ??
    ((): InlineStatsByDay | undefined => ctx.extension.globalState.get<InlineStatsByDay>(INLINE_STATS_KEY));
  const apiKey =
    hooks.apiKey ??
    (async (id: string): Promise<string | undefined> => (await ctx.extension.secrets.get(secretKey(id))) || undefined);

  const latency = activateLatency(ctx);
  const deprecation = activateDeprecation(ctx, priceBook);
  const litellm = activateLitellm(ctx, apiKey);
  const optimizer = activateOptimizer(ctx, priceBook, inlineStats);

  return {
    reorder: (command, chain) => latency.reorder(command, chain),
    latencyDescription: () => latency.describe(),
    deprecations: () => deprecation.list(),
    shadowAgreement: (sinceMs) => shadowAgreement(ctx, sinceMs),
    litellmBudgets: () => litellm.budgets(),
    refreshLitellmBudgets: () => litellm.refresh(),
    onDidChangeLitellmBudgets: litellm.onDidChange,
    routingReport: (days) => optimizer.report(days),
  };
}
