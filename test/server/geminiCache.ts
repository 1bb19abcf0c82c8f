// Gemini implicit caching, emulated for the Gemini flavour (generateContent and streamGenerateContent).
// What Google documents (https://ai.google.dev/gemini-api/docs/caching, "Last updated 2026-10-13"):
// - implicit caching is on by default for all Gemini 2.5 and newer models; nothing to configure;
// - minimum input tokens per model: Gemini 3.x Flash (3.5–3.8), 3.1 Pro Preview and 4: 4,096;
//   Gemini 2.5 Flash and 2.5 Pro: 2,048 (older versions of the page said 1,024 / 4,096: the
//   current table is the one used);
// - hits come from a prefix shared with earlier requests ("put large and common contents at the
//   beginning", "send requests with similar prefix in a short amount of time"); Google's launch
//   post says a request that "shares a common prefix as one of previous requests" is eligible
//   (https://developers.googleblog.com/en/gemini-2-5-models-now-support-implicit-caching/, quoted in
//   https://simonwillison.net/2025/May/9/gemini-implicit-caching/);
// - the cached part is `usageMetadata.cachedContentTokenCount`, inside `promptTokenCount`, with
//   `cacheTokensDetails` per modality (@google/genai GenerateContentResponseUsageMetadata,
//   node_modules/@google/genai/dist/genai.d.ts; a real response in the Simon Willison post).
// Where the docs are silent, the least generous reading:
// - caching is on per Google Cloud project ("All Google Cloud projects have implicit caching
//   enabled by default",
//   https://cloud.google.com/vertex-ai/generative-ai/docs/context-cache/context-cache-overview);
//   sharing across projects is not documented: none here (project = the API key), and none across
//   models;
// - Flash-Lite is not in the table: 2.5 Flash-Lite gets 2,048 (what the API enforces for its
//   explicit caches, https://discuss.ai.google.dev/t/context-caching-docs-list-wrong-minimum-token-count-for-gemini-2-5-flash-flash-lite-missing-entirely/178942),
//   every other 3.x / 4 model (Flash-Lite included) 4,096 like the listed ones;
// - no implicit caching before 2.5 (gemini-2.0-*, 1.5-*) nor for other names (gemma-*, test models);
// - granularity is not documented: the cached part counts whole blocks of the model's minimum
//   (the only size the docs give), so a shared prefix of 1.9 blocks reads 1 block. Users see hits
//   cover less than the shared prefix (https://github.com/googleapis/python-genai/issues/2064);
// - time to live is not documented ("no fixed time, but it should be a few minutes", Google
//   DeepMind's Philipp Schmid, quoted in the Simon Willison post above): 3 minutes after the
//   prefix was last sent (`ttlMs`);
// - a hit is not guaranteed in the real service; here every eligible request hits, so tests are
//   deterministic.
// Tokens are the server's own Gemini count (knobs.ts tokenize: the count promptTokenCount
// reports), so the cached part always sits inside promptTokenCount. Each token also carries where a
// turn starts inside it and that turn's role, so moving a turn boundary or changing a role breaks
// the prefix there, as Gemini's turn markers would.
import { createHash, type Hash } from 'node:crypto';
import { tokenize } from './knobs';
import { modelFamilyId } from './rules/types';

/** The documented minimum for 3.x and newer models; also used for any name cached by the knob. */
export const GEMINI_3_MIN_TOKENS = 4096;
export const GEMINI_25_MIN_TOKENS = 2048;
export const GEMINI_CACHE_TTL_MS = 3 * 60_000;

/**
 * The implicit-caching minimum of a model, or undefined for models that have none (before 2.5, or
 * not a Gemini name). `models/` and `google/` prefixes are ignored.
 */
export function implicitCacheMinimum(model: string): number | undefined {
  const m = /^gemini-(\d+)(?:\.(\d+))?(?:-|$)/.exec(modelFamilyId(model));
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  if (major >= 3) return GEMINI_3_MIN_TOKENS;
  if (major === 2 && minor >= 5) return GEMINI_25_MIN_TOKENS;
  return undefined;
}

export interface GeminiCacheOptions {
  /** How long a prefix stays cached after it was last sent (default 3 minutes). */
  ttlMs?: number;
}

export interface GeminiCacheRequest {
  /** The project (here: the API key); caches are not shared across it. */
  project: string;
  model: string;
  /** Turns in order (system instruction first), as describeGemini reports them. */
  messages: { role: string; text: string }[];
  /** Minimum (and block) size; default implicitCacheMinimum(model) ?? 4,096. */
  minTokens?: number;
}

export interface GeminiCacheResult {
  promptTokens: number;
  cachedTokens: number;
}

/**
 * The request's tokens as the server counts them (tokenize of the turns joined by '\n', the
 * prompt describeGemini builds), each keyed with the turn starts (offset and role) it holds.
 */
export function geminiTokens(messages: { role: string; text: string }[]): string[] {
  const prompt = messages.map((m) => m.text).join('\n');
  const starts = new Map<number, string[]>();
  let offset = 0;
  messages.forEach((m, i) => {
    const at = Math.floor(offset / 4);
    starts.set(at, [...(starts.get(at) ?? []), `${offset % 4}:${i}:${m.role}`]);
    offset += m.text.length + 1;
  });
  return tokenize(prompt).map((piece, i) => {
    const turns = starts.get(i);
    return turns ? `${piece}\u0000${turns.join(',')}` : piece;
  });
}

function update(hash: Hash, tokens: string[], from: number, to: number): void {
  for (let i = from; i < to; i++) hash.update(`${tokens[i]!.length}|${tokens[i]!}`);
}

export class GeminiImplicitCache {
  /** scope + prefix hash at a block boundary → expiry time. */
  private readonly entries = new Map<string, number>();
  private readonly ttlMs: number;

  constructor(
    private readonly now: () => number = Date.now,
    options: GeminiCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? GEMINI_CACHE_TTL_MS;
  }

  /** Counts the prompt, reports the cached whole blocks of its prefix, then caches its own blocks. */
  serve(req: GeminiCacheRequest): GeminiCacheResult {
    const tokens = geminiTokens(req.messages);
    const n = tokens.length;
    const block = req.minTokens ?? implicitCacheMinimum(req.model) ?? GEMINI_3_MIN_TOKENS;
    if (n < block) return { promptTokens: n, cachedTokens: 0 };
    const t = this.now();
    const hash = createHash('sha256').update(JSON.stringify([req.project, modelFamilyId(req.model)]));
    const boundaries: string[] = [];
    for (let end = block; end <= n; end += block) {
      update(hash, tokens, end - block, end);
      boundaries.push(hash.copy().digest('hex'));
    }
    let cached = 0;
    for (let i = boundaries.length - 1; i >= 0; i--) {
      const expiry = this.entries.get(boundaries[i]!);
      if (expiry !== undefined && expiry > t) {
        cached = (i + 1) * block;
        break;
      }
    }
    for (const b of boundaries) this.entries.set(b, t + this.ttlMs);
    if (this.entries.size > 50_000) this.evictExpired(t);
    return { promptTokens: n, cachedTokens: cached };
  }

  private evictExpired(t: number): void {
    for (const [k, expiry] of this.entries) if (expiry <= t) this.entries.delete(k);
  }
}
