// Removes anything that looks like an API key before text reaches a log. Known keys (the ones
// in SecretStorage) are removed verbatim; unknown ones by shape.
const KEY_SHAPES: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}\b/g, // OpenAI, OpenRouter (sk-or-...), LiteLLM virtual keys
  /\bAIza[0-9A-Za-z_-]{30,}\b/g, // Google API keys
  /\b(?:Bearer|bearer)\s+[A-Za-z0-9._~+/=-]{12,}/g,
  /([?&](?:key|api_key|apikey)=)[^&\s]+/gi,
  /((?:x-goog-api-key|authorization|api[-_]?key|x-api-key)["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi,
];

export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join('[REDACTED]');
  }
  for (const shape of KEY_SHAPES) {
    out = out.replace(shape, (match, prefix?: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[REDACTED]` : '[REDACTED]',
    );
  }
  return out;
}
