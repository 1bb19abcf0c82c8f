// A deep review that failed, told truthfully: what happened in plain words (never a raw JSON parse
// error), what the attempt's calls cost, and the attempt itself as a report "Show Last Report" can open.
import { TieredError, type ErrorReason } from '../errors';
import { formatUsd } from '../money/format';
import type { ReviewReport } from './report';

/** The review's answer was still not valid review JSON after its one repair. */
export class ReviewJsonError extends TieredError {
  constructor(message: string) {
    super('invalidResponse', message);
  }
}

/**
 * A review attempt that ended in `original`'s reason; `attempt` holds what ran (stages with their
 * cost, failed calls included) and the error. Same reason and message as the original, so callers
 * that decide by reason are unchanged.
 */
export class ReviewFailedError extends TieredError {
  constructor(
    readonly original: TieredError,
    readonly attempt: ReviewReport & { error: ReviewError },
  ) {
    super(original.reason, original.message, original.details);
  }
}

export interface ReviewError {
  reason: ErrorReason;
  /** What happened, in plain words, as the end of "Deep review failed: …". */
  what: string;
  /** The error's own message (technical detail for the report; the log has the rest). */
  message: string;
}

const WHAT: Record<ErrorReason, string> = {
  invalidResponse: "the model's answer could not be read",
  timeout: 'the model took longer than the timeout to answer',
  network: 'the connection to the provider failed',
  server: "the provider's server failed",
  rateLimit: 'the provider is limiting how often requests may be sent (rate limit)',
  quota: "the provider says this key's quota or credit is used up",
  auth: 'the provider did not accept the API key',
  denied: 'the provider does not let this key use the model',
  modelNotFound: 'the provider does not know the model',
  badRequest: 'the provider rejected the request',
  truncated: 'the model used its whole output limit without giving an answer',
  cancelled: 'it was cancelled',
  budget: "it would go over today's spending cap",
  config: 'the settings need a fix',
};

/** Reasons whose own message names the fix (a setting, a model, an amount): shown after the plain words. */
const MESSAGE_HELPS: ReadonlySet<ErrorReason> = new Set(['truncated', 'config', 'budget', 'denied', 'modelNotFound']);

export function reviewError(err: TieredError): ReviewError {
  const what =
    err instanceof ReviewJsonError
      ? "the model's answer was not valid review JSON, even after one repair"
      : MESSAGE_HELPS.has(err.reason)
        ? `${WHAT[err.reason]}: ${err.message.replace(/\.$/, '')}`
        : WHAT[err.reason];
  return { reason: err.reason, what, message: err.message };
}

/** "$0.0123 over 2 calls" / "nothing (no call was billed)": the attempt's billed stages, summed. */
export function attemptCost(report: Pick<ReviewReport, 'stages' | 'totals'>): string {
  const n = report.stages.length;
  if (n === 0) return 'nothing (no call was billed)';
  return `${formatUsd(report.totals.costUsd)} over ${n} call${n === 1 ? '' : 's'}`;
}

/** The notification: what happened and what it cost, in one or two sentences. */
export function failureMessage(report: ReviewReport & { error: ReviewError }): string {
  return `Deep review of ${report.title} failed: ${report.error.what}. It cost ${attemptCost(report)}.`;
}
