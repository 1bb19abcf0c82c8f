// The tier optimizer: from a period's figures, principled moves with their reason, the expected
// change in cost (the period's own tokens repriced) and the settings edit that applies them.
// Nothing is suggested on thin data; every "no" that matters is said in `notes`.
import type { TieredConfig } from '../config';
import { formatUsd } from '../money/format';
import { tierAbove } from '../router';
import type { LedgerRecord, TierId } from '../types';
import { repriceAll, spentUsd, type RatesFor } from './reprice';
import {
  commandStats,
  countCalls,
  inlineTotals,
  INLINE_COMMAND,
  modelStats,
  type CommandStats,
  type InlineStatsByDay,
} from './stats';

export interface Thresholds {
  /** Fewer finished calls than this (on the tier in question) are too few to judge. */
  minCalls: number;
  /** Fewer inline suggestions shown than this are too few to compare acceptance. */
  minShown: number;
  /** A command escalating more often than this moves up: each escalation pays twice. */
  escalateUpRate: number;
  /** Evidence that the tier below would do: its escalation rate at most this… */
  downMaxEscalationRate: number;
  /** …and its error rate at most this. */
  maxErrorRate: number;
  /** Moving down only for small inputs (mean input tokens at most this). */
  downMaxInputTokens: number;
  /** A cheaper model of the same tier must save at least this share… */
  reorderMinSaving: number;
  /** …at an error / escalation / acceptance rate within this of the primary's… */
  rateTolerance: number;
  /** …and a median time to first token at most this multiple of the primary's. */
  ttftTolerance: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  minCalls: 20,
  minShown: 50,
  escalateUpRate: 0.3,
  downMaxEscalationRate: 0.1,
  maxErrorRate: 0.05,
  downMaxInputTokens: 8000,
  reorderMinSaving: 0.1,
  rateTolerance: 0.05,
  ttftTolerance: 1.5,
};

/** `tiered.<setting>.<key> = value` — applied by replacing the whole `tiered.<setting>` object. */
export interface SettingsEdit {
  setting: 'commands' | 'tiers';
  key: string;
  value: string | string[];
}

export type SuggestionKind = 'tier-up' | 'tier-down' | 'reorder';

export interface Suggestion {
  /** Stable within a report, e.g. "tier-up:tone". */
  id: string;
  kind: SuggestionKind;
  /** The command moved (tier moves) or the tier reordered. */
  target: string;
  title: string;
  reason: string;
  /** After − before over the period, in USD (negative saves); null when a price is unknown. */
  expectedDeltaUsd: number | null;
  /** The period's cost of the calls concerned, for scale. */
  currentUsd: number;
  edit: SettingsEdit;
}

export interface OptimizerInput {
  records: readonly LedgerRecord[];
  /** Inline acceptance per day and model; days outside the period are ignored. */
  inline?: InlineStatsByDay;
  /** Local days, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
  config: TieredConfig;
  rates: RatesFor;
  thresholds?: Partial<Thresholds>;
}

export interface OptimizerReport {
  from: string;
  to: string;
  commands: CommandStats[];
  suggestions: Suggestion[];
  notes: string[];
}

/** Commands Tiered runs for itself: never moved by the optimizer. */
const INTERNAL_COMMANDS = new Set(['shadow']);

const pct = (x: number | null): string => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);

export function editLabel(edit: SettingsEdit): string {
  return `tiered.${edit.setting}.${edit.key} = ${JSON.stringify(edit.value)}`;
}

/** "saves $0.42 (−35%)" / "costs $1.20 more (+80%)" / "cost change unknown". */
export function describeDelta(s: Pick<Suggestion, 'expectedDeltaUsd' | 'currentUsd'>): string {
  if (s.expectedDeltaUsd === null) return 'cost change unknown (a model has no price)';
  const share =
    s.currentUsd > 0
      ? ` (${s.expectedDeltaUsd < 0 ? '−' : '+'}${Math.round((Math.abs(s.expectedDeltaUsd) / s.currentUsd) * 100)}%)`
      : '';
  return s.expectedDeltaUsd <= 0
    ? `saves ${formatUsd(-s.expectedDeltaUsd)}${share}`
    : `costs ${formatUsd(s.expectedDeltaUsd)} more${share}`;
}

function tierBelow(config: TieredConfig, tier: TierId): TierId | undefined {
  const order = Object.keys(config.tiers);
  const i = order.indexOf(tier);
  return i > 0 ? order[i - 1] : undefined;
}

export function suggestRouting(input: OptimizerInput): OptimizerReport {
  const t: Thresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const { config, rates, records } = input;
  const commands = commandStats(records, config, input.inline, input.from, input.to);
  const suggestions: Suggestion[] = [];
  const notes: string[] = [];
  const primaryOf = (tier: TierId): string | undefined => config.tiers[tier]?.[0];
  const reprice = (recs: readonly LedgerRecord[], modelId: string | undefined): number | null => {
    const r = modelId ? rates(modelId) : undefined;
    return r ? repriceAll(recs, r) : null;
  };

  if (records.length === 0)
    notes.push(`No calls in the ledger from ${input.from} to ${input.to}: nothing to judge yet.`);

  for (const stats of commands) {
    if (INTERNAL_COMMANDS.has(stats.command)) continue;
    const own = records.filter((r) => r.command === stats.command && r.outcome !== 'refused');
    const ownTier = own.filter((r) => r.tier === stats.tier);
    const ownCounts = countCalls(ownTier);
    if (ownCounts.finished < t.minCalls) {
      if (own.length > 0 || records.length > 0) {
        notes.push(
          `${stats.command}: ${ownCounts.finished} finished call(s) on ${stats.tier} in the period (at least ${t.minCalls} needed): too little data to suggest a change.`,
        );
      }
      continue;
    }
    let moved = false;
    let explained = false;

    // Up: escalations pay twice (the rejected lite answer and the pro one).
    const above = tierAbove(config, stats.tier);
    if (above && ownCounts.escalationRate !== null && ownCounts.escalationRate > t.escalateUpRate) {
      const upper = own.filter((r) => r.tier === above);
      const kept = ownTier.filter((r) => r.outcome !== 'escalated');
      const current = spentUsd(ownTier) + spentUsd(upper);
      const after = reprice(kept, primaryOf(above));
      suggestions.push({
        id: `tier-up:${stats.command}`,
        kind: 'tier-up',
        target: stats.command,
        title: `Run ${stats.command} on ${above} instead of ${stats.tier}`,
        reason: `${stats.command} escalated ${pct(ownCounts.escalationRate)} of its ${stats.tier} calls (${ownCounts.escalations} of ${ownCounts.finished}); above ${pct(t.escalateUpRate)} the rejected ${stats.tier} answers cost more than they save.`,
        expectedDeltaUsd: after === null ? null : after + spentUsd(upper) - current,
        currentUsd: current,
        edit: { setting: 'commands', key: stats.command, value: above },
      });
      moved = true;
    }

    // Down: only on evidence that the tier below does this command well, for small inputs.
    const below = tierBelow(config, stats.tier);
    if (!moved && below) {
      const lower = countCalls(own.filter((r) => r.tier === below));
      const small = ownCounts.meanInputTokens !== null && ownCounts.meanInputTokens <= t.downMaxInputTokens;
      if (lower.finished < t.minCalls) {
        explained = true;
        notes.push(
          `${stats.command}: no evidence that ${below} would do (${lower.finished} ${below} call(s) of it in the period, ${t.minCalls} needed); keeping it on ${stats.tier}.`,
        );
      } else if (!small) {
        explained = true;
        notes.push(
          `${stats.command}: inputs average ${Math.round(ownCounts.meanInputTokens ?? 0)} tokens (above ${t.downMaxInputTokens}); keeping it on ${stats.tier}.`,
        );
      } else if ((lower.escalationRate ?? 0) <= t.downMaxEscalationRate && (lower.errorRate ?? 0) <= t.maxErrorRate) {
        const current = spentUsd(ownTier);
        const after = reprice(ownTier, primaryOf(below));
        // Escalations at the rate observed on the tier below come back at today's cost.
        const withEscalations = after === null ? null : after + (lower.escalationRate ?? 0) * current;
        suggestions.push({
          id: `tier-down:${stats.command}`,
          kind: 'tier-down',
          target: stats.command,
          title: `Run ${stats.command} on ${below} instead of ${stats.tier}`,
          reason: `${lower.finished} ${stats.command} calls on ${below} this period escalated ${pct(lower.escalationRate)} and failed ${pct(lower.errorRate)}, and its ${stats.tier} inputs are small (mean ${Math.round(ownCounts.meanInputTokens ?? 0)} tokens).`,
          expectedDeltaUsd: withEscalations === null ? null : withEscalations - current,
          currentUsd: current,
          edit: { setting: 'commands', key: stats.command, value: below },
        });
        moved = true;
      }
    }

    if (stats.command === INLINE_COMMAND && (stats.shown ?? 0) < t.minShown) {
      notes.push(
        `${stats.command}: ${stats.shown ?? 0} inline suggestion(s) shown in the period (at least ${t.minShown} needed): acceptance not judged.`,
      );
    }
    if (!moved && !explained) {
      const acceptance =
        stats.command === INLINE_COMMAND && (stats.shown ?? 0) >= t.minShown
          ? `, ${pct(stats.acceptanceRate)} accepted`
          : '';
      notes.push(
        `${stats.command}: ${stats.tier} is doing its job (${ownCounts.finished} calls, ${pct(ownCounts.escalationRate)} escalated, ${pct(ownCounts.errorRate)} errors${acceptance}); keep.`,
      );
    }
  }

  suggestions.push(...reorderSuggestions(input, t, notes));
  return { from: input.from, to: input.to, commands, suggestions, notes };
}

/** Per tier: a model further down the chain that costs less at similar quality and speed moves first. */
function reorderSuggestions(input: OptimizerInput, t: Thresholds, notes: string[]): Suggestion[] {
  const { config, records, rates } = input;
  const out: Suggestion[] = [];
  const inline = inlineTotals(input.inline, input.from, input.to);
  for (const [tier, chain] of Object.entries(config.tiers)) {
    if (chain.length < 2) continue;
    const onTier = records.filter((r) => r.tier === tier && r.outcome !== 'refused');
    const stats = new Map(modelStats(onTier, inline).map((m) => [m.modelId, m]));
    const primaryId = chain[0]!;
    const primary = stats.get(primaryId);
    if (!primary || primary.finished < t.minCalls) continue;
    const primaryRecords = onTier.filter((r) => r.model === primaryId);
    const current = spentUsd(primaryRecords);
    let best: { id: string; after: number; why: string } | undefined;
    for (const altId of chain.slice(1)) {
      const alt = stats.get(altId);
      const altRates = rates(altId);
      if (!altRates) continue;
      const after = repriceAll(primaryRecords, altRates);
      if (current <= 0 || after > current * (1 - t.reorderMinSaving)) continue;
      if (!alt || alt.finished < t.minCalls) {
        notes.push(
          `${tier}: ${altId} would cost ${pct(1 - after / current)} less than ${primaryId}, but it answered only ${alt?.finished ?? 0} call(s) in the period (${t.minCalls} needed to compare quality).`,
        );
        continue;
      }
      const worse = (a: number | null, p: number | null): boolean => (a ?? 0) > (p ?? 0) + t.rateTolerance;
      if (worse(alt.errorRate, primary.errorRate) || worse(alt.escalationRate, primary.escalationRate)) {
        notes.push(
          `${tier}: ${altId} is cheaper than ${primaryId} but fails or escalates more often; keeping the order.`,
        );
        continue;
      }
      const acceptanceKnown = alt.shown >= t.minShown && primary.shown >= t.minShown;
      if (acceptanceKnown && (alt.acceptanceRate ?? 0) < (primary.acceptanceRate ?? 0) - t.rateTolerance) {
        notes.push(
          `${tier}: ${altId} is cheaper than ${primaryId} but its suggestions are accepted less often; keeping the order.`,
        );
        continue;
      }
      if (
        alt.medianTtftMs !== null &&
        primary.medianTtftMs !== null &&
        alt.medianTtftMs > primary.medianTtftMs * t.ttftTolerance
      ) {
        notes.push(`${tier}: ${altId} is cheaper than ${primaryId} but slower to first token; keeping the order.`);
        continue;
      }
      if (!best || after < best.after) {
        const acc = acceptanceKnown ? `, accepted ${pct(alt.acceptanceRate)} vs ${pct(primary.acceptanceRate)}` : '';
        best = {
          id: altId,
          after,
          why: `${altId} answered ${alt.finished} ${tier} calls this period with ${pct(alt.errorRate)} errors and ${pct(alt.escalationRate)} escalations (${primaryId}: ${pct(primary.errorRate)}, ${pct(primary.escalationRate)}${acc}), and ${primaryId}'s tokens cost ${pct(1 - after / current)} less at its prices.`,
        };
      }
    }
    if (!best) continue;
    const value = [best.id, ...chain.filter((id) => id !== best.id)];
    out.push({
      id: `reorder:${tier}`,
      kind: 'reorder',
      target: tier,
      title: `Make ${best.id} the primary ${tier} model (before ${primaryId})`,
      reason: best.why,
      expectedDeltaUsd: best.after - current,
      currentUsd: current,
      edit: { setting: 'tiers', key: tier, value },
    });
  }
  return out;
}
