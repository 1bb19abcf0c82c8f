// Gemini (v1beta) wire shapes: :generateContent, :streamGenerateContent?alt=sse (each chunk's
// usageMetadata is the RUNNING TOTAL, as the real API sends it) and :countTokens. Thinking models
// spend thoughtsTokenCount inside maxOutputTokens; when thinking eats the cap the reply ends with
// finishReason MAX_TOKENS and no text.
import type { ReplyPlan } from './deliver';
import type { GeminiCacheResult } from './geminiCache';
import {
  applyCap,
  countTokens,
  NO_SIMULATION,
  replyUsage,
  tokenize,
  type Knobs,
  type ScriptRequest,
  type Simulation,
} from './knobs';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function partsText(content: unknown): string {
  return arr(obj(content).parts)
    .map((p) => str(obj(p).text))
    .join('');
}

/** countTokens accepts `contents` or a whole `generateContentRequest`. */
export function describeGemini(model: string, stream: boolean, body: unknown): Omit<ScriptRequest, 'route' | 'body'> {
  const b = obj(body);
  const request = b.generateContentRequest ? obj(b.generateContentRequest) : b;
  const system = partsText(request.systemInstruction);
  const messages = arr(request.contents).map((c) => ({
    role: str(obj(c).role) === 'model' ? 'assistant' : 'user',
    text: partsText(c),
  }));
  const all = system ? [{ role: 'system', text: system }, ...messages] : messages;
  const max = obj(request.generationConfig).maxOutputTokens;
  return {
    model,
    stream,
    prompt: all.map((m) => m.text).join('\n'),
    messages: all,
    maxTokens: typeof max === 'number' ? max : undefined,
  };
}

let nextId = 1;

/** `cache`: the implicit caching emulation's count for this request (geminiCache.ts), when it applies. */
export function geminiPlan(
  req: ScriptRequest,
  text: string,
  knobs: Knobs,
  sim: Simulation = NO_SIMULATION,
  cache?: GeminiCacheResult,
): ReplyPlan {
  const { pieces, reasoning, capped } = applyCap(tokenize(text), req.maxTokens, sim.reasoning, sim.inCap);
  // Scripted usage counts win over the cache emulation's.
  const script = cache
    ? {
        ...knobs.usage,
        promptTokens: knobs.usage?.promptTokens ?? cache.promptTokens,
        cachedTokens: knobs.usage?.cachedTokens ?? cache.cachedTokens,
      }
    : knobs.usage;
  const final = replyUsage(req.prompt, pieces.join(''), script, reasoning);
  const responseId = `local-${nextId++}`;
  const modelVersion = knobs.servedModel ?? req.model;
  // Thoughts come before the answer, so they are in the running total from the first chunk.
  const usageAt = (outputTokens: number): Json => {
    const u: Json = {
      promptTokenCount: final.prompt,
      candidatesTokenCount: outputTokens,
      totalTokenCount: final.prompt + outputTokens + final.reasoning,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: final.prompt }],
    };
    if (final.reasoning > 0) u.thoughtsTokenCount = final.reasoning;
    if (final.cached > 0) {
      u.cachedContentTokenCount = final.cached;
      u.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: final.cached }];
    }
    return u;
  };
  const response = (piece: string, outputTokens: number, finishReason?: string): Json => {
    // Thinking that ate the whole cap leaves a candidate with no parts at all.
    const content = pieces.length === 0 && capped ? { role: 'model' } : { parts: [{ text: piece }], role: 'model' };
    const candidate: Json = { content, index: 0 };
    if (finishReason) candidate.finishReason = finishReason;
    else if (knobs.continuationToken) candidate.continuationToken = knobs.continuationToken;
    const r: Json = { candidates: [candidate], modelVersion, responseId };
    if (!knobs.usage?.omit) r.usageMetadata = usageAt(outputTokens);
    return r;
  };
  const finish = capped ? 'MAX_TOKENS' : 'STOP';
  const headers: Record<string, string> = {};
  if (knobs.litellmCostUsd !== undefined) headers['x-litellm-response-cost'] = String(knobs.litellmCostUsd);
  return {
    stream: req.stream,
    pieces,
    thinkMs: sim.reasoningRate > 0 ? (reasoning * 1000) / sim.reasoningRate : 0,
    eventEnd: '\r\n\r\n',
    headers,
    brokenPayload: '{"candidates": [{"content": {"parts": [{"text": "x"',
    errorPayload: (status) => JSON.stringify(geminiError(status, req.model)),
    head: () => [],
    content: (from, to) =>
      JSON.stringify(response(pieces.slice(from, to).join(''), countTokens(pieces.slice(0, to).join('')))),
    tail: () => [JSON.stringify(response('', final.output, finish))],
    body: () => response(pieces.join(''), final.output, finish),
  };
}

export function geminiCountTokens(req: ScriptRequest): Json {
  const total = countTokens(req.prompt);
  return { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Google's error body; 429 carries QuotaFailure (per minute, or per day for quota) and RetryInfo. */
export function geminiError(
  status: number,
  model: string,
  opts: { quota?: boolean; message?: string; retryAfterSeconds?: number; badKey?: boolean } = {},
): Json {
  const details: Json[] = [];
  let message = opts.message ?? 'An internal error has occurred.';
  if (opts.badKey) {
    message = 'API key not valid. Please pass a valid API key.';
    details.push({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
    });
  } else if (status === 404) {
    message =
      opts.message ?? `models/${model} is not found for API version v1beta, or is not supported for generateContent.`;
  } else if (status === 429) {
    message = opts.message ?? 'You exceeded your current quota, please check your plan and billing details.';
    const quotaId = opts.quota
      ? 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'
      : 'GenerateRequestsPerMinutePerProjectPerModel';
    details.push({
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId }],
    });
  } else if (status === 503) {
    message = opts.message ?? 'The model is overloaded. Please try again later.';
  } else if (status === 403) {
    message = opts.message ?? "Method doesn't allow unregistered callers.";
  } else if (status === 401) {
    message = opts.message ?? 'Request had invalid authentication credentials.';
  } else if (status === 400) {
    message = opts.message ?? 'Invalid JSON payload received.';
  }
  if (opts.retryAfterSeconds !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${opts.retryAfterSeconds}s` });
  }
  const error: Json = { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' };
  if (details.length) error.details = details;
  return { error };
}
