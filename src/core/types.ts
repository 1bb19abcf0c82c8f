// Contracts shared by every layer. Core owns them; providers implement ModelClient; the VS Code
// layer supplies the host capabilities (Clock, Logger, SecretReader).

/** A command is what the user did; it decides the tier. Custom commands are allowed by config. */
export type CommandId = string;
/** 'lite' and 'pro' by default; a third tier is configuration only. */
export type TierId = string;

export type ProviderKind = 'gemini' | 'openai';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Tokens as billed, after provider-specific normalisation (see core/usage.ts). */
export interface NormalizedUsage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  /** The part of inputTokens read from the provider's cache. */
  cachedInputTokens: number;
  /** All billed output tokens, reasoning/thinking included. */
  outputTokens: number;
  /** The part of outputTokens spent on reasoning/thinking. */
  reasoningTokens: number;
}

export interface JsonSchemaSpec {
  name: string;
  /** A JSON Schema object (draft 2020-12 subset both providers accept). */
  schema: Record<string, unknown>;
}

/**
 * A model's reasoning control as it goes on the wire. core/calls/capabilities.ts decides the value
 * from the model's capabilities and the command's level; adapters only translate it.
 */
export type WireReasoning =
  /** OpenAI chat `reasoning_effort` (also Azure, LiteLLM, Ollama, vLLM). */
  | { param: 'reasoning_effort'; value: string }
  /** OpenRouter's `reasoning: { effort }` object. */
  | { param: 'openrouter'; value: string }
  /** Gemini 3 `thinkingConfig.thinkingLevel`. */
  | { param: 'thinkingLevel'; value: string }
  /** Gemini 2.5 `thinkingConfig.thinkingBudget` (tokens; 0 turns thinking off where allowed). */
  | { param: 'thinkingBudget'; value: number };

/**
 * How a server takes fill-in-the-middle: `suffix` on /v1/completions (Ollama), llama.cpp's `/infill`,
 * or the model's own FIM tokens in a plain `prompt` (vLLM, LM Studio; `fim.prompt` holds it).
 */
export type FimDialect = 'suffix' | 'infill' | 'template';

export interface FimPrompt {
  prefix: string;
  suffix: string;
  /** Absent means 'suffix'. */
  dialect?: FimDialect;
  /** For 'template': the whole prompt with the model's FIM tokens around prefix and suffix. */
  prompt?: string;
  /** For 'infill' (llama.cpp `input_extra`): other files' text the server puts before the prefix. */
  extra?: { filename: string; text: string }[];
}

export interface ModelRequest {
  /** The provider's model name (not our table id). */
  model: string;
  /** Chat prompt. Exactly one of messages / fim is set. */
  messages?: ChatMessage[];
  /** Fill-in-the-middle prompt, only for models whose table entry enables fim. */
  fim?: FimPrompt;
  /**
   * Always bounded: with the reasoning allowance included where reasoning counts against the cap.
   * It is the output bound the budget reserves.
   */
  maxOutputTokens: number;
  /** Which field carries the cap on OpenAI-style chat (decided per model family, not per host). */
  outputCapField?: 'max_completion_tokens' | 'max_tokens';
  /** Set only when the model accepts it (capabilities); never a default of ours. */
  temperature?: number;
  /** Absent: send no reasoning control (a model without one, or an unknown model). */
  reasoning?: WireReasoning;
  stop?: string[];
  /** Structured output (OpenAI response_format json_schema, Gemini responseJsonSchema). */
  jsonSchema?: JsonSchemaSpec;
  /** OpenAI `prompt_cache_key`: set only where the capabilities table says the model's host takes it. */
  promptCacheKey?: string;
  /** Aborting it closes the socket; the adapter then throws ModelError('cancelled'). */
  signal?: AbortSignal;
  /** Whole-call timeout; the adapter throws ModelError('timeout') when it fires. */
  timeoutMs: number;
}

export interface ModelResponse {
  text: string;
  /** null when the server sent none (e.g. a stream cut before its usage chunk). */
  usage: NormalizedUsage | null;
  /** Cost the server itself reported (OpenRouter usage.cost, LiteLLM x-litellm-response-cost). */
  reportedCostUsd?: number;
  /** Milliseconds from sending to the first streamed text. */
  ttftMs?: number;
  finishReason?: string;
  /** Model name the server says answered. */
  servedModel?: string;
}

export interface ModelClient {
  readonly kind: ProviderKind;
  /** Streams text deltas to onText and resolves with the whole answer and its usage. */
  stream(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse>;
  /** Provider-side token count where the API has one (Gemini countTokens); otherwise undefined. */
  countTokens?(request: ModelRequest): Promise<number>;
}

export type Outcome = 'ok' | 'cancelled' | 'error' | 'refused' | 'escalated';

export type CostSource = 'override' | 'server' | 'bundled' | 'local' | 'unknown';

/** One line of the ledger. The user's data: never prompt text, never a key. */
export interface LedgerRecord {
  v: 1;
  /** Unique id of this call (also the reservation id). */
  id: string;
  /** ISO 8601 time the call started. */
  ts: string;
  /** Which VS Code window (process) made the call. */
  window: string;
  command: CommandId;
  tier: TierId;
  provider: string;
  /** Our model table id. */
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  costSource: CostSource;
  /** The worst-case cost reserved before the call. */
  estimateUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  outcome: Outcome;
  /** Error reason or refusal reason, short and key-free. */
  reason?: string;
  /** The model name the server says answered, when it is not the one asked for (priced as served). */
  served?: string;
  /**
   * Set when the provider billed more than was reserved: costUsd minus the reserved worst case.
   * Already inside costUsd (so it counts against the cap); shown so the overrun is visible.
   */
  overUsd?: number;
}

export interface Clock {
  now(): number;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
