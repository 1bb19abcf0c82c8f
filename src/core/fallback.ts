// The order in which a failing call is retried: same model with backoff (honouring Retry-After),
// then the next model of the same tier, then stop. Fallback never goes down a tier: the chain
// handed in is one tier's models only. Pure, so the order is tested without a server.
import { TieredError, allowsFallback, isTransient } from './errors';

export interface Attempt<M> {
  model: M;
  /** Position of the model in the chain (0 = primary). */
  modelIndex: number;
  /** 0 = first try on this model, 1.. = retries. */
  attempt: number;
}

/** Every attempt in order when everything fails transiently: each model, 1 + retries times. */
export function planAttempts<M>(chain: readonly M[], retries: number): Attempt<M>[] {
  const n = Math.max(0, Math.floor(retries));
  return chain.flatMap((model, modelIndex) =>
    Array.from({ length: n + 1 }, (_, attempt) => ({ model, modelIndex, attempt })),
  );
}

export interface BackoffPolicy {
  /** First retry waits this long; each next one doubles. */
  baseMs: number;
  /** Cap of the exponential wait. */
  maxMs: number;
  /** A Retry-After longer than this is not waited for: the next model is tried instead. */
  maxRetryAfterMs: number;
  /** 0..1 → fraction of the wait added as jitter; omit for none (tests, a single window). */
  random?: () => number;
  jitter?: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 8000, maxRetryAfterMs: 30_000 };

/** Wait before retry number `attempt + 1`: Retry-After when the server sent one, else exponential. */
export function backoffDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) return Math.ceil(retryAfterMs);
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  const jitter = policy.random && policy.jitter ? exp * policy.jitter * policy.random() : 0;
  return Math.round(Math.min(policy.maxMs, exp + jitter));
}

export type Step =
  { action: 'retry'; delayMs: number; why: string } | { action: 'next'; why: string } | { action: 'stop'; why: string };

export interface StepContext {
  /** Retries allowed on one model. */
  retries: number;
  /** Whether the chain has a model after this one (and fallback is allowed). */
  hasNext: boolean;
  policy?: BackoffPolicy;
}

/** What to do after `error` on try number `attempt` (0-based) of the current model. */
export function nextStep(error: unknown, attempt: number, ctx: StepContext): Step {
  const policy = ctx.policy ?? DEFAULT_BACKOFF;
  if (!TieredError.is(error)) return { action: 'stop', why: 'unexpected error' };
  const reason = error.reason;
  // The user or the budget said no: nothing else may be sent.
  if (reason === 'cancelled' || reason === 'budget' || reason === 'config') return { action: 'stop', why: reason };
  if (isTransient(reason) && attempt < ctx.retries) {
    const delayMs = backoffDelay(attempt, error.details.retryAfterMs, policy);
    if (delayMs <= policy.maxRetryAfterMs) {
      const source = error.details.retryAfterMs !== undefined ? 'Retry-After' : 'backoff';
      return { action: 'retry', delayMs, why: `${reason}, ${source} ${delayMs} ms` };
    }
    // The server asks for a longer pause than we wait: another model may answer now.
    if (ctx.hasNext) return { action: 'next', why: `${reason}, Retry-After ${delayMs} ms too long` };
    return { action: 'stop', why: `${reason}, Retry-After ${delayMs} ms too long` };
  }
  if (allowsFallback(reason) && ctx.hasNext) return { action: 'next', why: reason };
  return { action: 'stop', why: reason };
}

/** The message when the whole chain failed: names what was tried and that lite is not used. */
export function chainFailedMessage(tier: string, tried: readonly string[], error: unknown): string {
  const what = TieredError.is(error) ? error.message : String(error);
  return `${what} (tried ${tried.join(', ')} on the ${tier} tier; Tiered never falls back to a lower tier.)`;
}
