// Today's spend as the status bar and its tooltip show it: the ledger's own amounts summed in exact
// nano-dollars. The budget's per-call rounding up to a whole micro-dollar (src/core/ledger.ts) keeps
// the cap safe; shown here it made a $0.000184 call read as $0.00019 beside the panel's figure.
import type { LedgerRecord } from '../types';
import { moneyTable, nanosToUsd, toNanos } from './format';

export interface ShownTally {
  usd: number;
  calls: number;
}

export interface ShownDay {
  day: string | undefined;
  spentUsd: number;
  calls: number;
  byCommand: Record<string, ShownTally>;
  byModel: Record<string, ShownTally>;
}

type Counted = Pick<LedgerRecord, 'command' | 'model' | 'costUsd'>;

export class DaySpend {
  private day: string | undefined;
  private nanos = 0;
  private calls = 0;
  private readonly commands = new Map<string, { nanos: number; calls: number }>();
  private readonly models = new Map<string, { nanos: number; calls: number }>();

  /** Folds the records a ledger poll returned for `day`; a new day starts from zero. */
  add(day: string, records: Iterable<Counted>): void {
    if (day !== this.day) {
      this.day = day;
      this.nanos = 0;
      this.calls = 0;
      this.commands.clear();
      this.models.clear();
    }
    for (const r of records) {
      // A non-finite cost is the ledger reader's problem to reject; here it must not poison the sum.
      const n = Number.isFinite(r.costUsd) ? toNanos(r.costUsd) : 0;
      this.nanos += n;
      this.calls++;
      bump(this.commands, r.command, n);
      bump(this.models, r.model, n);
    }
  }

  get shown(): ShownDay {
    return {
      day: this.day,
      spentUsd: nanosToUsd(this.nanos),
      calls: this.calls,
      byCommand: plain(this.commands),
      byModel: plain(this.models),
    };
  }
}

function bump(map: Map<string, { nanos: number; calls: number }>, key: string, nanos: number): void {
  const t = map.get(key) ?? { nanos: 0, calls: 0 };
  t.nanos += nanos;
  t.calls++;
  map.set(key, t);
}

function plain(map: Map<string, { nanos: number; calls: number }>): Record<string, ShownTally> {
  const out: Record<string, ShownTally> = {};
  for (const [k, v] of map) out[k] = { usd: nanosToUsd(v.nanos), calls: v.calls };
  return out;
}

/** A tooltip table's rows, largest first, their amounts apportioned to the total shown above them. */
export function breakdownRows(
  rows: Record<string, ShownTally>,
  totalUsd: number,
): Array<{ key: string; calls: number; shown: string }> {
  const entries = Object.entries(rows).sort((a, b) => b[1].usd - a[1].usd || a[0].localeCompare(b[0]));
  const shown = moneyTable(
    entries.map(([, t]) => t.usd),
    totalUsd,
  ).rows;
  return entries.map(([key, t], i) => ({ key, calls: t.calls, shown: shown[i]! }));
}
