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

/** A key that is wrong, missing or restricted: the user must change the key, nothing else helps. */
function isBadKey(error: Json | undefined): boolean {
  const details = Array.isArray(error?.details) ? error.details : [];
  // Google ErrorInfo reasons: https://cloud.google.com/apis/design/errors (API_KEY_INVALID, API_KEY_SERVICE_BLOCKED, …)
  if (details.some((d) => /^API_KEY_/.test(String(obj(d)?.reason ?? '')))) return true;
  return (
    typeof error?.message === 'string' &&
    // "Method doesn't allow unregistered callers" is Google's answer to a request without a key.
    /api[ _-]?key|unregistered callers|invalid authentication|incorrect api key/i.test(error.message)
  );
}

/**
 * A 403 that refuses this model or this country for a key that is otherwise fine. OpenAI:
 * `unsupported_country_region_territory` (https://github.com/continuedev/continue/issues/11449) and
 * "Project … does not have access to model …" (https://community.openai.com/t/403-project-does-not-have-access-to-model/);
 * Google: PERMISSION_DENIED for anything but the key (https://ai.google.dev/gemini-api/docs/troubleshooting ,
 * "403 PERMISSION_DENIED: Your API key doesn't have the required permissions" is the key case).
 */
function isDenied(error: Json | undefined): boolean {
  if (!error || isBadKey(error)) return false;
  if (error.code === 'unsupported_country_region_territory' || error.type === 'request_forbidden') return true;
  const message = typeof error.message === 'string' ? error.message : '';
  if (/country|region|territory|(have|has) access to (the )?model|not allowed to use/i.test(message)) return true;
  return error.status === 'PERMISSION_DENIED';
}

/**
 * LiteLLM's budget refusal: type `budget_exceeded` (429 since https://github.com/BerriAI/litellm/pull/37000),
 * 400 "Budget has been exceeded!" on older proxies, "ExceededBudget" for end users and "crossed budget"
 * for a router deployment (https://github.com/BerriAI/litellm/issues/14144). Waiting does not help.
 */
function isBudgetExceeded(error: Json | undefined): boolean {
  if (!error) return false;
  if (error.type === 'budget_exceeded' || error.code === 'budget_exceeded') return true;
  return (
    typeof error.message === 'string' && /budget has been exceeded|exceededbudget|crossed budget/i.test(error.message)
  );
}

/**
 * llama.cpp answers a parameter it does not take with HTTP 500 `server_error` "Unsupported param: suffix"
 * (tools/server/server-common.cpp oaicompat_completion_params_parse; https://github.com/ggml-org/llama.cpp/issues/12591):
 * a configuration problem that repeats on every request, not a transient fault.
 */
function isUnsupportedParam(error: Json | undefined): boolean {
  return typeof error?.message === 'string' && /^Unsupported param(eter)?:/i.test(error.message);
}

function reasonForStatus(status: number, error: Json | undefined): ErrorReason {
  if (isBudgetExceeded(error)) return 'quota';
  if (status === 401) return 'auth';
  if (status === 403) return isDenied(error) ? 'denied' : 'auth';
  if (status === 400 && isBadKey(error)) return 'auth';
  if (status === 402) return 'quota';
  if (status === 404) return 'modelNotFound';
  if (status === 408) return 'timeout';
  if (status === 429) return isQuota(error) ? 'quota' : 'rateLimit';
  if (status >= 500) return isUnsupportedParam(error) ? 'badRequest' : 'server';
  return 'badRequest';
}

/** Field names Google's messages use, as Tiered's settings name them. */
const GOOGLE_FIELDS: [RegExp, string][] = [
  [/thinking[ _]?level/i, 'thinkingConfig.thinkingLevel'],
  [/thinking[ _]?budget/i, 'thinkingConfig.thinkingBudget'],
  [/max[ _]?output[ _]?tokens/i, 'maxOutputTokens'],
  [/temperature/i, 'temperature'],
  [/response[ _]?(json[ _]?)?schema|response[ _]?mime/i, 'responseJsonSchema'],
];

/**
 * The request parameter an error names: OpenAI's `param` (https://platform.openai.com/docs/guides/error-codes),
 * Google's BadRequest fieldViolations (https://cloud.google.com/apis/design/errors#error_details) or a
 * field named in its message, and the wordings of the local servers (llama.cpp "Unsupported param: x",
 * OpenAI "Unrecognized request argument supplied: x", vLLM "suffix is not currently supported",
 * Ollama "… does not support insert" for a `suffix`).
 */
export function errorParam(error: Json | undefined): string | undefined {
  if (!error) return undefined;
  if (typeof error.param === 'string' && error.param && error.param !== 'None') return error.param;
  const details = Array.isArray(error.details) ? error.details : [];
  for (const d of details) {
    const violations = obj(d)?.fieldViolations;
    const field = Array.isArray(violations) ? obj(violations[0])?.field : undefined;
    if (typeof field === 'string' && field) return field;
  }
  const message = typeof error.message === 'string' ? error.message : '';
  const named =
    /Unsupported param(?:eter)?: '?([\w.]+)'?/i.exec(message) ??
    /Unrecognized request argument supplied: ([\w.]+)/i.exec(message) ??
    /Unsupported value: '([\w.]+)' does not support/i.exec(message) ??
    /Unknown name "([\w.]+)"/.exec(message) ??
    /^([\w.]+) is not currently supported/i.exec(message);
  if (named) return named[1];
  if (/does not support insert/i.test(message)) return 'suffix';
  if (error.status !== undefined) return GOOGLE_FIELDS.find(([re]) => re.test(message))?.[1];
  return undefined;
}

/** The provider's own error code: OpenAI `code` (or `type`), Google `status` (INVALID_ARGUMENT, …). */
export function errorCode(error: Json | undefined): string | undefined {
  if (!error) return undefined;
  // Numeric codes (LiteLLM "429", llama.cpp 500) repeat the HTTP status; the type says more.
  for (const v of [error.code, error.status, error.type]) if (typeof v === 'string' && v && !/^\d+$/.test(v)) return v;
  return undefined;
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
  const make = (
    reason: ErrorReason,
    extra?: string,
    details: { status?: number; retryAfterMs?: number; param?: string; code?: string } = {},
  ) => new TieredError(reason, describe(reason, ctx, extra), { ...base, ...details });
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
    const param = errorParam(failure.error);
    const code = errorCode(failure.error);
    return make(reason, `HTTP ${failure.status}${quoted}`, {
      status: failure.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(param ? { param } : {}),
      ...(code ? { code } : {}),
    });
  }
  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) return make('cancelled');
  if (err instanceof APIConnectionTimeoutError) return make('timeout');
  if (isNetworkError(err)) return make('network', err instanceof Error ? quote(err.message, 200) : undefined);
  // Unparseable JSON, broken SSE framing, a body that is not a stream: the SDKs raise SyntaxError
  // or plain Errors ("Incomplete JSON segment at the end", "exception parsing stream chunk").
  return make('invalidResponse', err instanceof Error ? quote(err.message, 200) : undefined);
}
