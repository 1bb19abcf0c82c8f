// Results of earlier reviews, keyed by what decides the answer: the exact content sent, the
// models, the prompt version and the schema version. A hit costs nothing and sends nothing.
import { createHash } from 'node:crypto';
import type { Clock } from '../types';

export interface CacheKeyParts {
  /** The rendered input exactly as it would be sent. */
  content: string;
  /** Every model the review would use, as "id=provider/model" (order does not matter). */
  models: string[];
  promptVersion: string;
  schemaVersion: number;
  /** Plan switches that change the answer (e.g. "extract", "auto"). */
  mode: string;
}

export function reviewCacheKey(parts: CacheKeyParts): string {
  const h = createHash('sha256');
  // Length-prefixed fields: no two different part lists hash the same text.
  const fields = [
    parts.promptVersion,
    String(parts.schemaVersion),
    parts.mode,
    [...parts.models].sort().join(','),
    parts.content,
  ];
  for (const f of fields) h.update(`${f.length}:${f}|`);
  return h.digest('hex');
}

/** Where cached results live (files under global storage in the editor, a Map in tests). */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export class MemoryCacheStore implements CacheStore {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}

interface Entry<T> {
  v: 1;
  storedAt: number;
  value: T;
}

/** Typed, versioned entries with a maximum age; a corrupt entry is a miss, never an error. */
export class ResultCache<T> {
  constructor(
    private readonly store: CacheStore,
    private readonly clock: Clock,
    private readonly maxAgeMs = 30 * 24 * 3600_000,
  ) {}

  async get(key: string): Promise<{ value: T; storedAt: number } | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.store.get(key);
    } catch {
      return undefined;
    }
    if (raw === undefined) return undefined;
    try {
      const entry = JSON.parse(raw) as Entry<T>;
      if (entry.v !== 1 || typeof entry.storedAt !== 'number') return undefined;
      if (this.clock.now() - entry.storedAt > this.maxAgeMs) {
        await this.store.delete(key).catch(() => undefined);
        return undefined;
      }
      return { value: entry.value, storedAt: entry.storedAt };
    } catch {
      return undefined;
    }
  }

  async put(key: string, value: T): Promise<void> {
    const entry: Entry<T> = { v: 1, storedAt: this.clock.now(), value };
    await this.store.set(key, JSON.stringify(entry));
  }
}
