// CSV export of ledger records (RFC 4180: CRLF line ends, fields with a comma, quote or line break
// quoted, quotes doubled). Records hold no prompt text and no key, so nothing needs removing.
import { exactUsd } from '../money/format';
import type { LedgerRecord } from '../types';

export const CSV_COLUMNS = [
  'ts',
  'command',
  'tier',
  'provider',
  'model',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'reasoningTokens',
  'costUsd',
  'costSource',
  'estimateUsd',
  'latencyMs',
  'ttftMs',
  'outcome',
  'reason',
  'window',
  'id',
] as const satisfies ReadonlyArray<keyof LedgerRecord>;

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Money columns: exact decimal strings from integer nano-dollars ("0.3", not 0.30000000000000004). */
const MONEY_COLUMNS: ReadonlySet<string> = new Set(['costUsd', 'estimateUsd']);

export function csvLine(record: LedgerRecord): string {
  return CSV_COLUMNS.map((c) => {
    const v = record[c];
    return csvField(MONEY_COLUMNS.has(c) && typeof v === 'number' ? exactUsd(v) : v);
  }).join(',');
}

/** The whole export: a header line, then one line per record, in the order given. */
export function toCsv(records: Iterable<LedgerRecord>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) lines.push(csvLine(r));
  return lines.join('\r\n') + '\r\n';
}
