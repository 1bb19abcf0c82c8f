// Gateways in front of the providers: OpenRouter and a LiteLLM proxy (checked 2026-11-30).
import { openAIFamily } from './openai';
import { obj, type Json, type Rejection } from './types';

/**
 * OpenRouter's reasoning control: `reasoning: { effort | max_tokens | exclude | enabled }`, with
 * effort xhigh | high | medium | low | minimal | none (https://openrouter.ai/docs/guides/best-practices/reasoning-tokens,
 * quoted in https://github.com/enricoros/big-AGI/issues/940). A top-level `reasoning_effort` is
 * accepted too (same issue: a curl with "reasoning_effort": "xhigh" on openai/o1 answered 200).
 * Parameters a model does not support are ignored, not refused (OpenRouter parameters docs).
 */
export function openRouterEffort(model: string, body: unknown): string | undefined {
  const b = obj(body);
  const r = obj(b.reasoning);
  if (r.enabled === false) return 'none';
  if (typeof r.effort === 'string') return r.effort;
  if (typeof r.max_tokens === 'number') return `budget:${r.max_tokens}`;
  if (typeof b.reasoning_effort === 'string') return b.reasoning_effort;
  return openAIFamily(model)?.defaultEffort;
}

/** OpenRouter's error body: {"error":{"code":<status>,"message":...}} (https://openrouter.ai/docs/api-reference/errors). */
export function openRouterError(status: number, message: string): Json {
  return { error: { code: status, message } };
}

export type LiteLLMVersion = 'current' | 'legacy';

/**
 * A LiteLLM virtual key over its max_budget. Newer proxies answer 429 with type budget_exceeded
 * (https://github.com/BerriAI/litellm/pull/37000); older ones 400 with code "400"
 * (https://github.com/BerriAI/litellm/issues/14144, type since https://github.com/BerriAI/litellm/pull/4606).
 * Message: https://github.com/BerriAI/litellm/issues/22726.
 */
export function litellmBudgetExceeded(version: LiteLLMVersion, spend: number, maxBudget: number): Rejection {
  const status = version === 'legacy' ? 400 : 429;
  return {
    status,
    reason: `LiteLLM key over budget (${spend} >= ${maxBudget})`,
    body: {
      error: {
        message: `Budget has been exceeded! Current cost: ${spend}, Max budget: ${maxBudget}`,
        type: 'budget_exceeded',
        param: null,
        code: String(status),
      },
    },
  };
}
