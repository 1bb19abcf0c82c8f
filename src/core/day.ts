// Local-day helpers. Caps and ledger files are per LOCAL day: the user's "today" ends at their
// midnight, not UTC's.
import { systemClock, type Clock } from './types';

/** A local day as 'YYYY-MM-DD'. */
export type Day = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The local day of `ms` (epoch milliseconds), or of the clock's now when `ms` is omitted. */
export function localDay(ms?: number, clock: Clock = systemClock): Day {
  const d = new Date(ms ?? clock.now());
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function isDay(value: string): value is Day {
  const m = DAY_RE.exec(value);
  if (!m) return false;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return localDay(d.getTime()) === value;
}

/** Epoch ms of the local midnight that starts `day`. */
export function dayStartMs(day: Day): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new Error(`Not a day (expected YYYY-MM-DD): ${day}`);
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

/** The day after `day` (calendar arithmetic, so DST days of 23 or 25 hours are fine). */
export function nextDay(day: Day): Day {
  const start = new Date(dayStartMs(day));
  start.setDate(start.getDate() + 1);
  return localDay(start.getTime());
}

/** The local day of an ISO timestamp (a ledger record's `ts`); undefined when unparsable. */
export function dayOfIso(iso: string): Day | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? localDay(ms) : undefined;
}
