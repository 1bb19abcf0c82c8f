// Shared set-up for the provider contract tests: a provider config pointing at the local model
// server, and a request with sensible defaults.
import type { ProviderConfig } from '../../src/core/config';
import { TieredError, type ErrorReason } from '../../src/core/errors';
import type { ModelRequest } from '../../src/core/types';
import type { ModelServer } from '../server/modelServer';

export const KEY = 'test-key-0123456789';

export function providerFor(server: ModelServer, kind: 'openai' | 'gemini', id = `local-${kind}`): ProviderConfig {
  return { id, kind, baseUrl: kind === 'openai' ? server.openaiBaseUrl : server.geminiBaseUrl, timeoutMs: 30_000 };
}

export function chat(model: string, user: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { model, messages: [{ role: 'user', content: user }], maxOutputTokens: 256, timeoutMs: 10_000, ...extra };
}

/** Runs `fn`, expects a TieredError, returns it. */
export async function rejection(fn: () => Promise<unknown>): Promise<TieredError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof TieredError) return err;
    throw new Error(`expected a TieredError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a rejection, the call succeeded');
}

export function assertReason(err: TieredError, reason: ErrorReason): void {
  if (err.reason !== reason)
    throw new Error(`expected reason ${reason}, got ${err.reason}: ${err.message}`, { cause: err });
}
