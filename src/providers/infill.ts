// llama.cpp's own fill-in-the-middle endpoint, `POST <server root>/infill` (llama-server refuses
// `suffix` on /v1/completions). Request and response as tools/server/README.md describes them
// ("POST /infill", "POST /completion"): https://github.com/ggml-org/llama.cpp/tree/master/tools/server
import type { ModelRequest, NormalizedUsage } from '../core/types';

/** The server root: the base URL without its OpenAI-compatible `/v1` (llama-server serves /infill at the root). */
export function infillUrl(baseUrl: string): string {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${root}/infill`;
}

/**
 * `input_prefix` / `input_suffix` around the cursor, `input_extra` (other files' context chunks as
 * `[{filename, text}]`, which the server puts before the prefix, in the repo-level FIM pattern where
 * the model has one: README "POST /infill"),
 * `n_predict` as the cap, `cache_prompt` so the next keystroke reuses the evaluated prefix, and
 * every `/completion` option we use (temperature, stop) only when given.
 */
export function infillBody(
  request: ModelRequest,
  fim: { prefix: string; suffix: string; extra?: { filename: string; text: string }[] },
): Record<string, unknown> {
  return {
    model: request.model,
    input_prefix: fim.prefix,
    input_suffix: fim.suffix,
    input_extra: fim.extra ?? [],
    n_predict: request.maxOutputTokens,
    stream: true,
    cache_prompt: true,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
  };
}

/** One streamed `/infill` event: `{content, stop}`; the last one (stop: true) carries the totals. */
export interface InfillEvent {
  content?: string;
  stop?: boolean;
  model?: string;
  tokens_predicted?: number;
  tokens_evaluated?: number;
  /** none | eos | limit | word (README "/completion" response); older servers: stopped_limit etc. */
  stop_type?: string;
  stopped_limit?: boolean;
}

/** Tiered's finish reason for the final event: the cap (`limit`) is `length`, anything else `stop`. */
export function infillFinishReason(event: InfillEvent): string {
  return event.stop_type === 'limit' || event.stopped_limit === true ? 'length' : 'stop';
}

/** llama.cpp counts the prompt it evaluated and the tokens it predicted; it has no reasoning or cache billing. */
export function infillUsage(event: InfillEvent): NormalizedUsage | null {
  if (typeof event.tokens_evaluated !== 'number' && typeof event.tokens_predicted !== 'number') return null;
  return {
    inputTokens: event.tokens_evaluated ?? 0,
    cachedInputTokens: 0,
    outputTokens: event.tokens_predicted ?? 0,
    reasoningTokens: 0,
  };
}
