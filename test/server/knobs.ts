// What the local model server can be told to do: latency, token rate, scripted text and usage, and
// faults, simulated reasoning. Also the deterministic tokenizer and default reply that tests use
// to predict answers.
import type { Flavour, LiteLLMVersion } from './rules';

/** Which endpoint a request hit. Scripts may target one, a family ('openai' / 'gemini'), or any generation route. */
export type RouteKind =
  | 'openai.chat'
  | 'openai.completions'
  | 'openai.models'
  | 'gemini.generate'
  | 'gemini.countTokens'
  | 'litellm.keyInfo'
  | 'llamacpp.infill'
  | 'llamacpp.props'
  | 'ollama.version'
  | 'unknown';

/** What a reply function sees of the request. */
export interface ScriptRequest {
  route: RouteKind;
  /** Which server the request was answered as (path prefix, see flavours.ts). */
  flavour?: Flavour;
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
  | { kind: 'status'; status: number; retryAfter?: string; quota?: boolean; message?: string; code?: string }
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
  /**
   * Reasoning tokens a reasoning model spends per effort (OpenAI `reasoning_effort`, Gemini
   * `thinkingLevel`, lower-cased); a Gemini 2.5 budget spends min(budget, medium). Merged over
   * DEFAULT_REASONING. `usage.reasoningTokens` overrides the simulation for one reply.
   */
  reasoningByEffort?: Partial<Record<string, number>>;
  /** Pace of reasoning before the first visible token; default tokensPerSecond (0: no delay). */
  reasoningTokensPerSecond?: number;
  /** LiteLLM proxy behaviour (/litellm flavour): 'current' (default) or 'legacy'. */
  litellmVersion?: LiteLLMVersion;
  /** Ollama models with the insert (suffix) capability; default OLLAMA_INSERT_MODELS. */
  ollamaInsertModels?: string[];
  /**
   * Demo replies (demo/index.ts demoReply) instead of defaultReply when no `text` is set: code
   * continuations, tone rewrites and review JSON that fit the request. Off by default.
   */
  demo?: boolean;
  /**
   * OpenAI prompt caching (promptCache.ts) on the api.openai.com flavour: default on for the models
   * that cache (gpt-4o and newer), off for other names; `true` turns it on for any model name there.
   * When on, prompt_tokens is the o200k count of the serialised prompt.
   */
  promptCache?: boolean;
  /**
   * Gemini implicit caching (geminiCache.ts) on the Gemini flavour: default on for the models that
   * cache (Gemini 2.5 and newer), off for other names; `true` turns it on for any model name there,
   * `false` turns it off (tests that script usage exactly). Scripted `usage` counts win over it.
   */
  implicitCache?: boolean;
}

/**
 * Simulated reasoning per effort: none 0, minimal a few, low some hundreds, medium ~1.5k, high
 * and xhigh more (OpenAI's and Google's guides describe the order, not the counts).
 */
export const DEFAULT_REASONING: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 8,
  low: 256,
  medium: 1536,
  high: 4096,
  xhigh: 8192,
};

/** Reasoning tokens for an effort (see RuleVerdict.effort); 0 for no effort. */
export function reasoningFor(effort: string | undefined, knobs: Pick<Knobs, 'reasoningByEffort'>): number {
  if (!effort) return 0;
  const table = { ...DEFAULT_REASONING, ...knobs.reasoningByEffort };
  const medium = table.medium ?? DEFAULT_REASONING.medium!;
  if (effort.startsWith('budget:')) return Math.max(0, Math.min(Number(effort.slice(7)) || 0, medium));
  return table[effort] ?? medium;
}

/**
 * Splits the reply between reasoning and visible tokens under the output cap. When reasoning
 * counts against the cap (reasoning models), it is spent first; if it eats the cap, nothing is
 * visible and the reply ends at the cap.
 */
export function applyCap(
  all: string[],
  maxTokens: number | undefined,
  reasoning: number,
  inCap: boolean,
): { pieces: string[]; reasoning: number; capped: boolean } {
  if (maxTokens === undefined) return { pieces: all, reasoning, capped: false };
  const thought = inCap ? Math.min(reasoning, maxTokens) : reasoning;
  const room = inCap ? maxTokens - thought : maxTokens;
  const capped = all.length > room || thought < reasoning;
  return { pieces: all.slice(0, Math.max(0, room)), reasoning: thought, capped };
}

/** One queued response: knobs for the next matching request only. */
export interface ResponseScript extends Partial<Knobs> {
  /** Only a request for this model consumes the script. */
  model?: string;
  /** Only this route or family consumes it; default: any generation route (not countTokens). */
  route?: RouteKind | 'openai' | 'gemini';
}

export const BASE_KNOBS: Knobs = { ttftMs: 0, tokensPerSecond: 0, tokensPerChunk: 1 };

const GENERATION_ROUTES: ReadonlySet<RouteKind> = new Set([
  'openai.chat',
  'openai.completions',
  'gemini.generate',
  'llamacpp.infill',
]);

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
  /** OpenAI's 403 unsupported_country_region_territory (https://github.com/continuedev/continue/issues/11449). */
  region: (): Fault => ({ kind: 'status', status: 403, code: 'unsupported_country_region_territory' }),
  /** OpenAI's 404 model_not_found: "The model `x` does not exist or you do not have access to it." */
  modelAccess: (): Fault => ({ kind: 'status', status: 404 }),
};

/** Token counts one reply reports, before provider-specific shaping. */
export interface ReplyUsage {
  prompt: number;
  cached: number;
  /** Visible output tokens (without reasoning). */
  output: number;
  reasoning: number;
}

export function replyUsage(
  prompt: string,
  outputText: string,
  script: UsageScript | undefined,
  reasoning = script?.reasoningTokens ?? 0,
): ReplyUsage {
  const promptTokens = script?.promptTokens ?? countTokens(prompt);
  return {
    prompt: promptTokens,
    cached: Math.min(script?.cachedTokens ?? 0, promptTokens),
    output: countTokens(outputText),
    reasoning,
  };
}

/** What the rules and the reasoning simulation decided for one reply (modelServer → the routes). */
export interface Simulation {
  flavour: Flavour;
  /** Reasoning tokens the model would spend (before the cap). */
  reasoning: number;
  /** Reasoning counts against the output cap. */
  inCap: boolean;
  /** Report reasoning tokens in usage even when 0 (a reasoning model). */
  reasoningModel: boolean;
  /** Pace of reasoning (tokens/s), 0 for no delay. */
  reasoningRate: number;
}

export const NO_SIMULATION: Simulation = {
  flavour: 'openai',
  reasoning: 0,
  inCap: false,
  reasoningModel: false,
  reasoningRate: 0,
};
