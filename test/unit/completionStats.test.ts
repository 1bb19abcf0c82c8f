// Shown/accepted counts per model and local day, as the optimizer reads them from globalState.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as vscode from 'vscode';
import { localDay } from '../../src/core/day';
import { INLINE_STATS_KEY, InlineStatsStore, type InlineStats } from '../../src/vscode/inline/stats';

class MemoryMemento {
  readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return (this.data.has(key) ? this.data.get(key) : fallback) as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.data.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('inline stats', () => {
  test('counts shown and accepted per model and day, and persists them', async () => {
    const memento = new MemoryMemento();
    let now = new Date(2026, 10, 23, 10).getTime();
    const store = new InlineStatsStore(memento as unknown as vscode.Memento, () => now);
    store.shown('flash-lite');
    store.shown('flash-lite');
    store.accepted('flash-lite');
    store.shown('other');
    now = new Date(2026, 10, 24, 9).getTime();
    store.shown('flash-lite');
    await flush();

    const saved = memento.get<InlineStats>(INLINE_STATS_KEY)!;
    assert.deepEqual(saved[localDay(new Date(2026, 10, 23, 10).getTime())], {
      'flash-lite': { shown: 2, accepted: 1 },
      other: { shown: 1, accepted: 0 },
    });
    assert.deepEqual(saved[localDay(now)], { 'flash-lite': { shown: 1, accepted: 0 } });
    assert.deepEqual(store.snapshot(), saved);

    // A new window starts from what was saved.
    const again = new InlineStatsStore(memento as unknown as vscode.Memento, () => now);
    again.accepted('flash-lite');
    assert.equal(again.snapshot()[localDay(now)]!['flash-lite']!.accepted, 1);
  });

  test('keeps a bounded number of days', async () => {
    const memento = new MemoryMemento();
    let now = new Date(2026, 0, 1, 12).getTime();
    const store = new InlineStatsStore(memento as unknown as vscode.Memento, () => now);
    for (let d = 0; d < 100; d++) {
      store.shown('m');
      now += 24 * 3600 * 1000;
    }
    await flush();
    const days = Object.keys(memento.get<InlineStats>(INLINE_STATS_KEY)!);
    assert.ok(days.length <= 60 && days.length >= 30, `${days.length} days kept`);
    assert.ok(days.includes(localDay(now - 24 * 3600 * 1000)), 'the latest day is kept');
  });
});
