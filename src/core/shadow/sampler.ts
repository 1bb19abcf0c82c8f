// Shadow sampling: a chosen share of lite answers (tone fixes, reviews) is also sent to the tier
// above in the background, billed under the `shadow` command and kept within its own daily budget,
// so the user can see how often lite and pro agree. Opt-in; every skip has a named reason.
import type { CallRunner, RequestBody } from '../calls';
import type { TieredConfig } from '../config';
import { parseFindings } from '../review/findings';
import { tierAbove, type ResolvedModel } from '../router';
import type { Clock, Logger, TierId } from '../types';
import { findingsOverlap, type FindingKey } from './overlap';
import { addSample, type AgreementSample, type ShadowKind } from './samples';
import { editSimilarity } from './similarity';

export const SHADOW_COMMAND = 'shadow';

export interface ShadowSettings {
  enabled: boolean;
  /** Share of eligible lite answers shadowed, 0..1. */
  sampleRate: number;
  /** Most the shadow command may spend per day (USD). */
  dailyCapUsd: number;
}

/** How the feature built its lite request; the shadow call sends the same request to the tier above. */
export interface ShadowRequest {
  build(model: ResolvedModel): RequestBody;
  /** Provider-side input token count, when the feature has one. */
  inputTokens?: number;
  /** Tone: turns the pro model's raw answer into the text the user would have seen (default: trimmed). */
  extract?(text: string): string | undefined;
  /** Review: turns the pro model's raw answer into findings (default: the review JSON schema). */
  parseFindings?(text: string): FindingKey[] | undefined;
}

/** What lite answered. `tier` and `model` come from the feature's CallResult (result.tier, result.model.id). */
export type LiteAnswer =
  { tier: TierId; model: string; text: string } | { tier: TierId; model: string; findings: readonly FindingKey[] };

export type ShadowOutcome =
  | { status: 'sampled'; sample: AgreementSample }
  | {
      status: 'skipped';
      reason: 'disabled' | 'not-sampled' | 'no-tier-above' | 'busy' | 'budget' | 'soft-threshold' | 'no-price';
    }
  | { status: 'failed'; reason: string };

export interface ShadowDeps {
  settings(): ShadowSettings;
  config(): TieredConfig;
  runner: Pick<CallRunner, 'run' | 'estimate'>;
  /** Today's spend of the shadow command, and whether the global soft threshold is reached. */
  shadowSpend(): Promise<{ spentUsd: number; softReached: boolean }>;
  loadSamples(): readonly AgreementSample[];
  saveSamples(samples: AgreementSample[]): PromiseLike<void> | void;
  random(): number;
  clock: Clock;
  logger: Logger;
  /** Aborted when the extension deactivates. */
  signal?: AbortSignal;
}

export class ShadowSampler {
  private inFlight = 0;
  /** Worst case of the shadow call under way, not yet in the ledger's spend. */
  private reservedUsd = 0;

  constructor(private readonly deps: ShadowDeps) {}

  /** Decides, runs the pro call and stores the agreement. Never throws. */
  async maybe(kind: ShadowKind, request: ShadowRequest, lite: LiteAnswer): Promise<ShadowOutcome> {
    try {
      return await this.run(kind, request, lite);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.deps.logger.warn(`shadow ${kind}: ${reason}`);
      return { status: 'failed', reason };
    }
  }

  private async run(kind: ShadowKind, request: ShadowRequest, lite: LiteAnswer): Promise<ShadowOutcome> {
    const settings = this.deps.settings();
    if (!settings.enabled || settings.dailyCapUsd <= 0) return { status: 'skipped', reason: 'disabled' };
    // Decide by chance first: an unsampled answer costs nothing, not even an estimate.
    if (!(this.deps.random() < settings.sampleRate)) return { status: 'skipped', reason: 'not-sampled' };
    const proTier = tierAbove(this.deps.config(), lite.tier);
    if (!proTier) return { status: 'skipped', reason: 'no-tier-above' };
    // One at a time: shadow work must never pile up behind a burst of tone fixes.
    if (this.inFlight > 0) return { status: 'skipped', reason: 'busy' };
    this.inFlight++;
    try {
      const spec = {
        command: SHADOW_COMMAND,
        tier: proTier,
        build: request.build,
        escalate: false,
        retries: 0,
        ...(request.inputTokens !== undefined ? { inputTokens: request.inputTokens } : {}),
        ...(this.deps.signal ? { signal: this.deps.signal } : {}),
      };
      const [spend, estimate] = await Promise.all([this.deps.shadowSpend(), this.deps.runner.estimate(spec)]);
      // Near the user's daily cap their own work comes first.
      if (spend.softReached) return { status: 'skipped', reason: 'soft-threshold' };
      if (!Number.isFinite(estimate.worstCaseUsd)) return { status: 'skipped', reason: 'no-price' };
      if (spend.spentUsd + this.reservedUsd + estimate.worstCaseUsd > settings.dailyCapUsd) {
        return { status: 'skipped', reason: 'budget' };
      }
      this.reservedUsd += estimate.worstCaseUsd;
      let result;
      try {
        result = await this.deps.runner.run(spec);
      } finally {
        this.reservedUsd -= estimate.worstCaseUsd;
      }
      const score = this.score(kind, request, lite, result.text);
      if (score === undefined) return { status: 'failed', reason: `the ${proTier} answer could not be read` };
      const sample: AgreementSample = {
        at: this.deps.clock.now(),
        kind,
        score,
        liteModel: lite.model,
        proModel: result.model.id,
        costUsd: result.costUsd,
      };
      await this.deps.saveSamples(addSample(this.deps.loadSamples(), sample));
      this.deps.logger.info(
        `shadow ${kind}: ${lite.model} vs ${result.model.id} agreement ${(score * 100).toFixed(0)}% ($${result.costUsd.toFixed(4)})`,
      );
      return { status: 'sampled', sample };
    } finally {
      this.inFlight--;
    }
  }

  private score(kind: ShadowKind, request: ShadowRequest, lite: LiteAnswer, proText: string): number | undefined {
    if (kind === 'tone') {
      if (!('text' in lite)) return undefined;
      const pro = request.extract ? request.extract(proText) : proText.trim();
      return pro === undefined ? undefined : editSimilarity(lite.text, pro);
    }
    if (!('findings' in lite)) return undefined;
    const pro = request.parseFindings ? request.parseFindings(proText) : defaultFindings(proText);
    return pro === undefined ? undefined : findingsOverlap(lite.findings, pro);
  }
}

function defaultFindings(text: string): FindingKey[] | undefined {
  const parsed = parseFindings(text);
  return parsed.ok ? parsed.value.findings : undefined;
}
