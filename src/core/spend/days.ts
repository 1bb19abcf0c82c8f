// Local calendar days (YYYY-MM-DD), the unit of the ledger files, the caps and the panel's ranges.

export type RangeSpec =
  { kind: 'today' } | { kind: '7d' } | { kind: '30d' } | { kind: 'custom'; from: string; to: string };

export interface DayRange {
  from: string;
  to: string;
}

/** Longest custom range the panel accepts (a year and a day; keeps reads bounded). */
export const MAX_RANGE_DAYS = 366;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The local day of an epoch time. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function isDay(s: string): boolean {
  if (!DAY_RE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d;
}

/** `day` moved by `delta` calendar days (DST-safe: works on dates, not on 24 h steps). */
export function addDays(day: string, delta: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d + delta);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Every day from `from` to `to`, both included (empty when from > to). */
export function daysIn(range: DayRange): string[] {
  const out: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) out.push(day);
  return out;
}

/** The concrete days a range means on `today`; a custom range is clamped to MAX_RANGE_DAYS ending at `to`. */
export function resolveRange(spec: RangeSpec, today: string): DayRange {
  switch (spec.kind) {
    case 'today':
      return { from: today, to: today };
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case 'custom': {
      const [a, b] = spec.from <= spec.to ? [spec.from, spec.to] : [spec.to, spec.from];
      const earliest = addDays(b, -(MAX_RANGE_DAYS - 1));
      return { from: a < earliest ? earliest : a, to: b };
    }
  }
}

/**
 * Local day of an ISO timestamp, fast for ledger order: it remembers the UTC bounds of the last
 * day it computed, and a UTC ('Z') timestamp inside them is that day after two string compares
 * (ISO UTC strings of one format order like the times they name). Anything else is parsed.
 */
export function createDayOf(): (ts: string) => string {
  let lo = '';
  let hi = '';
  let day = '';
  return (ts: string) => {
    const utc = ts.length >= 20 && ts.charCodeAt(ts.length - 1) === 90; /* 'Z' */
    if (utc && ts >= lo && ts < hi) return day;
    const ms = Date.parse(ts);
    const d = localDay(ms);
    if (!utc || !Number.isFinite(ms)) return d;
    const t = new Date(ms);
    lo = new Date(t.getFullYear(), t.getMonth(), t.getDate()).toISOString();
    hi = new Date(t.getFullYear(), t.getMonth(), t.getDate() + 1).toISOString();
    day = d;
    return d;
  };
}
