// The one money formatter: status bar, tooltip, cost panel (the webview imports this file),
// review confirmation and report, notices, optimizer, LiteLLM notes, Check Setup, CSV export.
// Pure (no node built-ins either: it runs in the panel's browser bundle).
//
// How amounts are rounded, so that the same amount prints the same everywhere and what is shown
// adds up:
// - Every amount is first taken to whole nano-dollars (`toNanos`), and sums are made of those
//   integers, never of floats: 0.1 + 0.2 is 300,000,000 nano-dollars, i.e. exactly $0.3.
// - Shown amounts have one fixed unit, $0.0001, everywhere, rounded half away from zero. Four
//   decimals, or two when the last two are zeros ($5.00, $0.50, $0.0030, $1.0670). A non-zero
//   amount below half a unit reads "<$0.0001", never "$0.00".
// - A table with a total (tooltip rows, panel tiers/commands/models/days, review stages): the total
//   is the exact sum rounded to the unit, and the rows are apportioned to it by the largest-remainder
//   method (`moneyTable`), so the rows shown always add up to the total shown. A row may then read
//   one unit away from the same amount shown on its own; nothing else differs between surfaces.
// - CSV carries the exact amount to the nano-dollar as a plain decimal string (`exactUsd`).
// The budget's own micro-dollar rounding up (src/core/ledger.ts usdToMicros) is a safety rule for
// the cap check, not a display rule: nothing here uses it.

export const NANOS_PER_USD = 1_000_000_000;
/** Decimals of the shown unit. */
export const SHOWN_DECIMALS = 4;
/** The shown unit ($0.0001) in nano-dollars. */
export const UNIT_NANOS = 100_000;

/** Whole nano-dollars (float noise below a nano-dollar dropped); NaN when not finite. */
export function toNanos(usd: number): number {
  return Number.isFinite(usd) ? Math.round(usd * NANOS_PER_USD) : NaN;
}

export function nanosToUsd(nanos: number): number {
  return nanos / NANOS_PER_USD;
}

/** The exact sum of amounts, made in integer nano-dollars. */
export function sumUsd(amounts: Iterable<number>): number {
  let nanos = 0;
  for (const a of amounts) nanos += toNanos(a);
  return nanosToUsd(nanos);
}

/** An amount in shown units ($0.0001), rounded half away from zero; NaN when not finite. */
export function toUnits(usd: number): number {
  const nanos = toNanos(usd);
  if (!Number.isFinite(nanos)) return NaN;
  // Beyond 2^53 nano-dollars ($9M) the nano step is lost anyway: round the float itself.
  if (!Number.isSafeInteger(nanos)) return Math.round(usd * 10 ** SHOWN_DECIMALS);
  return Math.sign(nanos) * Math.floor((Math.abs(nanos) + UNIT_NANOS / 2) / UNIT_NANOS);
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Shown units as money. `nonZero` says the amount itself was not zero, so zero units read
 * "<$0.0001" (the amount is there, below the unit).
 */
export function formatUnits(units: number, nonZero = false): string {
  if (!Number.isFinite(units)) return '$?';
  if (units === 0 && nonZero) return '<$0.0001';
  const digits = BigInt(Math.abs(Math.round(units)))
    .toString()
    .padStart(SHOWN_DECIMALS + 1, '0');
  const whole = group(digits.slice(0, -SHOWN_DECIMALS));
  let frac = digits.slice(-SHOWN_DECIMALS);
  if (frac.endsWith('00')) frac = frac.slice(0, 2); // whole cents read as cents
  return `${units < 0 ? '−' : ''}$${whole}.${frac}`;
}

/** One amount as money: "$1,234.50", "$0.0030", "<$0.0001", "−$0.16", "$?" when not finite. */
export function formatUsd(usd: number): string {
  return formatUnits(toUnits(usd), toNanos(usd) !== 0);
}

export interface MoneyTable {
  total: string;
  rows: string[];
  totalUnits: number;
  rowUnits: number[];
}

/**
 * Rows and their total, shown so that the rows add up to the total: the total is the rows' exact
 * sum (or `totalUsd`, when the table shows only part of a figure computed elsewhere) rounded to
 * the unit, and the units go to the rows by the largest-remainder method.
 */
export function moneyTable(rowsUsd: readonly number[], totalUsd?: number): MoneyTable {
  const nanos = rowsUsd.map((r) => toNanos(r));
  const totalNanos = totalUsd === undefined ? nanos.reduce((a, b) => a + b, 0) : toNanos(totalUsd);
  if (!nanos.every(Number.isSafeInteger) || !Number.isSafeInteger(totalNanos)) {
    // Not finite or beyond exact: each on its own (there is no honest sum to keep).
    return {
      total: totalUsd === undefined ? formatUsd(sumUsd(rowsUsd)) : formatUsd(totalUsd),
      rows: rowsUsd.map(formatUsd),
      totalUnits: toUnits(totalUsd ?? sumUsd(rowsUsd)),
      rowUnits: rowsUsd.map(toUnits),
    };
  }
  const totalUnits = toUnits(nanosToUsd(totalNanos));
  const units = nanos.map((n) => Math.floor(n / UNIT_NANOS));
  const rest = nanos.map((n, i) => n - units[i]! * UNIT_NANOS);
  let missing = totalUnits - units.reduce((a, b) => a + b, 0);
  if (units.length > 0 && missing !== 0) {
    // Largest remainders first get a unit; when the given total is below the rows' sum, the
    // smallest remainders give one back. Ties: larger amount first, then the earlier row.
    const order = nanos.map((_, i) => i);
    const step = missing > 0 ? 1 : -1;
    const gives = (i: number) => (step < 0 && units[i]! <= 0 ? 1 : 0); // take back from shown rows first
    order.sort((a, b) => gives(a) - gives(b) || step * (rest[b]! - rest[a]!) || nanos[b]! - nanos[a]! || a - b);
    for (let k = 0; missing !== 0; k = (k + 1) % order.length) {
      units[order[k]!]! += step;
      missing -= step;
    }
  }
  return {
    total: formatUnits(totalUnits, totalNanos !== 0),
    rows: units.map((u, i) => formatUnits(u, nanos[i] !== 0)),
    totalUnits,
    rowUnits: units,
  };
}

/**
 * The exact amount as a plain decimal string for CSV and logs: no "$", no grouping, no float
 * noise, no trailing zeros ("0.3", "0.000018", "12", "-0.5"); "" when not finite.
 */
export function exactUsd(usd: number): string {
  const nanos = toNanos(usd);
  if (!Number.isFinite(nanos)) return '';
  if (!Number.isSafeInteger(nanos)) return BigInt(Math.round(usd)).toString(); // $9M+: whole dollars
  const digits = String(Math.abs(nanos)).padStart(10, '0');
  const whole = digits.slice(0, -9);
  const frac = digits.slice(-9).replace(/0+$/, '');
  return `${nanos < 0 ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
