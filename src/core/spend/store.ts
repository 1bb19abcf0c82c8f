// Summaries of settled ledger days, kept on disk by the panel host so that opening the panel on
// 90 days reads 90 small summaries instead of 450,000 ledger lines. A day is settled two days
// after it ends: a call that started just before midnight is still written to its start day's
// file after midnight, so yesterday may still grow. The fingerprint names everything a summary
// depends on besides the ledger (the pro model and its rates): when it changes, the store is
// dropped whole.
import { z } from 'zod';
import type { SpendCache, StoredDay } from './cache';
import { addDays, daysIn, type DayRange } from './days';
import type { LedgerRecord } from '../types';

export const STORE_VERSION = 1;

const tally = z.tuple([z.string(), z.number().finite(), z.number().int().nonnegative()]);
const storedDaySchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  usd: z.number().finite(),
  calls: z.number().int().nonnegative(),
  byTier: z.array(tally),
  byCommand: z.array(tally),
  byModel: z.array(z.tuple([z.string(), z.number().finite(), z.number().int().nonnegative(), z.string()])),
  outcomes: z.partialRecord(
    z.enum(['ok', 'cancelled', 'error', 'refused', 'escalated']),
    z.number().int().nonnegative(),
  ),
  allProUsd: z.number().finite(),
  unpricedCalls: z.number().int().nonnegative(),
});
const storeSchema = z.object({ v: z.literal(STORE_VERSION), fingerprint: z.string(), days: z.array(storedDaySchema) });

export interface DayStore {
  fingerprint: string;
  days: Map<string, StoredDay>;
}

export function emptyStore(fingerprint: string): DayStore {
  return { fingerprint, days: new Map() };
}

/** Parses a stored file; anything unreadable or made under another fingerprint is an empty store. */
export function parseStore(text: string | undefined, fingerprint: string): DayStore {
  if (!text) return emptyStore(fingerprint);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return emptyStore(fingerprint);
  }
  const parsed = storeSchema.safeParse(json);
  if (!parsed.success || parsed.data.fingerprint !== fingerprint) return emptyStore(fingerprint);
  return { fingerprint, days: new Map(parsed.data.days.map((d) => [d.day, d as StoredDay])) };
}

export function serializeStore(store: DayStore): string {
  return JSON.stringify({ v: STORE_VERSION, fingerprint: store.fingerprint, days: [...store.days.values()] });
}

/** The last day that can no longer change on `today`. */
export function lastSettledDay(today: string): string {
  return addDays(today, -2);
}

export interface LoadDeps {
  read(fromDay: string, toDay: string): Promise<LedgerRecord[]>;
  store: DayStore;
}

/**
 * Makes every day of `days` available in the cache: settled days from the store when it has them,
 * the others from the ledger, then the rows the calls table needs. Settled days read from the
 * ledger are added to the store; returns true when the store changed (the caller saves it).
 */
export async function loadRange(cache: SpendCache, days: DayRange, today: string, deps: LoadDeps): Promise<boolean> {
  const settled = lastSettledDay(today);
  for (const day of daysIn(days)) {
    const stored = day <= settled && !cache.has(day) ? deps.store.days.get(day) : undefined;
    if (stored) cache.importDay(stored);
  }
  let changed = false;
  const live = new Set([today, addDays(today, -1)]);
  const readSpan = async (span: DayRange) => {
    cache.load(span, await deps.read(span.from, span.to), live);
    for (const day of daysIn(span)) {
      if (day > settled || deps.store.days.has(day)) continue;
      const s = cache.exportDay(day);
      if (s) {
        deps.store.days.set(day, s);
        changed = true;
      }
    }
  };
  for (const span of cache.missing(days)) await readSpan(span);
  for (const day of cache.rowDaysNeeded(days)) await readSpan({ from: day, to: day });
  return changed;
}
