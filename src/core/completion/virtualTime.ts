// A deterministic clock and timer queue: tests (and simulations) move time by hand.
import type { Clock } from '../types';
import type { Timers } from './types';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets queued promise callbacks run (a macrotask turn drains every microtask before it). */
export const flushPromises = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class VirtualTime implements Clock, Timers {
  private t: number;
  private seq = 0;
  private queue: Pending[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const p = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.queue.push(p);
    return p;
  }

  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((p) => p !== handle);
  }

  /** Runs every timer due within `ms`, in order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await flushPromises();
    for (;;) {
      const next = this.queue.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.queue = this.queue.filter((p) => p !== next);
      this.t = next.at;
      next.fn();
      await flushPromises();
    }
    this.t = target;
    await flushPromises();
  }

  get pendingTimers(): number {
    return this.queue.length;
  }
}
