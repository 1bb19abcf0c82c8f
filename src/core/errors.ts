// Errors carry a reason, never matched by message text. Adapters map every SDK error to one of
// these exactly once; everything above them decides by reason.

export type ErrorReason =
  | 'auth'
  | 'rateLimit'
  | 'quota'
  | 'badRequest'
  | 'modelNotFound'
  | 'server'
  | 'network'
  | 'timeout'
  | 'cancelled'
  | 'invalidResponse'
  | 'budget'
  | 'config';

export interface PartialResult {
  /** Text streamed before the failure. */
  text: string;
  /** Usage, when the server managed to send it. */
  usage: import('./types').NormalizedUsage | null;
  ttftMs?: number;
}

export class TieredError extends Error {
  constructor(
    readonly reason: ErrorReason,
    message: string,
    readonly details: {
      status?: number;
      retryAfterMs?: number;
      partial?: PartialResult;
      provider?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'TieredError';
  }

  static is(err: unknown, ...reasons: ErrorReason[]): err is TieredError {
    return err instanceof TieredError && (reasons.length === 0 || reasons.includes(err.reason));
  }
}

/** Reasons worth retrying on the same model (after backoff). */
export function isTransient(reason: ErrorReason): boolean {
  return reason === 'rateLimit' || reason === 'server' || reason === 'network' || reason === 'timeout';
}

/** Reasons where another model in the same tier may succeed. */
export function allowsFallback(reason: ErrorReason): boolean {
  return isTransient(reason) || reason === 'modelNotFound' || reason === 'quota' || reason === 'invalidResponse';
}
