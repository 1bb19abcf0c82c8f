// Latency-aware lite tier: measures time to first token (TTFT) per model and, when the primary's
// p90 over a recent window exceeds the target, moves inline completion to the next model of the
// chain. While moved it still sends an occasional request to the primary (every Nth request, or
// after a cool-down) — without those probes it could never measure a recovery.
import type { Clock, LedgerRecord } from './types';
import { systemClock } from './types';

export interface LatencyOptions {
  /** p90 TTFT the primary must stay at or under (setting `tiered.inline.latencyTargetMs`). */
  targetMs: number;
  /** At most this many recent samples per model count. */
  windowSize?: number;
  /** Samples older than this do not count. */
  windowMs?: number;
  /** Fewer samples than this say nothing (no switch, no recovery). */
  minSamples?: number;
  /** While switched, the primary's last this-many samples since the switch decide a recovery. */
  recoverSamples?: number;
  /** While switched, every Nth request goes to the primary. */
  probeEvery?: number;
  /** While switched, a request goes to the primary when it has not been tried for this long. */
  probeCooldownMs?: number;
  clock?: Clock;
}

export interface Preference<T> {
  /** The chain to use for this request (same models, possibly another first). */
  chain: T[];
  /** True while inline completion runs on a model other than the primary. */
  switched: boolean;
  /** True when this request goes to the primary only to measure it. */
  probe: boolean;
  /** Set when this call changed the state, for one log line. */
  transition?: 'switched' | 'recovered';
  reason: string;
}

interface Sample {
  at: number;
  ms: number;
}

interface SwitchState {
  primary: string;
  to: string;
  since: number;
  primaryP90: number;
  lastProbeAt: number;
  requestsSinceProbe: number;
}

/** The nearest-rank percentile (p in 0..1) of values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

export class LatencyMonitor {
  private targetMs: number;
  private readonly windowSize: number;
  private readonly windowMs: number;
  private readonly minSamples: number;
  private readonly recoverSamples: number;
  private readonly probeEvery: number;
  private readonly probeCooldownMs: number;
  private readonly clock: Clock;
  private readonly samples = new Map<string, Sample[]>();
  private state: SwitchState | undefined;
  private lastReason = '';

  constructor(options: LatencyOptions) {
    this.targetMs = options.targetMs;
    this.windowSize = options.windowSize ?? 20;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.minSamples = options.minSamples ?? 5;
    this.recoverSamples = options.recoverSamples ?? 3;
    this.probeEvery = Math.max(1, options.probeEvery ?? 10);
    this.probeCooldownMs = options.probeCooldownMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
  }

  get target(): number {
    return this.targetMs;
  }

  setTarget(ms: number): void {
    this.targetMs = ms;
  }

  /** A measured time to first token. */
  record(modelId: string, ttftMs: number, at: number = this.clock.now()): void {
    if (!Number.isFinite(ttftMs) || ttftMs < 0) return;
    const list = this.samples.get(modelId) ?? [];
    list.push({ at, ms: ttftMs });
    if (list.length > this.windowSize * 2) list.splice(0, list.length - this.windowSize);
    this.samples.set(modelId, list);
  }

  /**
   * A request cancelled before its first token (the user typed on). It says the TTFT was at least
   * `elapsedMs`; that counts only when it already exceeds the target, otherwise it says nothing.
   * Without this a primary so slow that every request is cancelled would never be measured.
   */
  recordAbort(modelId: string, elapsedMs: number, at: number = this.clock.now()): void {
    if (elapsedMs > this.targetMs) this.record(modelId, elapsedMs, at);
  }

  /** Feeds a ledger record of an inline completion (any window's). */
  observe(record: LedgerRecord): void {
    const at = Date.parse(record.ts);
    const when = Number.isFinite(at) ? at + (record.ttftMs ?? record.latencyMs) : this.clock.now();
    if (record.ttftMs !== null) this.record(record.model, record.ttftMs, when);
    else if (record.outcome === 'cancelled') this.recordAbort(record.model, record.latencyMs, when);
    // Thought until the cap and showed nothing: as slow as it gets for the user, however fast it ended.
    else if (record.reason === 'truncated')
      this.record(record.model, Math.max(record.latencyMs, this.targetMs + 1), when);
  }

  /** p90 TTFT of the recent window (samples after `since` only, when given). */
  p90(modelId: string, since = -Infinity, minSamples = this.minSamples): number | undefined {
    const values = this.recent(modelId, since);
    return values.length >= minSamples ? percentile(values, 0.9) : undefined;
  }

  /** How many samples currently count for a model. */
  sampleCount(modelId: string, since = -Infinity): number {
    return this.recent(modelId, since).length;
  }

  /** The chain for the next request. Counts as a request (it advances the probe schedule). */
  preferred<T extends { id: string }>(chain: readonly T[]): Preference<T> {
    const now = this.clock.now();
    const primary = chain[0];
    if (!primary || chain.length < 2) return this.stay(chain, undefined);
    if (this.state && this.state.primary !== primary.id) this.state = undefined; // the settings changed

    if (this.state) {
      const s = this.state;
      // Recovery is judged on the primary's last few probes since the switch only, so older slow
      // samples cannot keep it switched after the primary is fast again.
      const probes = this.recent(primary.id, s.since).slice(-this.recoverSamples);
      const since = probes.length >= this.recoverSamples ? percentile(probes, 0.9) : undefined;
      if (since !== undefined && since <= this.targetMs) {
        this.state = undefined;
        // Keep only the probes that showed the recovery: older slow ones would switch it straight back.
        const kept = (this.samples.get(primary.id) ?? []).filter((x) => x.at > s.since).slice(-probes.length);
        this.samples.set(primary.id, kept);
        const reason = `complete back on ${primary.id}: p90 TTFT ${Math.round(since)} ms ≤ ${this.targetMs} ms target`;
        return this.stay(chain, 'recovered', reason);
      }
      if (since !== undefined) s.primaryP90 = since;
      const alternative = chain.find((m) => m.id === s.to) ?? this.pickAlternative(chain);
      if (!alternative) {
        this.state = undefined;
        return this.stay(chain, 'recovered', `complete back on ${primary.id}: no other model in the lite chain`);
      }
      s.to = alternative.id;
      s.requestsSinceProbe++;
      if (s.requestsSinceProbe >= this.probeEvery || now - s.lastProbeAt >= this.probeCooldownMs) {
        s.requestsSinceProbe = 0;
        s.lastProbeAt = now;
        return { chain: [...chain], switched: true, probe: true, reason: this.switchReason() };
      }
      return { chain: moveFirst(chain, alternative), switched: true, probe: false, reason: this.switchReason() };
    }

    const p90 = this.p90(primary.id);
    if (p90 === undefined || p90 <= this.targetMs) return this.stay(chain, undefined);
    const alternative = this.pickAlternative(chain);
    if (!alternative) return this.stay(chain, undefined);
    this.state = {
      primary: primary.id,
      to: alternative.id,
      since: now,
      primaryP90: p90,
      lastProbeAt: now,
      requestsSinceProbe: 0,
    };
    return {
      chain: moveFirst(chain, alternative),
      switched: true,
      probe: false,
      transition: 'switched',
      reason: this.switchReason(),
    };
  }

  /** True while inline completion is moved off the primary. */
  get switched(): boolean {
    return this.state !== undefined;
  }

  /** One line for the status bar tooltip and the log. */
  describe(): string {
    return this.state ? this.switchReason() : this.lastReason;
  }

  private switchReason(): string {
    const s = this.state!;
    return `complete moved to ${s.to}: ${s.primary} p90 TTFT ${Math.round(s.primaryP90)} ms > ${this.targetMs} ms target`;
  }

  private stay<T>(chain: readonly T[], transition: 'recovered' | undefined, reason?: string): Preference<T> {
    if (reason) this.lastReason = reason;
    return {
      chain: [...chain],
      switched: false,
      probe: false,
      ...(transition ? { transition } : {}),
      reason: reason ?? this.lastReason,
    };
  }

  /** The first model after the primary that is not itself known to be over the target. */
  private pickAlternative<T extends { id: string }>(chain: readonly T[]): T | undefined {
    return chain.slice(1).find((m) => {
      const p = this.p90(m.id);
      return p === undefined || p <= this.targetMs;
    });
  }

  private recent(modelId: string, since: number): number[] {
    const cutoff = Math.max(since, this.clock.now() - this.windowMs);
    const list = this.samples.get(modelId) ?? [];
    return list
      .filter((s) => s.at > cutoff)
      .slice(-this.windowSize)
      .map((s) => s.ms);
  }
}

function moveFirst<T>(chain: readonly T[], first: T): T[] {
  return [first, ...chain.filter((m) => m !== first)];
}
