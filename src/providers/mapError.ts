// Every SDK / HTTP failure becomes one TieredError here, once, by reason. Messages name the
// provider and the model and quote the server's own words (redacted), never the key.
import { ApiError as GeminiApiError } from '@google/genai';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { TieredError, type ErrorReason } from '../core/errors';
import { redact } from '../core/redact';
import type { ProviderKind } from '../core/types';
import type { CallControl } from './callControl';

export interface ErrorContext {
  /** The provider's id in settings (e.g. "gemini", "openrouter"). */
  providerId: string;
  kind: ProviderKind;
  model: string;
  /** Removed verbatim from any server text we quote. */
  apiKey?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** What an HTTP failure told us, whichever SDK raised it. */
interface Failure {
  status?: number;
  /** The body's `error` object (OpenAI `{message,type,code}`, Google `{code,message,status,details}`). */
  error?: Json;
  headers?: { get(name: string): string | null };
}

/** Retry-After: delay-seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date has a month name; bare numbers like "-5" would parse as years.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Google's RetryInfo detail: `retryDelay: "37s"` (or "1.5s"). */
function googleRetryDelayMs(error: Json | undefined): number | undefined {
  const details = Array.isArray(error?.details) ? error.details : [];
  for (const d of details) {
    const delay = obj(d)?.retryDelay;
    const m = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
    if (m) return Math.round(Number(m[1]) * 1000);
  }
  return undefined;
}

/** Google's ApiError message is the JSON body, sometimes prefixed ("got status: …. {json}"). */
function googleErrorObject(message: string): Json | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    return obj(obj(JSON.parse(message.slice(start)))?.error);
  } catch {
    return undefined;
  }
}

/** OpenAI's retry-after-ms, then Retry-After, then Google's RetryInfo in the body. */
function retryAfterOf(failure: Failure): number | undefined {
  const ms = failure.headers?.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  return parseRetryAfter(failure.headers?.get('retry-after')) ?? googleRetryDelayMs(failure.error);
}

function failureOf(err: unknown): Failure | undefined {
  if (err instanceof APIError && !(err instanceof APIConnectionError) && !(err instanceof APIUserAbortError)) {
    const error = obj(err.error);
    // A mid-stream error event has no HTTP status; OpenRouter and others put one in error.code.
    const status = err.status ?? (typeof error?.code === 'number' ? error.code : undefined);
    return { status, error, headers: err.headers };
  }
  if (err instanceof GeminiApiError) return { status: err.status, error: googleErrorObject(err.message) };
  return undefined;
}

const QUOTA_WORDS =
  /insufficient[_ ](quota|funds|credits?|balance)|credit balance|credits? (are |is )?(exhausted|depleted)|billing (is )?not (enabled|active)|prepay|\blimit: 0\b/i;

/**
 * A 429 is a quota problem (waiting will not help) when OpenAI says insufficient_quota, when a
 * Google QuotaFailure is per day, or when the text says credits/billing are exhausted. Google's
 * per-minute 429 also says "exceeded your current quota": that one is a rate limit.
 */
function isQuota(error: Json | undefined): boolean {
  if (!error) return false;
  if (error.code === 'insufficient_quota' || error.type === 'insufficient_quota') return true;
  const details = Array.isArray(error.details) ? error.details : [];
  for (const d of details) {
    const violations = obj(d)?.violations;
    if (Array.isArray(violations) && violations.some((v) => /PerDay/i.test(String(obj(v)?.quotaId ?? '')))) return true;
  }
  return typeof error.message === 'string' && QUOTA_WORDS.test(error.message);
}

function isBadKey(error: Json | undefined): boolean {
  const details = Array.isArray(error?.details) ? error.details : [];
  if (details.some((d) => obj(d)?.reason === 'API_KEY_INVALID')) return true;
  return (
    typeof error?.message === 'string' && /api key not valid|invalid api key|incorrect api key/i.test(error.message)
  );
}

function reasonForStatus(status: number, error: Json | undefined): ErrorReason {
  if (status === 401 || status === 403) return 'auth';
  if (status === 400 && isBadKey(error)) return 'auth';
  if (status === 402) return 'quota';
  if (status === 404) return 'modelNotFound';
  if (status === 408) return 'timeout';
  if (status === 429) return isQuota(error) ? 'quota' : 'rateLimit';
  if (status >= 500) return 'server';
  return 'badRequest';
}

const NETWORK_CODES =
  /^(ECONNRESET|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/;

function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.test(code)) return true;
    const message = e instanceof Error ? e.message : '';
    if (/fetch failed|terminated|other side closed|socket hang up|network/i.test(message)) return true;
  }
  return err instanceof APIConnectionError && !(err instanceof APIConnectionTimeoutError);
}

const WHAT: Record<ErrorReason, string> = {
  auth: 'rejected the API key',
  rateLimit: 'is rate-limiting requests',
  quota: 'says the quota or credit is used up',
  badRequest: 'rejected the request',
  modelNotFound: 'does not serve this model',
  server: 'had a server error',
  network: 'could not be reached, or the connection broke',
  timeout: 'did not answer in time',
  cancelled: 'stopped: the call was cancelled',
  invalidResponse: 'sent a response Tiered cannot read',
  budget: 'was not called: the budget refused',
  config: 'is misconfigured',
  denied: 'refuses this model or region for this key',
  truncated: 'spent the whole output cap without an answer',
};

export function describe(reason: ErrorReason, ctx: ErrorContext, extra?: string): string {
  const base = `Provider "${ctx.providerId}" ${WHAT[reason]} (model "${ctx.model}"`;
  const detail = extra?.replace(/[.\s]+$/, '');
  return `${base}${detail ? `, ${detail}` : ''}).`;
}

/** Maps any failure of one call to a TieredError; `control` supplies why we aborted and the partial answer. */
export function mapProviderError(err: unknown, ctx: ErrorContext, control?: CallControl): TieredError {
  if (err instanceof TieredError) return err;
  const partial = control?.partial();
  const base = { provider: ctx.providerId, cause: err, ...(partial ? { partial } : {}) };
  const make = (reason: ErrorReason, extra?: string, details: { status?: number; retryAfterMs?: number } = {}) =>
    new TieredError(reason, describe(reason, ctx, extra), { ...base, ...details });
  const quote = (text: string, max = 300) => redact(text, ctx.apiKey ? [ctx.apiKey] : []).slice(0, max);

  // Our own abort wins: the SDKs surface it as AbortError, APIUserAbortError or a silent end.
  if (control?.stopReason === 'cancelled') return make('cancelled');
  if (control?.stopReason === 'timeout') return make('timeout', `no complete answer within ${control.timeoutMs} ms`);

  const failure = failureOf(err);
  if (failure && failure.status === undefined) {
    // An error event inside a 200 stream with no status: the server gave up mid-answer.
    const text = typeof failure.error?.message === 'string' ? failure.error.message : '';
    return make('server', text ? `error event in the stream: ${quote(text)}` : 'error event in the stream');
  }
  if (failure?.status !== undefined) {
    const reason = reasonForStatus(failure.status, failure.error);
    const retryAfterMs = retryAfterOf(failure);
    const serverText = typeof failure.error?.message === 'string' ? failure.error.message : '';
    const quoted = serverText ? `: ${quote(serverText)}` : '';
    return make(reason, `HTTP ${failure.status}${quoted}`, {
      status: failure.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) return make('cancelled');
  if (err instanceof APIConnectionTimeoutError) return make('timeout');
  if (isNetworkError(err)) return make('network', err instanceof Error ? quote(err.message, 200) : undefined);
  // Unparseable JSON, broken SSE framing, a body that is not a stream: the SDKs raise SyntaxError
  // or plain Errors ("Incomplete JSON segment at the end", "exception parsing stream chunk").
  return make('invalidResponse', err instanceof Error ? quote(err.message, 200) : undefined);
}
