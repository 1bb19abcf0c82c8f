// Shadow sampling in the host: the hook tone fixes and reviews call after a lite answer, and the
// agreement summary the cost panel shows. Samples live in globalState (shared by all windows).
import type { FeatureContext, SpendStatus } from '../featureContext';
import {
  parseSamples,
  ShadowSampler,
  summarize,
  type AgreementSample,
  type FindingKey,
  type ShadowAgreement,
  type ShadowOutcome,
  type ShadowRequest,
} from '../../core/shadow';
import { systemClock, type TierId } from '../../core/types';
import { shadowSettings } from './settings';

export const SHADOW_SAMPLES_KEY = 'tiered.shadow.samples';

const samplers = new WeakMap<FeatureContext, ShadowSampler>();

function samplerFor(ctx: FeatureContext): ShadowSampler {
  let sampler = samplers.get(ctx);
  if (sampler) return sampler;
  const stop = new AbortController();
  ctx.extension.subscriptions.push({ dispose: () => stop.abort() });
  const state = ctx.extension.globalState;
  sampler = new ShadowSampler({
    settings: shadowSettings,
    config: () => ctx.config(),
    runner: ctx.runner,
    shadowSpend: async () => {
      // Other windows' shadow calls in flight count too (the budget reports them when it knows).
      const s: SpendStatus & { commandReservedUsd?: number } = await ctx.spend('shadow');
      return {
        spentUsd: (s.commandSpentUsd ?? 0) + (s.commandReservedUsd ?? 0),
        softReached: s.softReached || s.capReached,
      };
    },
    loadSamples: () => parseSamples(state.get(SHADOW_SAMPLES_KEY)),
    saveSamples: (samples: AgreementSample[]) => state.update(SHADOW_SAMPLES_KEY, samples),
    random: Math.random,
    clock: systemClock,
    logger: ctx.logger,
    signal: stop.signal,
  });
  samplers.set(ctx, sampler);
  return sampler;
}

/** What the lite call answered: pass `result.tier` and `result.model.id` from its CallResult. */
export interface LiteToneResult {
  tier: TierId;
  model: string;
  /** The rewritten text the user was offered. */
  text: string;
}

export interface LiteReviewResult {
  tier: TierId;
  model: string;
  findings: readonly FindingKey[];
}

/**
 * Call after a lite answer, without awaiting: when shadow sampling is on and this answer is drawn,
 * the same request (`input.build`) runs on the tier above in the background under the `shadow`
 * command, and the agreement is stored. Answers already from the top tier (pro reviews,
 * escalated tone fixes) are skipped. Never throws; the promise is for tests and logs.
 */
export function maybeShadow(
  ctx: FeatureContext,
  kind: 'tone',
  input: ShadowRequest,
  liteResult: LiteToneResult,
): Promise<ShadowOutcome>;
export function maybeShadow(
  ctx: FeatureContext,
  kind: 'review',
  input: ShadowRequest,
  liteResult: LiteReviewResult,
): Promise<ShadowOutcome>;
export function maybeShadow(
  ctx: FeatureContext,
  kind: 'tone' | 'review',
  input: ShadowRequest,
  liteResult: LiteToneResult | LiteReviewResult,
): Promise<ShadowOutcome> {
  return samplerFor(ctx)
    .maybe(kind, input, liteResult)
    .then((outcome) => {
      if (outcome.status === 'skipped' && outcome.reason !== 'disabled' && outcome.reason !== 'not-sampled') {
        ctx.logger.debug(`shadow ${kind}: skipped (${outcome.reason})`);
      }
      return outcome;
    });
}

/** How often lite and pro agreed, over the stored samples (optionally since a time, epoch ms). */
export function shadowAgreement(ctx: FeatureContext, sinceMs?: number): ShadowAgreement {
  return summarize(parseSamples(ctx.extension.globalState.get(SHADOW_SAMPLES_KEY)), sinceMs);
}
