// OpenAI prompt caching, emulated for the api.openai.com flavour (chat completions and completions).
// Rules from OpenAI's guide, https://developers.openai.com/api/docs/guides/prompt-caching
// (checked 2026-11-30), and the cookbook https://developers.openai.com/cookbook/examples/prompt_caching_201:
// - caching applies to prompts of 1,024 tokens or more, on gpt-4o and newer models;
// - a hit is an exact prefix match, counted in blocks of 128 tokens after the first 1,024;
// - a request is routed to a machine by a hash of its first ~256 tokens, combined with
//   `prompt_cache_key` when sent; above ~15 requests a minute for one prefix + key, requests
//   overflow to other machines (with their own caches);
// - caches are not shared between organizations; a cached prefix stays ~5–10 minutes after its
//   last use (here: `ttlMs`, default 5 minutes, the short end);
// - the usage reports `prompt_tokens_details.cached_tokens` (inside `prompt_tokens`).
// Tokens are counted with o200k (the tokenizer of these models) on the serialised prompt.
import { createHash, type Hash } from 'node:crypto';

/** Models that cache ("gpt-4o and newer"), by family id (vendor prefix removed, lower case). */
export const CACHING_MODELS = /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d)/;

export const CACHE_MIN_TOKENS = 1024;
export const CACHE_BLOCK_TOKENS = 128;
const ROUTE_PREFIX_TOKENS = 256;
const OVERFLOW_PER_MINUTE = 15;
/** Overflowed requests go round-robin to this many other machines. */
const OVERFLOW_MACHINES = 2;

export interface PromptCacheOptions {
  /** How long a cached prefix stays after its last use (default 5 minutes). */
  ttlMs?: number;
  /** Requests a minute one route takes before overflowing (default 15). */
  overflowPerMinute?: number;
}

export interface CacheRequest {
  /** Organization (or, without one, the API key): caches are not shared across it. */
  org: string;
  model: string;
  promptCacheKey?: string;
  /** The serialised prompt (see serialisePrompt). */
  prompt: string;
}

export interface CacheResult {
  promptTokens: number;
  cachedTokens: number;
}

interface Encoder {
  encode(text: string, options: { disallowedSpecial: Set<string> }): number[];
}
let encoder: Encoder | undefined;

/** o200k token ids; special-token strings in the text count as text, as the API does. */
export function o200k(text: string): number[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  encoder ??= require('gpt-tokenizer/encoding/o200k_base') as Encoder;
  return encoder.encode(text, { disallowedSpecial: new Set() });
}

/**
 * What the model reads, in order: chat messages each framed with its role (so a change of role or
 * of a message boundary changes the prefix), or a completions prompt followed by its suffix.
 */
export function serialisePrompt(
  route: 'openai.chat' | 'openai.completions',
  described: { messages: { role: string; text: string }[]; fim?: { prefix: string; suffix: string } },
): string {
  if (route === 'openai.completions') {
    const fim = described.fim ?? { prefix: '', suffix: '' };
    return fim.suffix ? `${fim.prefix}<|fim_suffix|>${fim.suffix}` : fim.prefix;
  }
  // A role line per message: a few tokens of framing each, about what the API adds per message.
  return described.messages.map((m) => `${m.role}\n${m.text}\n`).join('');
}

function update(hash: Hash, tokens: number[], from: number, to: number): void {
  hash.update(new Uint8Array(Uint32Array.from(tokens.slice(from, to)).buffer));
}

export class PromptCache {
  /** machine|prefix hash → expiry time. */
  private readonly entries = new Map<string, number>();
  /** route → arrival times in the last minute. */
  private readonly arrivals = new Map<string, number[]>();
  private readonly ttlMs: number;
  private readonly overflowPerMinute: number;

  constructor(
    private readonly now: () => number = Date.now,
    options: PromptCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.overflowPerMinute = options.overflowPerMinute ?? OVERFLOW_PER_MINUTE;
  }

  /** Counts the prompt, reports the cached part, then caches this prompt's prefix blocks. */
  serve(req: CacheRequest): CacheResult {
    const tokens = o200k(req.prompt);
    const n = tokens.length;
    if (n < CACHE_MIN_TOKENS) return { promptTokens: n, cachedTokens: 0 };
    const t = this.now();
    const scope = JSON.stringify([req.org, req.model, req.promptCacheKey ?? null]);
    const routeHash = createHash('sha256').update(scope);
    update(routeHash, tokens, 0, ROUTE_PREFIX_TOKENS);
    const route = routeHash.digest('hex');
    const machine = this.machine(route, t);

    // One hash per block boundary: 1024, 1152, ... ≤ n (the prefix up to it, within this scope).
    const boundaries: string[] = [];
    const hash = createHash('sha256').update(scope);
    update(hash, tokens, 0, CACHE_MIN_TOKENS);
    for (let end = CACHE_MIN_TOKENS; ; end += CACHE_BLOCK_TOKENS) {
      boundaries.push(`${machine}|${hash.copy().digest('hex')}`);
      if (end + CACHE_BLOCK_TOKENS > n) break;
      update(hash, tokens, end, end + CACHE_BLOCK_TOKENS);
    }
    let cached = 0;
    for (let i = boundaries.length - 1; i >= 0; i--) {
      const expiry = this.entries.get(boundaries[i]!);
      if (expiry !== undefined && expiry > t) {
        cached = CACHE_MIN_TOKENS + i * CACHE_BLOCK_TOKENS;
        break;
      }
    }
    for (const b of boundaries) this.entries.set(b, t + this.ttlMs);
    if (this.entries.size > 50_000) this.evictExpired(t);
    return { promptTokens: n, cachedTokens: cached };
  }

  /** Machine 0 while the route stays under the rate; overflowed requests go round-robin elsewhere. */
  private machine(route: string, t: number): number {
    const recent = (this.arrivals.get(route) ?? []).filter((a) => a > t - 60_000);
    recent.push(t);
    this.arrivals.set(route, recent);
    const over = recent.length - this.overflowPerMinute;
    return over <= 0 ? 0 : 1 + (over % OVERFLOW_MACHINES);
  }

  private evictExpired(t: number): void {
    for (const [k, expiry] of this.entries) if (expiry <= t) this.entries.delete(k);
  }
}
