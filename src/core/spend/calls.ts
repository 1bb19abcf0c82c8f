// The recent-calls table: rows without anything the table does not show, newest first, with the
// sort and filter the panel applies locally.
import type { LedgerRecord, Outcome, TierId } from '../types';

export interface CallRow {
  id: string;
  ts: string;
  command: string;
  tier: TierId;
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  outcome: Outcome;
  reason?: string;
  /** Billed above the reserved worst case (already inside costUsd). */
  overUsd?: number;
}

export type CallSortKey = Exclude<keyof CallRow, 'id' | 'reason' | 'overUsd'>;
export const CALL_SORT_KEYS: readonly CallSortKey[] = [
  'ts',
  'command',
  'tier',
  'model',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'costUsd',
  'latencyMs',
  'outcome',
];

export interface CallSort {
  key: CallSortKey;
  descending: boolean;
}

export interface CallFilter {
  /** Case-insensitive substring of command, tier, model, outcome or reason. */
  text?: string;
  command?: string;
  tier?: string;
  model?: string;
  outcome?: Outcome;
}

export function toRow(r: LedgerRecord): CallRow {
  const row: CallRow = {
    id: r.id,
    ts: r.ts,
    command: r.command,
    tier: r.tier,
    model: r.model,
    inputTokens: r.inputTokens,
    cachedInputTokens: r.cachedInputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    latencyMs: r.latencyMs,
    outcome: r.outcome,
  };
  if (r.reason) row.reason = r.reason;
  if (r.overUsd) row.overUsd = r.overUsd;
  return row;
}

const newestFirst = (a: { ts: string }, b: { ts: string }) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0);

/**
 * The `limit` newest records as rows. Linear in the records: a bounded buffer is sorted only when
 * it overflows, so 450,000 records do not get sorted whole.
 */
export function recentRows(records: Iterable<LedgerRecord>, limit: number): CallRow[] {
  if (limit <= 0) return [];
  // A day's file is in time order almost always: then the newest are simply its last lines.
  if (Array.isArray(records) && isAscending(records as readonly LedgerRecord[])) {
    const list = records as readonly LedgerRecord[];
    const out: CallRow[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) out.push(toRow(list[i]!));
    return out;
  }
  let buf: LedgerRecord[] = [];
  let floor = '';
  for (const r of records) {
    if (buf.length >= limit && r.ts <= floor) continue;
    buf.push(r);
    if (buf.length >= limit * 2) {
      buf.sort(newestFirst);
      buf = buf.slice(0, limit);
      floor = buf[buf.length - 1]!.ts;
    }
  }
  buf.sort(newestFirst);
  return buf.slice(0, limit).map(toRow);
}

function isAscending(list: readonly LedgerRecord[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]!.ts > list[i]!.ts) return false;
  return true;
}

/** Merges newest-first row lists (e.g. per day) into one newest-first list of at most `limit`. */
export function mergeRecent(lists: ReadonlyArray<readonly CallRow[]>, limit: number): CallRow[] {
  return lists.flat().sort(newestFirst).slice(0, limit);
}

export function filterRows(rows: readonly CallRow[], filter: CallFilter): CallRow[] {
  const text = filter.text?.trim().toLowerCase() ?? '';
  return rows.filter(
    (r) =>
      (!filter.command || r.command === filter.command) &&
      (!filter.tier || r.tier === filter.tier) &&
      (!filter.model || r.model === filter.model) &&
      (!filter.outcome || r.outcome === filter.outcome) &&
      (!text ||
        r.command.toLowerCase().includes(text) ||
        r.tier.toLowerCase().includes(text) ||
        r.model.toLowerCase().includes(text) ||
        r.outcome.includes(text) ||
        // The panel shows an 'error' outcome as "failed": typing what is shown finds it.
        (r.outcome === 'error' && 'failed'.includes(text)) ||
        (r.reason?.toLowerCase().includes(text) ?? false)),
  );
}

/** A stable sort (ties keep the newest-first order they came in). */
export function sortRows(rows: readonly CallRow[], sort: CallSort): CallRow[] {
  const dir = sort.descending ? -1 : 1;
  const key = sort.key;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const x = a.row[key];
      const y = b.row[key];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c !== 0 ? c * dir : a.i - b.i;
    })
    .map((e) => e.row);
}
