import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateByDay, summarize } from '../../src/core/spend/aggregate';
import { SpendCache } from '../../src/core/spend/cache';
import { fixturePriceAtPro, fixtureRecords, localIso, record } from '../ui/fixture';

const options = { priceAtPro: fixturePriceAtPro, recentLimit: 4 };
const range = { from: '2026-11-21', to: '2026-11-23' };

describe('spend cache', () => {
  test('loaded spans give the same summary as aggregating everything at once', () => {
    const records = fixtureRecords();
    const cache = new SpendCache(options);
    assert.deepEqual(cache.missing(range), [range]);
    cache.load({ from: '2026-11-21', to: '2026-11-22' }, records.slice(0, 4));
    assert.deepEqual(cache.missing(range), [{ from: '2026-11-23', to: '2026-11-23' }]);
    cache.load({ from: '2026-11-23', to: '2026-11-23' }, records.slice(4), new Set(['2026-11-23']));
    assert.deepEqual(cache.missing(range), []);
    assert.deepEqual(cache.summary(range), summarize(aggregateByDay(records, options), range));
    assert.deepEqual(
      cache.recent(range).map((r) => r.id),
      ['r9', 'r8', 'r7', 'r6'],
    );
  });

  test('appends fold into live days once, even when a read already saw them', () => {
    const records = fixtureRecords();
    const cache = new SpendCache(options);
    cache.load(range, records.slice(0, 8), new Set(['2026-11-23']));
    assert.equal(cache.append(records.slice(6)), 1);
    assert.equal(cache.summary(range).calls, 9);
    const late = record({ day: '2026-11-23', hour: 20, costUsd: 0.25 });
    assert.equal(cache.append([late]), 1);
    const s = cache.summary(range);
    assert.ok(Math.abs(s.usd - 1.157) < 1e-9);
    assert.equal(cache.recent(range)[0]!.id, late.id);
  });

  test('records of days not loaded are left to their read', () => {
    const cache = new SpendCache(options);
    cache.load({ from: '2026-11-23', to: '2026-11-23' }, []);
    assert.equal(cache.append([record({ day: '2026-11-20' })]), 0);
    assert.equal(cache.summary({ from: '2026-11-20', to: '2026-11-23' }).calls, 0);
  });

  test("a call that started before midnight counts on its file's day, never twice", () => {
    const cache = new SpendCache(options);
    const straddler = record({ ts: localIso('2026-11-22', 23, 59) });
    cache.load({ from: '2026-11-22', to: '2026-11-22' }, [record({ day: '2026-11-22' })]);
    cache.load({ from: '2026-11-23', to: '2026-11-23' }, [straddler]);
    const s = cache.summary(range);
    assert.equal(s.calls, 2);
    assert.deepEqual(
      s.days.map((d) => d.calls),
      [0, 1, 1],
    );
  });

  test('retain drops days outside the kept range', () => {
    const cache = new SpendCache(options);
    cache.load(range, fixtureRecords());
    cache.retain({ from: '2026-11-23', to: '2026-11-23' });
    assert.deepEqual(cache.missing(range), [{ from: '2026-11-21', to: '2026-11-22' }]);
  });
});
