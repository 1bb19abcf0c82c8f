// One server, several "hosts": each real server the README names is served under a path prefix.
//   /v1/...                 api.openai.com          /v1beta/models/...  Gemini API
//   /ollama/v1/...          Ollama                  /llamacpp/v1/...    llama.cpp llama-server (+ /infill, /props)
//   /vllm/v1/...            vLLM                    /lmstudio/v1/...    LM Studio
//   /openrouter/api/v1/...  OpenRouter              /litellm/v1/...     a LiteLLM proxy (+ /litellm/key/info)
import type { Flavour } from './rules';

export type { Flavour } from './rules';

const PREFIXES: readonly [Flavour, string][] = [
  ['ollama', '/ollama'],
  ['llamacpp', '/llamacpp'],
  ['vllm', '/vllm'],
  ['lmstudio', '/lmstudio'],
  ['openrouter', '/openrouter/api'],
  ['litellm', '/litellm'],
];

/** The flavour a path belongs to and the path as that server sees it (prefix removed). */
export function splitFlavour(path: string): { flavour: Flavour; rest: string } {
  for (const [flavour, prefix] of PREFIXES)
    if (path === prefix || path.startsWith(`${prefix}/`)) return { flavour, rest: path.slice(prefix.length) || '/' };
  return { flavour: /^\/(v1beta|v1alpha)\/|^\/v1\/models\/[^/]+:/.test(path) ? 'gemini' : 'openai', rest: path };
}

/** The base URL a client (OpenAI SDK baseURL / Gemini baseUrl) is given for a flavour. */
export function flavourBaseUrl(url: string, flavour: Flavour): string {
  if (flavour === 'gemini') return url;
  if (flavour === 'openai') return `${url}/v1`;
  const prefix = PREFIXES.find(([f]) => f === flavour)![1];
  return `${url}${prefix}/v1`;
}
