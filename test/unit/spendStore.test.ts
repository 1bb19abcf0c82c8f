import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpendCache } from '../../src/core/spend/cache';
import { daysIn } from '../../src/core/spend/days';
import { emptyStore, loadRange, parseStore, serializeStore } from '../../src/core/spend/store';
import type { LedgerRecord } from '../../src/core/types';
import { fixturePriceAtPro, fixtureRecords, record } from '../ui/fixture';

const range = { from: '2026-11-17', to: '2026-11-23' };
const today = '2026-11-23';

/** A fake ledger over records, logging every read. */
function ledger(records: LedgerRecord[]) {
  const reads: string[] = [];
  const dayOf = (r: LedgerRecord) => {
    const d = new Date(r.ts);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  return {
    reads,
    read: async (from: string, to: string) => {
      reads.push(from === to ? from : `${from}..${to}`);
      return records.filter((r) => dayOf(r) >= from && dayOf(r) <= to);
    },
  };
}

describe('settled-day store', () => {
  test('stores only settled days, then serves them without reading the ledger', async () => {
    const records = fixtureRecords();
    const store = emptyStore('pro@2/12');
    const first = new SpendCache({ priceAtPro: fixturePriceAtPro, recentLimit: 4 });
    const l1 = ledger(records);
    assert.equal(await loadRange(first, range, today, { read: l1.read, store }), true);
    assert.deepEqual(l1.reads, ['2026-11-17..2026-11-23']);
    assert.deepEqual([...store.days.keys()], daysIn({ from: '2026-11-17', to: '2026-11-21' }));

    const restored = parseStore(serializeStore(store), 'pro@2/12');
    const second = new SpendCache({ priceAtPro: fixturePriceAtPro, recentLimit: 4 });
    const l2 = ledger(records);
    assert.equal(await loadRange(second, range, today, { read: l2.read, store: restored }), false);
    // Yesterday and today from the ledger; the 4 newest calls are all today's, so no settled day's rows are needed.
    assert.deepEqual(l2.reads, ['2026-11-22..2026-11-23']);
    assert.deepEqual(second.summary(range), first.summary(range));
    assert.deepEqual(second.recent(range), first.recent(range));
  });

  test("a settled day's rows are read when the calls table reaches back to it", async () => {
    const records = [...fixtureRecords(), record({ day: '2026-11-19', hour: 7 })];
    const store = emptyStore('f');
    await loadRange(new SpendCache({ priceAtPro: fixturePriceAtPro, recentLimit: 20 }), range, today, {
      ...ledger(records),
      store,
    });
    const cache = new SpendCache({ priceAtPro: fixturePriceAtPro, recentLimit: 20 });
    const l = ledger(records);
    await loadRange(cache, range, today, { read: l.read, store });
    assert.deepEqual(l.reads, ['2026-11-22..2026-11-23', '2026-11-21', '2026-11-19']);
    assert.equal(cache.recent(range).length, 10);
  });

  test('another fingerprint, a corrupt file or a wrong shape gives an empty store', () => {
    const store = emptyStore('a');
    const cache = new SpendCache({ priceAtPro: fixturePriceAtPro, recentLimit: 4 });
    cache.load({ from: '2026-11-21', to: '2026-11-21' }, fixtureRecords().slice(0, 2));
    store.days.set('2026-11-21', cache.exportDay('2026-11-21')!);
    const text = serializeStore(store);
    assert.equal(parseStore(text, 'a').days.size, 1);
    assert.equal(parseStore(text, 'b').days.size, 0);
    assert.equal(parseStore(text.slice(0, -5), 'a').days.size, 0);
    assert.equal(parseStore('{"v":1,"fingerprint":"a","days":[{"day":"x"}]}', 'a').days.size, 0);
    assert.equal(parseStore(undefined, 'a').days.size, 0);
  });
});
