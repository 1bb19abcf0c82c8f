// What the local model server can be told to do: latency, token rate, scripted text and usage, and
// faults. Also the deterministic tokenizer and default reply that tests use to predict answers.

/** Which endpoint a request hit. Scripts may target one, a family ('openai' / 'gemini'), or any generation route. */
export type RouteKind =
  | 'openai.chat'
  | 'openai.completions'
  | 'openai.models'
  | 'gemini.generate'
  | 'gemini.countTokens'
  | 'litellm.keyInfo'
  | 'unknown';

/** What a reply function sees of the request. */
export interface ScriptRequest {
  route: RouteKind;
  model: string;
  stream: boolean;
  /** All prompt text the tokenizer counts (system + messages, or FIM prefix + suffix), joined by '\n'. */
  prompt: string;
  /** Chat turns as text (Gemini 'model' role is reported as 'assistant'). */
  messages: { role: string; text: string }[];
  fim?: { prefix: string; suffix: string };
  /** The requested output cap (max_tokens / max_completion_tokens / maxOutputTokens), if any. */
  maxTokens?: number;
  body: unknown;
}

export interface UsageScript {
  /** Input tokens served from cache (inside the prompt count, like both real APIs). */
  cachedTokens?: number;
  /** Reasoning (OpenAI) / thoughts (Gemini) tokens billed as output. */
  reasoningTokens?: number;
  /** Override the tokenizer's prompt count. */
  promptTokens?: number;
  /** Send no usage at all (an OpenAI-compatible server that ignores include_usage). */
  omit?: boolean;
}

export type Fault =
  /** An HTTP error with the provider's error body. `retryAfter` is the header value (seconds or an HTTP date). */
  | { kind: 'status'; status: number; retryAfter?: string; quota?: boolean; message?: string }
  /**
   * Destroy the socket after `afterChunks` SSE events (non-stream: after half the body). The server
   * pauses `pauseMs` (default 100) first, so the client has read what came before, as in a real drop.
   */
  | { kind: 'cut'; afterChunks: number; pauseMs?: number }
  /** After `afterChunks` events, an error event in the stream (HTTP status was already 200), then the end. */
  | { kind: 'streamError'; afterChunks: number; status: number }
  /** A body / SSE event that is not valid JSON. */
  | { kind: 'malformedJson' }
  /** Bytes without SSE framing (no `data:` lines, no blank-line terminator). */
  | { kind: 'malformedSse' }
  /** 200 with text/html, as a captive portal or a misconfigured proxy answers. */
  | { kind: 'wrongContentType' }
  /** Accept the request and never answer (not even headers). */
  | { kind: 'hang' }
  /** Headers at once, then one text chunk every `intervalMs`, forever. */
  | { kind: 'trickle'; intervalMs: number };

export interface Knobs {
  /** Delay before the first byte of a stream's first event (non-stream: before the body). */
  ttftMs: number;
  /** Output pacing after the first chunk; 0 means as fast as possible. */
  tokensPerSecond: number;
  /** Tokens per streamed content chunk. */
  tokensPerChunk: number;
  /** The reply text, or a function of the request. Default: defaultReply(request). */
  text?: string | ((req: ScriptRequest) => string);
  usage?: UsageScript;
  fault?: Fault;
  /** OpenRouter-style `usage.cost` (USD) in the usage object. */
  costUsd?: number;
  /** LiteLLM `x-litellm-response-cost` response header (USD); also added to the key's spend for /key/info. */
  litellmCostUsd?: number;
  /** Model name reported back (default: the requested one). */
  servedModel?: string;
  /**
   * Gemini only: a `continuationToken` on every content chunk, as long decodes send. An SDK with
   * automatic continuation would re-request a dropped stream with it (a second billed request).
   */
  continuationToken?: string;
}

/** One queued response: knobs for the next matching request only. */
export interface ResponseScript extends Partial<Knobs> {
  /** Only a request for this model consumes the script. */
  model?: string;
  /** Only this route or family consumes it; default: any generation route (not countTokens). */
  route?: RouteKind | 'openai' | 'gemini';
}

export const BASE_KNOBS: Knobs = { ttftMs: 0, tokensPerSecond: 0, tokensPerChunk: 1 };

const GENERATION_ROUTES: ReadonlySet<RouteKind> = new Set(['openai.chat', 'openai.completions', 'gemini.generate']);

export function scriptMatches(script: ResponseScript, route: RouteKind, model: string): boolean {
  if (script.model !== undefined && script.model !== model) return false;
  if (script.route === undefined) return GENERATION_ROUTES.has(route);
  return script.route === route || route.startsWith(`${script.route}.`);
}

/** The server's tokenizer: one token per 4 characters, rounded up. Used for every count it reports. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Splits text into tokens (4-character pieces) so a stream's pieces add up to countTokens(text). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 4) out.push(text.slice(i, i + 4));
  return out;
}

/**
 * The default reply, predictable from the request: `[<model>] <last 40 chars of the last user turn
 * or FIM prefix, whitespace collapsed>`.
 */
export function defaultReply(req: Pick<ScriptRequest, 'model' | 'messages' | 'fim'>): string {
  const users = req.messages.filter((m) => m.role === 'user');
  const source = req.fim ? req.fim.prefix : (users[users.length - 1]?.text ?? '');
  const snippet = source.replace(/\s+/g, ' ').trim().slice(-40);
  return `[${req.model}] ${snippet}`;
}

export const faults = {
  status: (status: number, opts: { retryAfter?: string; quota?: boolean; message?: string } = {}): Fault => ({
    kind: 'status',
    status,
    ...opts,
  }),
  cut: (afterChunks: number, pauseMs?: number): Fault => ({ kind: 'cut', afterChunks, pauseMs }),
  streamError: (afterChunks: number, status = 503): Fault => ({ kind: 'streamError', afterChunks, status }),
  malformedJson: (): Fault => ({ kind: 'malformedJson' }),
  malformedSse: (): Fault => ({ kind: 'malformedSse' }),
  wrongContentType: (): Fault => ({ kind: 'wrongContentType' }),
  hang: (): Fault => ({ kind: 'hang' }),
  trickle: (intervalMs: number): Fault => ({ kind: 'trickle', intervalMs }),
};

/** Token counts one reply reports, before provider-specific shaping. */
export interface ReplyUsage {
  prompt: number;
  cached: number;
  /** Visible output tokens (without reasoning). */
  output: number;
  reasoning: number;
}

export function replyUsage(prompt: string, outputText: string, script: UsageScript | undefined): ReplyUsage {
  const promptTokens = script?.promptTokens ?? countTokens(prompt);
  return {
    prompt: promptTokens,
    cached: Math.min(script?.cachedTokens ?? 0, promptTokens),
    output: countTokens(outputText),
    reasoning: script?.reasoningTokens ?? 0,
  };
}
