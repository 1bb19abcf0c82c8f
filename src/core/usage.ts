// Turns each provider's usage report into one billed shape (NormalizedUsage). Kept apart from the
// adapters so the rules are unit-tested without a server.
import type { NormalizedUsage } from './types';

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);

export const ZERO_USAGE: NormalizedUsage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};

/**
 * OpenAI chat/completions `usage`: cached tokens are inside prompt_tokens, reasoning tokens are
 * inside completion_tokens (already billed as output, so they are not added again).
 */
export function normalizeOpenAIUsage(usage: unknown): NormalizedUsage | null {
  if (!usage || typeof usage !== 'object') return null;
  const u = usage as Record<string, unknown>;
  const prompt = (u.prompt_tokens_details ?? {}) as Record<string, unknown>;
  const completion = (u.completion_tokens_details ?? {}) as Record<string, unknown>;
  const inputTokens = n(u.prompt_tokens);
  const outputTokens = n(u.completion_tokens);
  return {
    inputTokens,
    cachedInputTokens: Math.min(n(prompt.cached_tokens), inputTokens),
    outputTokens,
    reasoningTokens: Math.min(n(completion.reasoning_tokens), outputTokens),
  };
}

/** OpenRouter puts the billed cost in usage.cost (USD). */
export function openAIReportedCost(usage: unknown): number | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const cost = (usage as Record<string, unknown>).cost;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

/**
 * Gemini `usageMetadata`: thoughts are billed as output on top of candidates; cached content is
 * inside promptTokenCount. In a stream every chunk carries the running total, so the caller keeps
 * the last one rather than summing.
 */
export function normalizeGeminiUsage(meta: unknown): NormalizedUsage | null {
  if (!meta || typeof meta !== 'object') return null;
  const m = meta as Record<string, unknown>;
  const inputTokens = n(m.promptTokenCount) + n(m.toolUsePromptTokenCount);
  const thoughts = n(m.thoughtsTokenCount);
  return {
    inputTokens,
    cachedInputTokens: Math.min(n(m.cachedContentTokenCount), inputTokens),
    outputTokens: n(m.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
  };
}

/**
 * Local token estimate: ~4 characters a token for English and code, but never fewer tokens than
 * a third of the non-space runs (dense code and non-Latin text tokenise finer). Rounded up so
 * budgets err on the safe side.
 */
export function estimateTextTokens(text: string): number {
  if (!text) return 0;
  let nonAscii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) nonAscii++;
  const ascii = text.length - nonAscii;
  return Math.ceil(ascii / 3.5 + nonAscii * 1.0);
}
