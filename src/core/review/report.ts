// The outcome of one review as the editor shows it: findings resolved to the reviewed files,
// what each stage cost, and the report (reportMarkdown.ts, reportHtml.ts).
import { formatUsd, sumUsd } from '../money/format';
import type { ReviewKind } from './input';
import type { ReviewError } from './failure';
import type { Finding } from './findings';

export { formatUsd }; // the one money formatter (src/core/money/format.ts), for the review's callers

export interface StageRecord {
  stage: 'triage' | 'extract' | 'review' | 'repair';
  tier: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  latencyMs: number;
  /** Set for a billed call that failed (a cut stream, an answer rejected after its repair). */
  outcome?: 'error' | 'cancelled';
  reason?: string;
}

export interface ReportedFinding extends Finding {
  /** The reviewed file's editor id (URI string); undefined when the model named an unknown file. */
  uri?: string;
}

export interface ReviewReport {
  /** The cache key: the same content, models and prompt give the same id. */
  key: string;
  kind: ReviewKind;
  title: string;
  startedAt: string;
  elapsedMs: number;
  /** Model id and tier of the stage that wrote the findings. */
  model: string;
  tier: string;
  summary: string;
  findings: ReportedFinding[];
  files: Array<{ path: string; uri: string }>;
  excluded: string[];
  skipped?: string[];
  stages: StageRecord[];
  totals: { inputTokens: number; outputTokens: number; reasoningTokens: number; costUsd: number };
  /** Why the review ran the way it did (plan, auto depth). */
  decisions: string[];
  /** Set when this report came from the cache (no call, no cost). */
  fromCache?: { storedAt: string };
  /** Set when the review failed: this report is the attempt (its stages and cost), without findings. */
  error?: ReviewError;
}

export function sumStages(stages: StageRecord[]): ReviewReport['totals'] {
  const tokens = stages.reduce(
    (t, s) => ({
      inputTokens: t.inputTokens + s.inputTokens,
      outputTokens: t.outputTokens + s.outputTokens,
      reasoningTokens: t.reasoningTokens + s.reasoningTokens,
    }),
    { inputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  );
  // Summed in nano-dollars: the total is exactly the stages' amounts, without float noise.
  return { ...tokens, costUsd: sumUsd(stages.map((s) => s.costUsd)) };
}
