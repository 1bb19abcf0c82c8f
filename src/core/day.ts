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

// The ISO 8601 form a ledger `ts` takes (zod's `z.iso.datetime({ offset: true })`): seconds
// required, any fraction, 'Z' or ±HH:MM.
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;

/**
 * Epoch ms of an ISO timestamp, or undefined unless every field is in range. Date.parse is not
 * enough: V8 reads '2026-02-30' as March 2 and '24:00' as the next midnight, which the record
 * schema rejects; the fast ledger reader and the day a record is filed under must agree with it.
 */
export function isoTimestampMs(iso: string): number | undefined {
  const m = ISO_RE.exec(iso);
  if (!m) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = +m[4]!;
  const minute = +m[5]!;
  const second = +m[6]!;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  if (m[8] !== undefined) {
    const oh = +m[9]!;
    const om = +m[10]!;
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Milliseconds are the first three fraction digits (Date.parse truncates the same way).
  const ms = m[7] === undefined ? 0 : +m[7].slice(1, 4).padEnd(3, '0');
  const minutes = (daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offsetMin;
  return (minutes * 60 + second) * 1000 + ms;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date object per line. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The local day of an ISO timestamp (a ledger record's `ts`); undefined when it is not a real time. */
export function dayOfIso(iso: string): Day | undefined {
  const ms = isoTimestampMs(iso);
  return ms === undefined ? undefined : localDay(ms);
}
