// Per-day aggregates the panel host keeps between refreshes: past days never change, so they are
// read once; today's appends are folded in as they arrive (deduplicated by record id).
import type { LedgerRecord, Outcome, TierId } from '../types';
import {
  addRecord,
  emptyDay,
  summarize,
  type AggregateOptions,
  type DayAggregate,
  type SpendSummary,
} from './aggregate';
import { mergeRecent, recentRows, type CallRow } from './calls';
import { createDayOf, daysIn, type DayRange } from './days';

/** A day's aggregate as JSON (see store.ts): tallies as [key, usd, calls] tuples to stay small. */
export interface StoredDay {
  day: string;
  usd: number;
  calls: number;
  byTier: Array<[string, number, number]>;
  byCommand: Array<[string, number, number]>;
  byModel: Array<[string, number, number, string]>;
  outcomes: Partial<Record<Outcome, number>>;
  allProUsd: number;
  unpricedCalls: number;
}

interface DayEntry {
  agg: DayAggregate;
  /** Newest first, at most recentLimit; undefined for a day restored from a stored summary. */
  recent: CallRow[] | undefined;
  /** Ids folded in, kept only for live days (where appends may repeat what a read already saw). */
  ids?: Set<string>;
}

export interface SpendCacheOptions extends AggregateOptions {
  recentLimit: number;
  tierOrder?: readonly TierId[];
}

export class SpendCache {
  private readonly days = new Map<string, DayEntry>();
  private readonly dayOf = createDayOf();

  constructor(private readonly options: SpendCacheOptions) {}

  /** Days of `range` not loaded yet, as contiguous spans (one ledger read each). */
  missing(range: DayRange): DayRange[] {
    const spans: DayRange[] = [];
    let open: DayRange | undefined;
    for (const day of daysIn(range)) {
      if (this.days.has(day)) {
        open = undefined;
        continue;
      }
      if (open) open.to = day;
      else spans.push((open = { from: day, to: day }));
    }
    return spans;
  }

  /**
   * Stores what a read of `span` returned, replacing those days. Days of the span with no record
   * are stored empty. `liveDays` keep their record ids so later appends are not counted twice.
   */
  load(span: DayRange, records: readonly LedgerRecord[], liveDays: ReadonlySet<string> = new Set()): void {
    const grouped = new Map<string, LedgerRecord[]>();
    for (const day of daysIn(span)) grouped.set(day, []);
    let lastDay = '';
    let lastList: LedgerRecord[] | undefined;
    for (const r of records) {
      let day = this.dayOf(r.ts);
      // A call that started just before midnight sits in the next day's file: count it with the
      // file's day, so a later read of the day before cannot count it again.
      if (day < span.from) day = span.from;
      else if (day > span.to) day = span.to;
      const list = day === lastDay ? lastList! : grouped.get(day)!;
      list.push(r);
      lastDay = day;
      lastList = list;
    }
    for (const [day, list] of grouped) {
      const agg = emptyDay(day);
      for (const r of list) addRecord(agg, r, this.options);
      const entry: DayEntry = { agg, recent: recentRows(list, this.options.recentLimit) };
      if (liveDays.has(day)) entry.ids = new Set(list.map((r) => r.id));
      this.days.set(day, entry);
    }
  }

  /** Folds new records into loaded days; returns how many were new. Records of unloaded days are left to their read. */
  append(records: readonly LedgerRecord[]): number {
    let added = 0;
    const touched = new Map<DayEntry, LedgerRecord[]>();
    for (const r of records) {
      const entry = this.days.get(this.dayOf(r.ts));
      if (!entry) continue;
      if (entry.ids) {
        if (entry.ids.has(r.id)) continue;
        entry.ids.add(r.id);
      }
      addRecord(entry.agg, r, this.options);
      const list = touched.get(entry);
      if (list) list.push(r);
      else touched.set(entry, [r]);
      added++;
    }
    for (const [entry, list] of touched) {
      entry.recent = mergeRecent(
        [recentRows(list, this.options.recentLimit), entry.recent ?? []],
        this.options.recentLimit,
      );
    }
    return added;
  }

  summary(range: DayRange): SpendSummary {
    const aggs = new Map<string, DayAggregate>();
    for (const day of daysIn(range)) {
      const e = this.days.get(day);
      if (e) aggs.set(day, e.agg);
    }
    return summarize(aggs, range, { tierOrder: this.options.tierOrder, proTier: this.options.proTier });
  }

  /** The newest rows of the range (walks back from its last day until the limit is filled). */
  recent(range: DayRange): CallRow[] {
    const limit = this.options.recentLimit;
    const lists: CallRow[][] = [];
    let n = 0;
    const days = daysIn(range);
    for (let i = days.length - 1; i >= 0 && n < limit; i--) {
      const e = this.days.get(days[i]!);
      if (!e?.recent || e.recent.length === 0) continue;
      lists.push(e.recent);
      n += e.recent.length;
    }
    return mergeRecent(lists, limit);
  }

  /**
   * Days restored from a summary whose rows the calls table needs: walking back from the range's
   * end, the days without rows until the newest `recentLimit` calls are covered.
   */
  rowDaysNeeded(range: DayRange): string[] {
    const needed: string[] = [];
    let n = 0;
    const days = daysIn(range);
    for (let i = days.length - 1; i >= 0 && n < this.options.recentLimit; i--) {
      const e = this.days.get(days[i]!);
      if (!e) continue;
      if (!e.recent && e.agg.calls > 0) needed.push(e.agg.day);
      n += e.agg.calls;
    }
    return needed;
  }

  /** A loaded day as a stored summary (no rows), for days that can no longer change. */
  exportDay(day: string): StoredDay | undefined {
    const e = this.days.get(day);
    if (!e) return undefined;
    const a = e.agg;
    const tallies = (m: Map<string, { usd: number; calls: number }>) =>
      [...m].map(([k, t]) => [k, t.usd, t.calls] as [string, number, number]);
    return {
      day: a.day,
      usd: a.usd,
      calls: a.calls,
      byTier: tallies(a.byTier),
      byCommand: tallies(a.byCommand),
      byModel: [...a.byModel].map(([k, t]) => [k, t.usd, t.calls, t.tier] as [string, number, number, string]),
      outcomes: Object.fromEntries(a.outcomes) as StoredDay['outcomes'],
      allProUsd: a.allProUsd,
      unpricedCalls: a.unpricedCalls,
    };
  }

  /** Restores a stored summary (unless the day is loaded already). Its rows load on demand. */
  importDay(stored: StoredDay): void {
    if (this.days.has(stored.day)) return;
    const agg = emptyDay(stored.day);
    agg.usd = stored.usd;
    agg.calls = stored.calls;
    for (const [k, usd, calls] of stored.byTier) agg.byTier.set(k, { usd, calls });
    for (const [k, usd, calls] of stored.byCommand) agg.byCommand.set(k, { usd, calls });
    for (const [k, usd, calls, tier] of stored.byModel) agg.byModel.set(k, { usd, calls, tier });
    for (const [k, n] of Object.entries(stored.outcomes)) agg.outcomes.set(k as Outcome, n ?? 0);
    agg.allProUsd = stored.allProUsd;
    agg.unpricedCalls = stored.unpricedCalls;
    this.days.set(stored.day, { agg, recent: undefined });
  }

  has(day: string): boolean {
    return this.days.has(day);
  }

  /** Drops every day outside `keep` (bounds memory when the user narrows the range). */
  retain(keep: DayRange): void {
    for (const day of [...this.days.keys()]) if (day < keep.from || day > keep.to) this.days.delete(day);
  }

  clear(): void {
    this.days.clear();
  }
}
