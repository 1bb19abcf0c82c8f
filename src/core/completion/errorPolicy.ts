// What inline completions do after a failed request: how long to send nothing, and whether to tell
// the user (once). Pure, so it is unit-tested (test/unit/inlineErrorPolicy.test.ts);
// src/vscode/inline/index.ts shows the notices and asks `blocked()` before every request.
import { TieredError, isModelConfigProblem, type ErrorReason } from '../errors';

/** After these errors, no request for a while: the same failing request is not re-sent on every pause. */
export const BACKOFF_MS: Partial<Record<ErrorReason, number>> = {
  auth: 60_000,
  config: 60_000,
  quota: 60_000,
  rateLimit: 15_000,
  modelNotFound: 60_000,
  denied: 60_000,
  // A 400 about the input itself (e.g. too long): another prompt may pass, but not the next keystroke's.
  badRequest: 30_000,
  // Every model of the chain spent its cap thinking: the next prompt would most likely do the same.
  truncated: 60_000,
  // A failing server: a short pause instead of a request on every pause in typing.
  server: 10_000,
  timeout: 10_000,
  network: 10_000,
  invalidResponse: 10_000,
};

/**
 * A model the provider rejected for its configuration: the call path skips it and composition.ts
 * has already shown one notice naming it; when every model of the chain is skipped, inline waits
 * this long before even asking the call path again.
 */
export const MODEL_PROBLEM_BACKOFF_MS = 60_000;

/** Reasons told once until the settings change, not again after the next success. */
const STICKY: ReadonlySet<ErrorReason> = new Set(['truncated', 'badRequest']);

export type InlineNotice =
  { kind: 'budget'; message: string } | { kind: 'auth'; message: string } | { kind: 'warning'; message: string };

export interface ErrorDecision {
  /** Sending is blocked until this time (ms since epoch), if it was set. */
  backoffUntil?: number;
  /** Shown to the user, at most once per reason (see `succeeded` and `reset`). */
  notice?: InlineNotice;
  /** The text for the log, when the failure is worth a line. */
  log?: string;
}

export class InlineErrorPolicy {
  private until = 0;
  private readonly told = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True while a back-off runs: nothing may be sent. */
  blocked(): boolean {
    return this.now() < this.until;
  }

  /** A request succeeded: transient failures may be told again next time. */
  succeeded(): void {
    for (const reason of [...this.told]) if (!STICKY.has(reason as ErrorReason)) this.told.delete(reason);
  }

  /** Settings or a key changed: try at once, and tell everything again. */
  reset(): void {
    this.until = 0;
    this.told.clear();
  }

  /** Forgets that the cap was told (the cap was raised or a new day began). */
  forget(reason: ErrorReason): void {
    this.told.delete(reason);
  }

  failed(err: unknown): ErrorDecision {
    if (!TieredError.is(err)) return { log: `Inline suggestion failed: ${String(err)}` };
    if (err.reason === 'cancelled') return {};
    // (a plain boolean: the guard would narrow `err` to never below)
    const modelProblem: boolean = isModelConfigProblem(err);
    if (modelProblem) {
      // Already told by the model-problem notice (once per model); back off so that the call path
      // is not asked on every pause while every model of the chain is skipped.
      this.until = this.now() + MODEL_PROBLEM_BACKOFF_MS;
      return { backoffUntil: this.until };
    }
    const wait = BACKOFF_MS[err.reason];
    const decision: ErrorDecision = {};
    if (wait) {
      this.until = this.now() + wait;
      decision.backoffUntil = this.until;
    }
    if (this.told.has(err.reason)) return decision;
    this.told.add(err.reason);
    decision.log = `Inline suggestions: ${err.message}`;
    if (err.reason === 'budget') {
      decision.notice = {
        kind: 'budget',
        message: `Tiered: inline suggestions are paused by today's spend cap. ${err.message}`,
      };
    } else if (err.reason === 'auth') {
      decision.notice = { kind: 'auth', message: `Tiered: inline suggestions could not authenticate. ${err.message}` };
    } else if (err.reason === 'truncated') {
      decision.notice = {
        kind: 'warning',
        message: `Tiered: no inline suggestion: the model spent its whole output cap thinking. ${err.message}`,
      };
    } else if (wait) {
      decision.notice = {
        kind: 'warning',
        message: `Tiered: inline suggestions failed (${err.reason}). ${err.message}`,
      };
    }
    return decision;
  }
}
