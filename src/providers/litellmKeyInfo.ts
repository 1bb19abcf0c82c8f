// GET {proxy}/key/info with the virtual key: what the key has spent and may still spend.
import { keyInfoUrl, parseKeyInfo, type KeyInfoResult } from '../core/litellm';

export interface KeyInfoOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Never throws: a failure comes back as `{ ok: false, message }` naming the provider and the cause. */
export async function fetchKeyInfo(
  providerId: string,
  baseUrl: string,
  apiKey: string | undefined,
  options: KeyInfoOptions = {},
): Promise<KeyInfoResult> {
  const now = options.now ?? Date.now;
  const fail = (message: string): KeyInfoResult => ({ ok: false, providerId, message, fetchedAt: now() });
  if (!apiKey) return fail(`no API key set (run "Tiered: Set API Key" for "${providerId}")`);
  const url = keyInfoUrl(baseUrl);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'GET',
      headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
      signal,
    });
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? 'timed out' : e.name === 'AbortError' ? 'cancelled' : e.message;
    return fail(`could not reach ${url} (${why})`);
  }
  if (!response.ok) {
    const hint =
      response.status === 401 || response.status === 403
        ? 'the proxy refused the key'
        : response.status === 404
          ? 'the proxy does not know this key, or is not a LiteLLM proxy'
          : `HTTP ${response.status}`;
    await response.body?.cancel().catch(() => undefined);
    return fail(`${url}: ${hint}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return fail(`${url} did not answer JSON`);
  }
  const budget = parseKeyInfo(body);
  if (!budget) return fail(`${url} answered without the expected { info: { spend, max_budget } }`);
  return { ok: true, providerId, budget, fetchedAt: now() };
}
