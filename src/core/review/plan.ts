// Which stages a review runs: triage (auto depth), extract → reason (large inputs), and on which
// tier the review itself runs. Pure decisions, logged by the engine with their reasons.
import type { ReviewConfig, TieredConfig } from '../config';
import { tierFor } from '../router';
import type { TierId } from '../types';
import type { Triage } from './prompts';

/** Complexity at or below this is reviewed by the lite tier when auto depth is on. */
export const SIMPLE_MAX_COMPLEXITY = 2;
/** What the triage call sees at most: a sample is enough to rate complexity. */
export const TRIAGE_MAX_TOKENS = 6000;
/** Size of one extractor chunk; the lite model's context is not the limit, its output is. */
export const EXTRACT_CHUNK_TOKENS = 12_000;

export interface ReviewPlan {
  extract: boolean;
  triage: boolean;
  /** Tier of the review (reasoner) stage before any triage decision. */
  reviewTier: TierId;
  /** Tier that extracts and triages. */
  liteTier: TierId;
  reason: string;
}

/** The cheapest tier: the first declared (lite by default). */
export function lowestTier(config: TieredConfig): TierId {
  return Object.keys(config.tiers)[0] ?? 'lite';
}

export function planReview(inputTokens: number, config: TieredConfig): ReviewPlan {
  const review: ReviewConfig = config.review;
  const reviewTier = tierFor(config, 'review');
  const liteTier = lowestTier(config);
  const extract = inputTokens > review.extractAboveTokens && liteTier !== reviewTier;
  // A large input is not "simple": triage would only add a call before the extractor.
  const triage = review.autoDepth && !extract && liteTier !== reviewTier;
  const reasons: string[] = [];
  reasons.push(
    extract
      ? `${inputTokens} input tokens > tiered.review.extractAboveTokens (${review.extractAboveTokens}): ${liteTier} extracts, ${reviewTier} reasons`
      : `${inputTokens} input tokens: one ${reviewTier} review`,
  );
  if (review.autoDepth)
    reasons.push(triage ? `auto depth: ${liteTier} rates complexity first` : 'auto depth skipped (large input)');
  return { extract, triage, reviewTier, liteTier, reason: reasons.join('; ') };
}

export interface DepthDecision {
  tier: TierId;
  reason: string;
}

/** Auto depth: simple inputs (complexity ≤ 2) are reviewed on lite, the rest on the review tier. */
export function decideDepth(triage: Triage, plan: ReviewPlan): DepthDecision {
  const simple = triage.complexity <= SIMPLE_MAX_COMPLEXITY;
  const tier = simple ? plan.liteTier : plan.reviewTier;
  return {
    tier,
    reason: `complexity ${triage.complexity}/5 (${simple ? 'simple' : 'not simple'}, threshold ≤ ${SIMPLE_MAX_COMPLEXITY}) → ${tier}: ${triage.reason}`,
  };
}

/** Keeps whole lines from the start until about `maxTokens`, noting what was cut. */
export function truncateForTriage(rendered: string, maxTokens: number, count: (t: string) => number): string {
  if (count(rendered) <= maxTokens) return rendered;
  const lines = rendered.split('\n');
  const out: string[] = [];
  let tokens = 0;
  for (const line of lines) {
    const t = count(line) + 1;
    if (tokens + t > maxTokens) break;
    out.push(line);
    tokens += t;
  }
  return `${out.join('\n')}\n… (${lines.length - out.length} more lines not shown)`;
}
