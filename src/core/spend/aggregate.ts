// Spend aggregation behind the cost panel. Records fold into one DayAggregate per local day, so the
// host can keep past days (which never change) and fold only today's new records on each append.
import type { LedgerRecord, Outcome, TierId } from '../types';
import { createDayOf, daysIn, type DayRange } from './days';

/** What a record would have cost on the pro tier's primary model; undefined when that price is unknown. */
export type PriceAtPro = (record: LedgerRecord) => number | undefined;

export interface Tally {
  usd: number;
  calls: number;
}

export interface DayAggregate {
  day: string;
  usd: number;
  calls: number;
  byTier: Map<TierId, Tally>;
  byCommand: Map<string, Tally>;
  byModel: Map<string, Tally & { tier: TierId }>;
  outcomes: Map<Outcome, number>;
  /** Every call of the day priced as if it had run on the pro model. */
  allProUsd: number;
  /** Non-pro calls with tokens whose pro price is unknown (their actual cost stands in). */
  unpricedCalls: number;
}

export interface AggregateOptions {
  priceAtPro: PriceAtPro;
  /** The tier whose calls already cost pro prices (default 'pro'). */
  proTier?: TierId;
}

export function emptyDay(day: string): DayAggregate {
  return {
    day,
    usd: 0,
    calls: 0,
    byTier: new Map(),
    byCommand: new Map(),
    byModel: new Map(),
    outcomes: new Map(),
    allProUsd: 0,
    unpricedCalls: 0,
  };
}

function bump<K>(map: Map<K, Tally>, key: K, usd: number): void {
  const t = map.get(key);
  if (t) {
    t.usd += usd;
    t.calls++;
  } else map.set(key, { usd, calls: 1 });
}

/** Folds one record into its day (mutates `agg`). */
export function addRecord(agg: DayAggregate, r: LedgerRecord, options: AggregateOptions): void {
  const usd = r.costUsd;
  agg.usd += usd;
  agg.calls++;
  bump(agg.byTier, r.tier, usd);
  bump(agg.byCommand, r.command, usd);
  const m = agg.byModel.get(r.model);
  if (m) {
    m.usd += usd;
    m.calls++;
  } else agg.byModel.set(r.model, { usd, calls: 1, tier: r.tier });
  agg.outcomes.set(r.outcome, (agg.outcomes.get(r.outcome) ?? 0) + 1);
  // A pro call already cost pro prices; everything else is repriced with the same tokens.
  if (r.tier === (options.proTier ?? 'pro')) agg.allProUsd += usd;
  else if (r.inputTokens + r.outputTokens === 0) agg.allProUsd += usd;
  else {
    const pro = options.priceAtPro(r);
    if (pro === undefined || !Number.isFinite(pro)) {
      agg.unpricedCalls++;
      agg.allProUsd += usd;
    } else agg.allProUsd += pro;
  }
}

/** Groups records by the local day they started on. */
export function aggregateByDay(records: Iterable<LedgerRecord>, options: AggregateOptions): Map<string, DayAggregate> {
  const dayOf = createDayOf();
  const days = new Map<string, DayAggregate>();
  let last: DayAggregate | undefined;
  for (const r of records) {
    const day = dayOf(r.ts);
    // Records arrive grouped by day (one file per day), so the previous bucket is usually the one.
    let agg = last && last.day === day ? last : days.get(day);
    if (!agg) {
      agg = emptyDay(day);
      days.set(day, agg);
    }
    addRecord(agg, r, options);
    last = agg;
  }
  return days;
}

export interface Bucket {
  key: string;
  usd: number;
  calls: number;
  /** Share of the range's spend, 0..1. */
  share: number;
}

export interface DaySpend {
  day: string;
  usd: number;
  calls: number;
  byTier: Record<TierId, number>;
}

export interface Savings {
  actualUsd: number;
  allProUsd: number;
  savedUsd: number;
  /** savedUsd / allProUsd (0 when nothing would have been spent; negative when lite cost more). */
  share: number;
  unpricedCalls: number;
}

export interface SpendSummary {
  from: string;
  to: string;
  usd: number;
  calls: number;
  /** Every day of the range, zero days included, oldest first. */
  days: DaySpend[];
  /** Tiers in display order (the configured order first, then any others seen). */
  tiers: Array<Bucket & { tier: TierId }>;
  byCommand: Bucket[];
  byModel: Array<Bucket & { tier: TierId }>;
  outcomes: Partial<Record<Outcome, number>>;
  savings: Savings;
  proShare: number;
  /** Pro is more than PRO_WARNING_SHARE of the spend. */
  proWarning: boolean;
}

export const PRO_WARNING_SHARE = 0.3;

function buckets(map: Map<string, Tally>, total: number): Bucket[] {
  return [...map]
    .map(([key, t]) => ({ key, usd: t.usd, calls: t.calls, share: total > 0 ? t.usd / total : 0 }))
    .sort((a, b) => b.usd - a.usd || b.calls - a.calls || a.key.localeCompare(b.key));
}

/** Merges the days of `range` into what the panel shows. Days missing from `days` count as zero. */
export function summarize(
  days: ReadonlyMap<string, DayAggregate>,
  range: DayRange,
  options: { tierOrder?: readonly TierId[]; proTier?: TierId } = {},
): SpendSummary {
  const byTier = new Map<TierId, Tally>();
  const byCommand = new Map<string, Tally>();
  const byModel = new Map<string, Tally & { tier: TierId }>();
  const outcomes: Partial<Record<Outcome, number>> = {};
  const daySpend: DaySpend[] = [];
  let usd = 0;
  let calls = 0;
  let allProUsd = 0;
  let unpricedCalls = 0;
  for (const day of daysIn(range)) {
    const agg = days.get(day);
    if (!agg) {
      daySpend.push({ day, usd: 0, calls: 0, byTier: {} });
      continue;
    }
    usd += agg.usd;
    calls += agg.calls;
    allProUsd += agg.allProUsd;
    unpricedCalls += agg.unpricedCalls;
    const tiers: Record<TierId, number> = {};
    for (const [tier, t] of agg.byTier) {
      tiers[tier] = t.usd;
      merge(byTier, tier, t);
    }
    for (const [command, t] of agg.byCommand) merge(byCommand, command, t);
    for (const [model, t] of agg.byModel) {
      const m = byModel.get(model);
      if (m) {
        m.usd += t.usd;
        m.calls += t.calls;
      } else byModel.set(model, { ...t });
    }
    for (const [outcome, n] of agg.outcomes) outcomes[outcome] = (outcomes[outcome] ?? 0) + n;
    daySpend.push({ day, usd: agg.usd, calls: agg.calls, byTier: tiers });
  }
  const order = options.tierOrder ?? ['lite', 'pro'];
  const tierKeys = [...order, ...[...byTier.keys()].filter((t) => !order.includes(t)).sort()];
  const tiers = tierKeys.map((tier) => {
    const t = byTier.get(tier) ?? { usd: 0, calls: 0 };
    return { key: tier, tier, usd: t.usd, calls: t.calls, share: usd > 0 ? t.usd / usd : 0 };
  });
  const proShare = usd > 0 ? (byTier.get(options.proTier ?? 'pro')?.usd ?? 0) / usd : 0;
  // Not clamped: a lite call can cost more than pro would (a server-reported price), and the user should see that.
  const savedUsd = allProUsd - usd;
  return {
    from: range.from,
    to: range.to,
    usd,
    calls,
    days: daySpend,
    tiers,
    byCommand: buckets(byCommand, usd),
    byModel: buckets(byModel, usd).map((b) => ({ ...b, tier: byModel.get(b.key)!.tier })),
    outcomes,
    savings: { actualUsd: usd, allProUsd, savedUsd, share: allProUsd > 0 ? savedUsd / allProUsd : 0, unpricedCalls },
    proShare,
    proWarning: proShare > PRO_WARNING_SHARE,
  };
}

function merge(map: Map<string, Tally>, key: string, t: Tally): void {
  const cur = map.get(key);
  if (cur) {
    cur.usd += t.usd;
    cur.calls += t.calls;
  } else map.set(key, { usd: t.usd, calls: t.calls });
}
