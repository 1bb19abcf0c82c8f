// When to send: learned from the user's own typing. The gap after each keystroke is recorded
// under the kind of key it followed (people pause after a line or an opening bracket, rarely
// inside a word). A request is worth sending once the user, idle for d ms, is likely to stay
// idle until the answer arrives: P(gap > d + latency | gap > d) >= threshold.

export type KeyClass = 'word' | 'space' | 'open' | 'punct' | 'line' | 'delete';

/** Bracket pairs the editor auto-closes (a quote pair ends in a quote: 'punct' either way). */
const AUTO_CLOSED = new Set(['()', '[]', '{}']);

const CLASSES: KeyClass[] = ['word', 'space', 'open', 'punct', 'line', 'delete'];

/** The class of an edit by what it inserted (the editor's auto-indent rides with the newline). */
export function classifyEdit(inserted: string): KeyClass {
  if (!inserted) return 'delete';
  if (/\n[ \t]*$/.test(inserted)) return 'line';
  // The editor's auto-closing turns "(" into "()" with the cursor between: the key was the opener.
  if (AUTO_CLOSED.has(inserted)) return 'open';
  const c = inserted[inserted.length - 1]!;
  if (/[\w$]/.test(c)) return 'word';
  if (c === ' ' || c === '\t') return 'space';
  if (c === '(' || c === '[' || c === '{') return 'open';
  return 'punct';
}

export interface DebounceOptions {
  /** Largest wait after a keystroke, when idling is never likely enough (ms). */
  maxMs: number;
  /** Grid step for the wait (ms). */
  stepMs: number;
  /** Required probability that the user is still idle when the answer arrives. */
  threshold: number;
  /** Gaps kept per class (most recent). */
  window: number;
  /** Below this many gaps a class borrows all gaps; below it overall, `coldMs` is used. */
  minSamples: number;
  coldMs: number;
  /** Model latency assumed before any request was measured (ms). */
  initialLatencyMs: number;
}

export const DEFAULT_DEBOUNCE: DebounceOptions = {
  maxMs: 600,
  stepMs: 25,
  threshold: 0.5,
  window: 256,
  minSamples: 16,
  coldMs: 300,
  initialLatencyMs: 500,
};

/** Gaps longer than this are breaks, not typing; they count as "long" all the same. */
const MAX_GAP_MS = 30_000;

class Ring {
  private readonly data: number[] = [];
  private next = 0;
  constructor(private readonly size: number) {}
  push(v: number): void {
    if (this.data.length < this.size) this.data.push(v);
    else this.data[this.next] = v;
    this.next = (this.next + 1) % this.size;
  }
  get length(): number {
    return this.data.length;
  }
  values(): number[] {
    return this.data;
  }
}

/** Count of sorted values strictly greater than x. */
function countAbove(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

export class AdaptiveDebounce {
  private readonly opts: DebounceOptions;
  private readonly gaps = new Map<KeyClass, Ring>();
  private readonly all: Ring;
  private lastKey: { at: number; cls: KeyClass } | undefined;
  private latency: number;
  private measured = 0;
  private readonly memo = new Map<KeyClass, number>();

  constructor(options: Partial<DebounceOptions> = {}) {
    this.opts = { ...DEFAULT_DEBOUNCE, ...options };
    for (const c of CLASSES) this.gaps.set(c, new Ring(this.opts.window));
    this.all = new Ring(this.opts.window * 2);
    this.latency = this.opts.initialLatencyMs;
  }

  /** A keystroke at `now`: records the gap that followed the previous one. */
  noteKey(now: number, inserted: string): void {
    if (this.lastKey) {
      const gap = Math.min(MAX_GAP_MS, Math.max(0, now - this.lastKey.at));
      this.gaps.get(this.lastKey.cls)!.push(gap);
      this.all.push(gap);
      this.memo.clear();
    }
    this.lastKey = { at: now, cls: classifyEdit(inserted) };
  }

  /** Time from sending a request to its usable answer (ms). */
  noteLatency(ms: number): void {
    this.measured++;
    // Quick to learn at first, then a slow average so one outlier does not swing the wait.
    const alpha = this.measured < 5 ? 1 / this.measured : 0.2;
    this.latency += alpha * (ms - this.latency);
    this.memo.clear();
  }

  get latencyMs(): number {
    return this.latency;
  }

  get lastKeyAt(): number | undefined {
    return this.lastKey?.at;
  }

  /** How long after the last keystroke to send, for the class of that keystroke. */
  delayFor(cls: KeyClass): number {
    const cached = this.memo.get(cls);
    if (cached !== undefined) return cached;
    const own = this.gaps.get(cls)!;
    const sample = own.length >= this.opts.minSamples ? own : this.all;
    let delay = this.opts.coldMs;
    if (sample.length >= this.opts.minSamples) {
      const sorted = [...sample.values()].sort((a, b) => a - b);
      delay = this.opts.maxMs;
      for (let d = 0; d < this.opts.maxMs; d += this.opts.stepMs) {
        const idle = countAbove(sorted, d);
        // Too few pauses this long to judge: keep waiting (the max applies).
        if (idle < 3) break;
        if (countAbove(sorted, d + this.latency) / idle >= this.opts.threshold) {
          delay = d;
          break;
        }
      }
    }
    this.memo.set(cls, delay);
    return delay;
  }

  /** Milliseconds still to wait at `now` before sending (0 = send now). */
  remainingWait(now: number): number {
    if (!this.lastKey) return this.opts.coldMs;
    return Math.max(0, this.lastKey.at + this.delayFor(this.lastKey.cls) - now);
  }
}
