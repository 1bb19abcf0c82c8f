// Pre-flight input-token estimate of a request and its worst-case cost, for the budget to reserve
// before sending. Local and approximate (core/usage.ts estimateTextTokens rounds up); a provider's
// own count, when the caller has one, replaces it.
import type { PriceBook, WorstCase } from './prices';
import type { ResolvedModel } from './router';
import type { ModelRequest } from './types';
import { estimateTextTokens } from './usage';

/** Role markers and separators the chat templates add around each message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Template tokens around the whole prompt (start of the reply, FIM sentinels). */
export const REQUEST_OVERHEAD_TOKENS = 3;

/** The parts of a request that count as input (a RequestBody or a ModelRequest both fit). */
export type EstimableBody = Pick<ModelRequest, 'messages' | 'fim' | 'jsonSchema'>;

export function estimateRequestTokens(body: EstimableBody): number {
  let tokens = REQUEST_OVERHEAD_TOKENS;
  for (const m of body.messages ?? []) tokens += MESSAGE_OVERHEAD_TOKENS + estimateTextTokens(m.content);
  if (body.fim) tokens += estimateTextTokens(body.fim.prefix) + estimateTextTokens(body.fim.suffix);
  // The schema is sent with the request and counted as input by both providers.
  if (body.jsonSchema) tokens += estimateTextTokens(body.jsonSchema.name + JSON.stringify(body.jsonSchema.schema));
  return tokens;
}

export type WorstCaseEstimate = WorstCase & { inputTokens: number; maxOutputTokens: number };

/**
 * Worst case of sending `body` to `model`: the estimated (or given) input plus the output cap the
 * call path sends (the smaller of the request's and the model table's maxOutputTokens).
 */
export function worstCaseFor(
  prices: PriceBook,
  model: ResolvedModel,
  body: EstimableBody & Pick<ModelRequest, 'maxOutputTokens'>,
  inputTokens?: number,
  at?: Date,
): WorstCaseEstimate {
  const input = inputTokens ?? estimateRequestTokens(body);
  const maxOutputTokens = Math.min(body.maxOutputTokens, model.maxOutputTokens);
  return { ...prices.worstCase(model, input, maxOutputTokens, at), inputTokens: input, maxOutputTokens };
}
