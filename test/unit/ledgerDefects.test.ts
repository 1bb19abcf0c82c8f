// The ledger and price defects of issue 12 ("fix each defect above"): impossible dates, a day file
// that cannot be used, corrupt amounts, absurd prices, and a cost above its reservation. Each
// test fails on the code before its fix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Budget } from '../../src/core/budget';
import { DEFAULT_MODELS, parseConfig, type BudgetConfig } from '../../src/core/config';
import { dayOfIso, isoTimestampMs, localDay } from '../../src/core/day';
import { TieredError } from '../../src/core/errors';
import {
  appendRecord,
  LedgerTail,
  ledgerPath,
  listDays,
  MAX_CALL_USD,
  MAX_DAY_FILE_BYTES,
  readDay,
  readRange,
} from '../../src/core/ledger';
import { createDayOf } from '../../src/core/spend/days';
import type { LedgerRecord, Logger } from '../../src/core/types';
import { rng as seeded } from '../support/random';

const NOON = new Date(2026, 10, 23, 12, 0, 0).getTime();
const DAY = localDay(NOON);
const TTL = 60_000;

const tmpDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-defects-'));

let seq = 0;
function record(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    v: 1,
    id: `call-${++seq}`,
    ts: new Date(NOON).toISOString(),
    window: 'w1',
    command: 'review',
    tier: 'pro',
    provider: 'gemini',
    model: 'pro',
    inputTokens: 1000,
    cachedInputTokens: 0,
    outputTokens: 200,
    reasoningTokens: 0,
    costUsd: 0.01,
    costSource: 'bundled',
    estimateUsd: 0.05,
    latencyMs: 500,
    ttftMs: 100,
    outcome: 'ok',
    ...overrides,
  };
}

const line = (r: object): string => `${JSON.stringify(r)}\n`;

function setup(config: Partial<BudgetConfig> = {}, dir = tmpDir()) {
  const clock = { t: NOON, now: () => clock.t };
  const cfg: BudgetConfig = { dailyCapUsd: 1, perCommandUsd: {}, softThreshold: 0.8, confirmAboveUsd: 0.05, ...config };
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger: Logger = { info() {}, debug() {}, error: (m) => errors.push(m), warn: (m) => warnings.push(m) };
  const budget = new Budget({ dir, windowId: 'w1', clock, logger, getConfig: () => cfg });
  return { dir, clock, budget, warnings, errors };
}

/** Reserve then settle one call of `costUsd` against a reservation of `worstUsd`. */
async function call(budget: Budget, costUsd: number, worstUsd = costUsd): Promise<LedgerRecord> {
  const r = record({ costUsd, estimateUsd: worstUsd });
  const reserved = await budget.reserve({ id: r.id, command: 'review', worstCaseUsd: worstUsd, ttlMs: TTL });
  assert.ok(reserved.ok, 'the call fits the cap');
  await budget.settle(r.id, r);
  return r;
}

describe('impossible timestamps', () => {
  const impossible = [
    '2026-13-45T99:99:99Z',
    '2026-02-30T10:00:00Z',
    '2026-02-29T10:00:00Z', // 2026 is no leap year
    '2026-04-31T10:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60:00Z',
    '2026-01-01T10:00:60Z',
    '2026-01-01T10:00:00+24:00',
  ];

  test('dayOfIso files no record under a day that does not exist or under the wrong day', () => {
    for (const ts of impossible) {
      assert.equal(isoTimestampMs(ts), undefined, ts);
      assert.equal(dayOfIso(ts), undefined, ts);
    }
    assert.equal(dayOfIso('2028-02-29T10:00:00Z') !== undefined, true);
  });

  test('isoTimestampMs agrees with Date.parse on 2,000 real timestamps (offsets, fractions, leap days)', () => {
    const rng = seeded(12);
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rng() * 4e12) - 1e12;
      const offsetMin = Math.floor(rng() * 28 * 60) - 14 * 60;
      const local = new Date(ms + offsetMin * 60_000);
      const frac = rng() < 0.5 ? '' : `.${pad(local.getUTCMilliseconds(), 3)}`;
      const sign = offsetMin < 0 ? '-' : '+';
      const off =
        rng() < 0.3 ? 'Z' : `${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
      const shifted = off === 'Z' ? new Date(ms) : local;
      const ts =
        `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}T` +
        `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}${frac}${off}`;
      assert.equal(isoTimestampMs(ts), Date.parse(ts), ts);
    }
  });

  test('the fast reader skips them with a warning, so the panel never sees a NaN-NaN-NaN or a wrong day', () => {
    const dir = tmpDir();
    const good = record();
    const bad = impossible.map((ts) => ({ ...record(), ts }));
    fs.writeFileSync(ledgerPath(dir, DAY), [good, ...bad].map(line).join(''));
    const { records, warnings } = readRange(dir, DAY, DAY);
    assert.deepEqual(records, [good]);
    assert.equal(warnings.length, bad.length);
    for (const [i, w] of warnings.entries()) assert.match(w, new RegExp(`line ${i + 2}: .*ts`));
    const dayOf = createDayOf();
    for (const r of records) assert.equal(dayOf(r.ts), DAY);
  });

  test('the tail does not count them, and appendRecord refuses to write them', () => {
    const dir = tmpDir();
    fs.writeFileSync(ledgerPath(dir, DAY), line({ ...record({ costUsd: 0.5 }), ts: '2026-11-31T10:00:00Z' }));
    const tail = new LedgerTail({ dir, clock: { now: () => NOON } });
    tail.poll();
    assert.equal(tail.spentMicros(), 0);
    assert.throws(() => appendRecord(dir, record({ ts: '2026-02-30T10:00:00Z' }), DAY), /invalid ledger record/);
  });
});

describe('a day file that cannot be used', () => {
  test('a folder where the day file should be: calls go on, the record lands in a sibling and counts against the cap', async () => {
    const { dir, budget, warnings } = setup({ dailyCapUsd: 1 });
    fs.mkdirSync(ledgerPath(dir, DAY));
    const first = await call(budget, 0.6);
    assert.ok(fs.existsSync(ledgerPath(dir, DAY, 2)));
    assert.equal(budget.status().spentUsd, 0.6);
    // 0.6 settled: another 0.6 no longer fits the $1 cap.
    const refused = await budget.reserve({ id: 'next', command: 'review', worstCaseUsd: 0.6, ttlMs: TTL });
    assert.equal(refused.ok, false);
    const folderWarnings = warnings.filter((w) => w.includes(`ledger-${DAY}.jsonl is a folder`));
    assert.equal(folderWarnings.length, 1, 'one warning, however often the budget polls');
    const read = readDay(dir, DAY);
    assert.deepEqual(read.records, [first]);
    assert.equal(read.warnings.length, 1);
    assert.match(read.warnings[0]!, new RegExp(`ledger-${DAY}\\.jsonl is a folder.*ledger-${DAY}\\.2\\.jsonl`));
    assert.deepEqual(listDays(dir), [DAY]);
  });

  test('a day file over 512 MiB: skipped with one warning naming it, new records go to a sibling and count', async () => {
    const { dir, budget, warnings } = setup({ dailyCapUsd: 1 });
    fs.mkdirSync(dir, { recursive: true });
    const big = ledgerPath(dir, DAY);
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_DAY_FILE_BYTES + 1); // sparse: no disk, no read
    await call(budget, 0.25);
    await call(budget, 0.25);
    assert.equal(budget.status().spentUsd, 0.5);
    assert.equal(fs.statSync(big).size, MAX_DAY_FILE_BYTES + 1, 'nothing appended to the oversized file');
    assert.equal(readDay(dir, DAY).records.length, 2);
    const bigWarnings = warnings.filter((w) => w.includes(`ledger-${DAY}.jsonl is 512 MiB, over the 512 MiB`));
    assert.equal(bigWarnings.length, 1);
    // A fresh window (a new tail) counts the same.
    const other = setup({ dailyCapUsd: 1 }, dir);
    assert.equal(other.budget.status().spentUsd, 0.5);
  });

  test('a file read in chunks: records across chunk boundaries all count; an over-long garbage line is dropped', () => {
    const dir = tmpDir();
    const records = Array.from({ length: 24_000 }, (_, i) => record({ id: `r${i}`, costUsd: 0.001 }));
    // 9 MiB without a '\n' (more than one 8 MiB read): no record, never buffered whole.
    const garbage = 'x'.repeat(9 * 1024 * 1024);
    const text = records.slice(0, 4000).map(line).join('') + garbage + '\n' + records.slice(4000).map(line).join('');
    fs.writeFileSync(ledgerPath(dir, DAY), text);
    const read = readDay(dir, DAY);
    assert.equal(read.records.length, 24_000);
    assert.deepEqual(read.records.at(-1), records.at(-1));
    assert.equal(read.warnings.length, 1);
    assert.match(read.warnings[0]!, /line 4001: longer than 1 MiB/);
    const tail = new LedgerTail({ dir, clock: { now: () => NOON } });
    tail.poll();
    assert.equal(tail.spentMicros(), 24_000 * 1000);
  });
});

describe('corrupt amounts', () => {
  test('a ledger line costing 1e300 is skipped with a warning naming file and line; spend stays finite, calls go on', async () => {
    const { dir, budget, warnings } = setup({ dailyCapUsd: 1 });
    const ok = record({ costUsd: 0.1 });
    fs.writeFileSync(
      ledgerPath(dir, DAY),
      line(ok) + line(record({ costUsd: 1e300 })) + line(record({ costUsd: MAX_CALL_USD })),
    );
    const status = budget.status();
    assert.equal(status.spentUsd, 10_000.1); // the 0.1 and the $10,000 record, not the 1e300 one
    assert.ok(warnings.some((w) => new RegExp(`ledger-${DAY}\\.jsonl line 2: .*costUsd.*10,000`).test(w)));
    const read = readDay(dir, DAY);
    assert.equal(read.records.length, 2);
    assert.match(read.warnings[0]!, /line 2: .*costUsd/);
  });

  test('one bad line alone no longer refuses calls until midnight', async () => {
    const { dir, budget } = setup({ dailyCapUsd: 1 });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(ledgerPath(dir, DAY), line(record({ costUsd: 1e300 })));
    assert.equal(budget.status().spentUsd, 0);
    const r = await budget.reserve({ id: 'x', command: 'review', worstCaseUsd: 0.2, ttlMs: TTL });
    assert.equal(r.ok, true);
  });

  test('a provider-reported cost beyond any call is recorded at the bound, not lost, and blocks the cap', async () => {
    const { dir, budget, errors } = setup({ dailyCapUsd: 1 });
    const r = record({ costUsd: 1e300, estimateUsd: 0.2 });
    assert.equal((await budget.reserve({ id: r.id, command: 'review', worstCaseUsd: 0.2, ttlMs: TTL })).ok, true);
    await budget.settle(r.id, r);
    const [written] = readDay(dir, DAY).records;
    assert.equal(written?.costUsd, MAX_CALL_USD);
    assert.equal(budget.status().capReached, true);
    assert.ok(errors.some((e) => e.includes('1e+300')));
  });
});

describe('absurd prices', () => {
  const withPrice = (price: Record<string, number>) =>
    parseConfig({ models: { ...DEFAULT_MODELS, pro: { ...DEFAULT_MODELS.pro, price } } });

  test('a price override above 100000 USD per million tokens is refused, naming the setting', () => {
    const result = withPrice({ inputPerMTok: 1e308, outputPerMTok: 10 });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.message : '', /`tiered\.models\.pro\.price\.inputPerMTok`: at most 100000 USD/);
    const cached = withPrice({ inputPerMTok: 1, outputPerMTok: 10, cachedInputPerMTok: 2e5 });
    assert.match(!cached.ok ? cached.message : '', /tiered\.models\.pro\.price\.cachedInputPerMTok/);
    assert.equal(withPrice({ inputPerMTok: 100_000, outputPerMTok: 150 }).ok, true);
  });

  test('reserving a non-finite or absurd worst case is a TieredError that says why, and reserves nothing', async () => {
    const { budget } = setup({ dailyCapUsd: 100_000 });
    for (const worstCaseUsd of [Infinity, Number.NaN, -1, 2e7]) {
      await assert.rejects(
        budget.reserve({ id: `w${worstCaseUsd}`, command: 'review', worstCaseUsd, ttlMs: TTL }),
        (err: unknown) =>
          TieredError.is(err, 'config') &&
          /worst case/.test(err.message) &&
          /tiered\.models\.<id>\.price/.test(err.message),
      );
    }
    assert.equal(budget.status().reservedUsd, 0);
    assert.equal((await budget.reserve({ id: 'fine', command: 'review', worstCaseUsd: 5, ttlMs: TTL })).ok, true);
  });
});

describe('a cost above its reservation', () => {
  test('the record keeps the real cost, says overUsd, and the difference counts against the cap at once', async () => {
    const { dir, budget, warnings } = setup({ dailyCapUsd: 1 });
    const r = record({ costUsd: 0.3, estimateUsd: 0.1, model: 'pro-x' });
    assert.equal((await budget.reserve({ id: r.id, command: 'review', worstCaseUsd: 0.1, ttlMs: TTL })).ok, true);
    await budget.settle(r.id, r);
    const [written] = readDay(dir, DAY).records;
    assert.equal(written?.costUsd, 0.3);
    assert.equal(written?.overUsd, 0.2);
    const status = budget.status();
    assert.equal(status.spentUsd, 0.3);
    assert.equal(status.remainingUsd, 0.7);
    // 0.75 would have fitted had only the reservation counted.
    assert.equal((await budget.reserve({ id: 'next', command: 'review', worstCaseUsd: 0.75, ttlMs: TTL })).ok, false);
    const over = warnings.filter((w) => w.includes('pro-x'));
    assert.equal(over.length, 1);
    assert.match(over[0]!, /\$0\.30.*\$0\.20 more than the \$0\.10 reserved/);
  });

  test('a cost within its reservation carries no overUsd; old records without the field stay valid', async () => {
    const { dir, budget, warnings } = setup();
    const r = await call(budget, 0.05, 0.1);
    const [written] = readDay(dir, DAY).records;
    assert.deepEqual(written, r);
    assert.equal('overUsd' in written!, false);
    assert.deepEqual(warnings, []);
  });

  test('fast reader and schema agree on overUsd', () => {
    const dir = tmpDir();
    const withOver = record({ costUsd: 0.3, overUsd: 0.2 });
    fs.writeFileSync(
      ledgerPath(dir, DAY),
      line(withOver) + line({ ...record(), overUsd: -1 }) + line({ ...record(), overUsd: 1e300 }),
    );
    const read = readDay(dir, DAY);
    assert.deepEqual(read.records, [withOver]);
    assert.equal(read.warnings.length, 2);
  });
});
