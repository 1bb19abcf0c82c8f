// The one way the rest of Tiered gets a ModelClient: by provider config and key.
import type { ProviderConfig } from '../core/config';
import { TieredError } from '../core/errors';
import { isLoopbackUrl } from '../core/net';
import { silentLogger, type Logger, type ModelClient } from '../core/types';
import { GeminiModelClient } from './gemini';
import { OpenAIModelClient } from './openai';

/** Local servers (Ollama, LM Studio, llama.cpp) ignore the key, but the SDKs insist on one. */
export const LOCAL_PLACEHOLDER_KEY = 'local-no-key';

/**
 * Builds the adapter for a provider. A cloud base URL without a key throws TieredError('auth')
 * before anything is sent; a loopback one gets a placeholder key.
 */
export function createModelClient(
  provider: ProviderConfig,
  apiKey: string | undefined,
  logger: Logger = silentLogger,
): ModelClient {
  let key = apiKey?.trim();
  if (!key) {
    if (!isLoopbackUrl(provider.baseUrl)) {
      throw new TieredError('auth', `No API key for provider "${provider.id}". Run "Tiered: Set API Key".`, {
        provider: provider.id,
      });
    }
    key = LOCAL_PLACEHOLDER_KEY;
  }
  return provider.kind === 'gemini'
    ? new GeminiModelClient(provider, key, logger)
    : new OpenAIModelClient(provider, key, logger);
}

export { GeminiModelClient } from './gemini';
export { OpenAIModelClient } from './openai';
export { mapProviderError, parseRetryAfter } from './mapError';
