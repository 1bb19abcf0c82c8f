// Model table entries for tests that need a resolved model without a whole config.
import type { ResolvedModel } from '../../src/core/router';

/** A local Ollama model (FIM through `suffix`, $0), with any field overridden. */
export function ollamaModel(overrides: Partial<ResolvedModel> = {}): ResolvedModel {
  return {
    provider: 'ollama',
    model: 'qwen2.5-coder:7b',
    tier: 'lite',
    maxOutputTokens: 256,
    fim: true,
    providerConfig: { id: 'ollama', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', timeoutMs: 10_000 },
    id: 'qwen',
    ...overrides,
  };
}
