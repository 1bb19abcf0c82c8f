// Suggestions shown and accepted per model per local day, kept in globalState: the tier
// optimizer reads acceptance rates from here.
import type * as vscode from 'vscode';
import { localDay } from '../../core/day';

export const INLINE_STATS_KEY = 'tiered.inlineStats';
/** Days kept; older days are dropped on write. */
const KEEP_DAYS = 60;

export interface ModelCounts {
  shown: number;
  accepted: number;
}

/** day (YYYY-MM-DD) → model id → counts. */
export type InlineStats = Record<string, Record<string, ModelCounts>>;

export class InlineStatsStore {
  private stats: InlineStats;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: vscode.Memento,
    private readonly now: () => number = Date.now,
  ) {
    this.stats = structuredClone(state.get<InlineStats>(INLINE_STATS_KEY) ?? {});
  }

  snapshot(): InlineStats {
    return structuredClone(this.stats);
  }

  shown(model: string | undefined): void {
    this.bump(model, 'shown');
  }

  accepted(model: string | undefined): void {
    this.bump(model, 'accepted');
  }

  private bump(model: string | undefined, field: keyof ModelCounts): void {
    const day = localDay(this.now());
    const perModel = (this.stats[day] ??= {});
    const counts = (perModel[model ?? 'unknown'] ??= { shown: 0, accepted: 0 });
    counts[field]++;
    const days = Object.keys(this.stats).sort();
    for (const old of days.slice(0, Math.max(0, days.length - KEEP_DAYS))) delete this.stats[old];
    const copy = this.snapshot();
    // Serialised so a slow write never lands after a newer one.
    this.writing = this.writing.then(() => this.state.update(INLINE_STATS_KEY, copy)).catch(() => undefined);
  }
}
