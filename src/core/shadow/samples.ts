// Stored agreement samples (lite answer vs the pro shadow answer) and their summary for the panel.

export type ShadowKind = 'tone' | 'review';

export interface AgreementSample {
  /** Epoch ms. */
  at: number;
  kind: ShadowKind;
  /** 0..1: edit similarity (tone) or findings overlap (review). */
  score: number;
  liteModel: string;
  proModel: string;
  /** What the shadow call cost. */
  costUsd: number;
}

export interface ShadowAgreement {
  tone: { samples: number; meanSimilarity: number | null };
  review: { samples: number; meanOverlap: number | null };
}

/** How many samples are kept: enough for a stable mean, small enough for globalState. */
export const MAX_SAMPLES = 500;

/** Appends a sample, dropping the oldest beyond `max`. Returns a new array. */
export function addSample(
  samples: readonly AgreementSample[],
  sample: AgreementSample,
  max = MAX_SAMPLES,
): AgreementSample[] {
  const next = [...samples, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Mean agreement per kind, over samples at or after `sinceMs` (all when omitted). */
export function summarize(samples: readonly AgreementSample[], sinceMs = -Infinity): ShadowAgreement {
  const mean = (kind: ShadowKind): { n: number; mean: number | null } => {
    const scores = samples
      .filter((s) => s.kind === kind && s.at >= sinceMs && Number.isFinite(s.score))
      .map((s) => s.score);
    return { n: scores.length, mean: scores.length ? scores.reduce((x, y) => x + y, 0) / scores.length : null };
  };
  const tone = mean('tone');
  const review = mean('review');
  return {
    tone: { samples: tone.n, meanSimilarity: tone.mean },
    review: { samples: review.n, meanOverlap: review.mean },
  };
}

/** Reads stored samples, dropping anything malformed (globalState holds what an older version wrote). */
export function parseSamples(raw: unknown): AgreementSample[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (s): s is AgreementSample =>
      !!s &&
      typeof s === 'object' &&
      typeof (s as AgreementSample).at === 'number' &&
      ((s as AgreementSample).kind === 'tone' || (s as AgreementSample).kind === 'review') &&
      typeof (s as AgreementSample).score === 'number' &&
      typeof (s as AgreementSample).liteModel === 'string' &&
      typeof (s as AgreementSample).proModel === 'string' &&
      typeof (s as AgreementSample).costUsd === 'number',
  );
}
