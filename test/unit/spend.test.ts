import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateByDay, summarize, PRO_WARNING_SHARE } from '../../src/core/spend/aggregate';
import { addDays, createDayOf, daysIn, isDay, resolveRange, MAX_RANGE_DAYS } from '../../src/core/spend/days';
import { priceAtProFrom } from '../../src/core/spend/proPrice';
import { fixturePriceAtPro, fixtureRecords, localIso, record } from '../ui/fixture';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
const opts = { priceAtPro: fixturePriceAtPro };
const range = { from: '2026-11-21', to: '2026-11-23' };

describe('spend days', () => {
  test('ranges resolve to local days ending today', () => {
    assert.deepEqual(resolveRange({ kind: 'today' }, '2026-11-23'), { from: '2026-11-23', to: '2026-11-23' });
    assert.deepEqual(resolveRange({ kind: '7d' }, '2026-03-02'), { from: '2026-02-24', to: '2026-03-02' });
    assert.deepEqual(resolveRange({ kind: '30d' }, '2026-11-23'), { from: '2026-10-25', to: '2026-11-23' });
    assert.equal(daysIn(resolveRange({ kind: '30d' }, '2026-11-23')).length, 30);
  });

  test('a custom range is ordered and clamped to the longest allowed', () => {
    assert.deepEqual(resolveRange({ kind: 'custom', from: '2026-11-20', to: '2026-11-01' }, 'x'), {
      from: '2026-11-01',
      to: '2026-11-20',
    });
    const r = resolveRange({ kind: 'custom', from: '2020-01-01', to: '2026-11-23' }, 'x');
    assert.equal(daysIn(r).length, MAX_RANGE_DAYS);
    assert.equal(r.to, '2026-11-23');
  });

  test('day arithmetic crosses months, leap days and DST', () => {
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(daysIn({ from: '2026-03-27', to: '2026-04-02' }).length, 7);
    assert.ok(isDay('2028-02-29'));
    assert.ok(!isDay('2026-02-29'));
    assert.ok(!isDay('2026-2-01'));
  });

  test('dayOf gives the local day, also for non-UTC timestamps', () => {
    const dayOf = createDayOf();
    assert.equal(dayOf(localIso('2026-11-23', 0, 1)), '2026-11-23');
    assert.equal(dayOf(localIso('2026-11-23', 23, 59)), '2026-11-23');
    assert.equal(dayOf(localIso('2026-11-24', 0, 0)), '2026-11-24');
    const local = new Date(2026, 10, 23, 23, 30);
    const off = -local.getTimezoneOffset();
    const sign = off >= 0 ? '+' : '-';
    const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
    const mm = String(Math.abs(off) % 60).padStart(2, '0');
    assert.equal(dayOf(`2026-11-23T23:30:00${sign}${hh}:${mm}`), '2026-11-23');
  });
});

describe('spend summary', () => {
  const summary = summarize(aggregateByDay(fixtureRecords(), opts), range);

  test('totals, calls and the per-day stacks by tier', () => {
    close(summary.usd, 0.907);
    assert.equal(summary.calls, 9);
    assert.deepEqual(
      summary.days.map((d) => d.day),
      ['2026-11-21', '2026-11-22', '2026-11-23'],
    );
    close(summary.days[0]!.byTier.lite!, 0.002);
    assert.equal(summary.days[0]!.byTier.pro, undefined);
    close(summary.days[1]!.byTier.pro!, 0.5);
    close(summary.days[1]!.byTier.lite!, 0.002);
    close(summary.days[2]!.usd, 0.403);
    assert.equal(summary.days[2]!.calls, 5);
  });

  test('per command and per model, largest first, with shares', () => {
    assert.deepEqual(
      summary.byCommand.map((b) => [b.key, b.calls]),
      [
        ['review', 3],
        ['complete', 5],
        ['tone', 1],
      ],
    );
    close(summary.byCommand[0]!.share, 0.9 / 0.907);
    assert.deepEqual(
      summary.byModel.map((b) => [b.key, b.tier, b.calls]),
      [
        ['pro', 'pro', 3],
        ['flash-lite', 'lite', 5],
        ['flash-lite-next', 'lite', 1],
      ],
    );
    close(summary.byModel[1]!.usd, 0.006);
  });

  test('savings against all-pro reprice only the non-pro calls', () => {
    close(summary.savings.allProUsd, 5 * 0.026 + 0.037 + 0.9);
    close(summary.savings.savedUsd, 0.16);
    close(summary.savings.share, 0.16 / 1.067);
    assert.equal(summary.savings.unpricedCalls, 0);
  });

  test('tier mix follows the configured order and warns when pro is over 30 %', () => {
    assert.deepEqual(
      summary.tiers.map((t) => t.tier),
      ['lite', 'pro'],
    );
    close(summary.proShare, 0.9 / 0.907);
    assert.equal(summary.proWarning, true);
    assert.deepEqual(summary.outcomes, { ok: 8, refused: 1 });
  });

  test('no warning at exactly 30 % pro, a warning just above', () => {
    const mix = (proUsd: number) =>
      summarize(
        aggregateByDay([record({ costUsd: 0.7 }), record({ tier: 'pro', model: 'pro', costUsd: proUsd })], opts),
        { from: '2026-11-23', to: '2026-11-23' },
      );
    assert.equal(mix(0.3).proWarning, false);
    assert.ok(Math.abs(mix(0.3).proShare - PRO_WARNING_SHARE) < 1e-9);
    assert.equal(mix(0.31).proWarning, true);
  });

  test('an unknown pro price is counted, and the actual cost stands in (no invented savings)', () => {
    const s = summarize(
      aggregateByDay([record({ costUsd: 0.001 }), record({ costUsd: 0.002 })], { priceAtPro: () => undefined }),
      { from: '2026-11-23', to: '2026-11-23' },
    );
    assert.equal(s.savings.unpricedCalls, 2);
    close(s.savings.savedUsd, 0);
  });

  test('an empty range has zero days, not missing ones', () => {
    const s = summarize(new Map(), { from: '2026-11-01', to: '2026-11-07' });
    assert.equal(s.days.length, 7);
    assert.equal(s.usd, 0);
    assert.equal(s.proWarning, false);
    assert.equal(s.savings.share, 0);
  });

  test('records outside the range are not counted', () => {
    const s = summarize(aggregateByDay(fixtureRecords(), opts), { from: '2026-11-22', to: '2026-11-22' });
    close(s.usd, 0.502);
    assert.equal(s.calls, 2);
  });
});

describe('pro repricing from price info', () => {
  const base = {
    modelId: 'pro',
    model: 'gemini-3.1-pro-preview',
    providerId: 'gemini',
    deprecationPassed: false,
    bundledDeprecated: false,
  };
  const rates = { inputPerMTok: 2, cachedInputPerMTok: 0.2, outputPerMTok: 12 };
  const tier = { aboveInputTokens: 200_000, inputPerMTok: 4, cachedInputPerMTok: 0.4, outputPerMTok: 18 };

  test('base rates below the long-context threshold, tier rates above it, cached tokens at the cache rate', () => {
    const price = priceAtProFrom({ ...base, known: true, source: 'bundled', rates, tiers: [tier] })!;
    close(price(record({ inputTokens: 100_000, cachedInputTokens: 50_000, outputTokens: 1000 })), 0.1 + 0.01 + 0.012);
    close(price(record({ inputTokens: 200_000, cachedInputTokens: 0, outputTokens: 0 })), 0.4);
    close(
      price(record({ inputTokens: 200_001, cachedInputTokens: 1, outputTokens: 1000 })),
      (200_000 * 4 + 0.4 + 18_000) / 1e6,
    );
  });

  test('an unknown pro price gives no repricer', () => {
    assert.equal(
      priceAtProFrom({ ...base, known: false, source: 'unknown', rates: null, tiers: [], message: 'no price' }),
      undefined,
    );
  });
});
