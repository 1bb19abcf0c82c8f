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
  | 'config'
  /** The provider refuses this model or region for this key (403): not a key problem. */
  | 'denied'
  /** The answer ended at the output cap with nothing usable (reasoning ate the cap). */
  | 'truncated';

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
      /** The request parameter the provider named (OpenAI `param`, a Gemini field in the message). */
      param?: string;
      /** The provider's error code (`unsupported_value`, `INVALID_ARGUMENT`, `context_length_exceeded`). */
      code?: string;
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
  return (
    isTransient(reason) ||
    reason === 'modelNotFound' ||
    reason === 'quota' ||
    reason === 'invalidResponse' ||
    reason === 'badRequest' ||
    reason === 'denied' ||
    reason === 'truncated'
  );
}

const INPUT_TOO_LARGE = /context|too (long|large)|maximum.*tokens|token count|input length/i;

/**
 * A failure that will repeat for every request to this model until a setting changes: a model the
 * provider does not serve or lets this key use, or a 400 about a parameter (not about the input's
 * size, which another prompt may fit). The call path skips such a model for the session.
 */
export function isModelConfigProblem(err: unknown): err is TieredError {
  if (!TieredError.is(err)) return false;
  if (err.reason === 'modelNotFound' || err.reason === 'denied') return true;
  if (err.reason !== 'badRequest') return false;
  if (err.details.code === 'context_length_exceeded') return false;
  return !INPUT_TOO_LARGE.test(err.message);
}
