// Per-command and per-model figures of a period, from ledger records and inline acceptance counts.
import type { TieredConfig } from '../config';
import { tierFor } from '../router';
import type { CommandId, LedgerRecord, TierId } from '../types';

/** day (YYYY-MM-DD) → model id → suggestions shown and accepted (globalState 'tiered.inlineStats'). */
export type InlineStatsByDay = Readonly<Record<string, Readonly<Record<string, { shown: number; accepted: number }>>>>;

/** The command whose results are inline suggestions (acceptance is counted for it). */
export const INLINE_COMMAND = 'complete';

export interface CallCounts {
  /** Calls made (refusals are not calls). */
  calls: number;
  ok: number;
  errors: number;
  escalations: number;
  cancelled: number;
  spendUsd: number;
  /** Records whose cost was unknown (NaN): the spend is then a lower bound. */
  unpriced: number;
  inputTokens: number;
  meanInputTokens: number | null;
  medianTtftMs: number | null;
  /** ok + errors + escalations: calls that finished (cancelled ones say nothing of quality). */
  finished: number;
  errorRate: number | null;
  escalationRate: number | null;
}

export interface ModelStats extends CallCounts {
  modelId: string;
  tier: TierId;
  shown: number;
  accepted: number;
  acceptanceRate: number | null;
}

export interface CommandStats extends CallCounts {
  command: CommandId;
  /** The tier the command is routed to now. */
  tier: TierId;
  refused: number;
  /** Inline: suggestions shown; other commands: undefined. */
  shown?: number;
  /** Inline: suggestions accepted; other commands: answers delivered (ok). */
  accepted: number;
  /** accepted / shown for inline; null for other commands or without data. */
  acceptanceRate: number | null;
  costPerAcceptedUsd: number | null;
  /** The same figures for the calls of each tier the command ran on in the period. */
  byTier: Record<TierId, CallCounts>;
  byModel: ModelStats[];
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function countCalls(records: readonly LedgerRecord[]): CallCounts {
  // One pass: a busy week of inline completion is tens of thousands of records.
  let calls = 0;
  let ok = 0;
  let errors = 0;
  let escalations = 0;
  let cancelled = 0;
  let spendUsd = 0;
  let unpriced = 0;
  let inputTokens = 0;
  const ttfts: number[] = [];
  for (const r of records) {
    if (r.outcome === 'refused') continue;
    calls++;
    if (r.outcome === 'ok') ok++;
    else if (r.outcome === 'error') errors++;
    else if (r.outcome === 'escalated') escalations++;
    else if (r.outcome === 'cancelled') cancelled++;
    if (Number.isFinite(r.costUsd)) spendUsd += r.costUsd;
    else unpriced++;
    inputTokens += r.inputTokens;
    if (r.ttftMs !== null) ttfts.push(r.ttftMs);
  }
  const finished = ok + errors + escalations;
  return {
    calls,
    ok,
    errors,
    escalations,
    cancelled,
    spendUsd,
    unpriced,
    inputTokens,
    meanInputTokens: ratio(inputTokens, calls),
    medianTtftMs: median(ttfts),
    finished,
    errorRate: ratio(errors, finished),
    escalationRate: ratio(escalations, finished),
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Sums inline counts per model over the period's days. */
export function inlineTotals(
  inline: InlineStatsByDay | undefined,
  from: string,
  to: string,
): Map<string, { shown: number; accepted: number }> {
  const out = new Map<string, { shown: number; accepted: number }>();
  for (const [day, models] of Object.entries(inline ?? {})) {
    if (day < from || day > to || !models || typeof models !== 'object') continue;
    for (const [model, c] of Object.entries(models)) {
      const t = out.get(model) ?? { shown: 0, accepted: 0 };
      t.shown += Number.isFinite(c?.shown) ? c.shown : 0;
      t.accepted += Number.isFinite(c?.accepted) ? c.accepted : 0;
      out.set(model, t);
    }
  }
  return out;
}

export function modelStats(
  records: readonly LedgerRecord[],
  inline: Map<string, { shown: number; accepted: number }> | undefined,
): ModelStats[] {
  return [...groupBy(records, (r) => `${r.tier}\n${r.model}`).values()].map((list) => {
    const counts = inline?.get(list[0]!.model) ?? { shown: 0, accepted: 0 };
    return {
      modelId: list[0]!.model,
      tier: list[0]!.tier,
      ...countCalls(list),
      shown: counts.shown,
      accepted: counts.accepted,
      acceptanceRate: ratio(counts.accepted, counts.shown),
    };
  });
}

/** Figures per command over the records of a period (all commands seen or configured). */
export function commandStats(
  records: readonly LedgerRecord[],
  config: TieredConfig,
  inline: InlineStatsByDay | undefined,
  from: string,
  to: string,
): CommandStats[] {
  const inlineByModel = inlineTotals(inline, from, to);
  const byCommand = groupBy(records, (r) => r.command);
  for (const command of Object.keys(config.commands)) if (!byCommand.has(command)) byCommand.set(command, []);
  return [...byCommand.entries()]
    .map(([command, list]): CommandStats => {
      const counts = countCalls(list);
      const isInline = command === INLINE_COMMAND;
      let shown = 0;
      let acceptedInline = 0;
      if (isInline) {
        for (const c of inlineByModel.values()) {
          shown += c.shown;
          acceptedInline += c.accepted;
        }
      }
      const accepted = isInline ? acceptedInline : counts.ok;
      const byTier: Record<TierId, CallCounts> = {};
      for (const [tier, tierList] of groupBy(list, (r) => r.tier)) byTier[tier] = countCalls(tierList);
      return {
        command,
        tier: tierFor(config, command),
        ...counts,
        refused: list.length - counts.calls,
        ...(isInline ? { shown } : {}),
        accepted,
        acceptanceRate: isInline ? ratio(acceptedInline, shown) : null,
        costPerAcceptedUsd: ratio(counts.spendUsd, accepted),
        byTier,
        byModel: modelStats(list, isInline ? inlineByModel : undefined),
      };
    })
    .sort((a, b) => b.spendUsd - a.spendUsd || a.command.localeCompare(b.command));
}
