// Number and date formatting for the panel (fixed en-US style so figures read the same everywhere).
// Money is the one formatter the status bar, notices and review use too (src/core/money/format.ts).
// Formatters are made once: toLocaleString builds a new one per call, which cost more than the
// rest of a 200-row table's rendering together.
import { formatUsd } from '../core/money/format';

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const RATE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

export const money = formatUsd;

export function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '—';
}

export function count(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1000 ? String(n) : INTEGER.format(n);
}

export function ms(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${count(Math.round(n))} ms`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local "MM-DD HH:MM:SS" for the calls table. */
export function time(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "Nov 23" from YYYY-MM-DD. */
export function shortDay(day: string): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const [, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${months[m - 1] ?? '?'} ${d}`;
}

export function rate(perMTok: number | undefined): string {
  return perMTok === undefined ? '—' : `$${RATE.format(perMTok)}`;
}
