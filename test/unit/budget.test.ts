import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Budget, raisePath, reservationsPath, type Reservation } from '../../src/core/budget';
import type { BudgetConfig } from '../../src/core/config';
import { localDay } from '../../src/core/day';
import { ledgerPath, readDay } from '../../src/core/ledger';
import { isPidAlive } from '../../src/core/lock';
import type { LedgerRecord, Logger } from '../../src/core/types';

const NOON = new Date(2026, 10, 23, 12, 0, 0).getTime();
const TTL = 60_000;

function setup(config: Partial<BudgetConfig> = {}, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-budget-'))) {
  const clock = { t: NOON, now: () => clock.t };
  const cfg: BudgetConfig = {
    dailyCapUsd: 1,
    perCommandUsd: { review: 0.5 },
    softThreshold: 0.8,
    confirmAboveUsd: 0.05,
    ...config,
  };
  const warnings: string[] = [];
  const logger: Logger = { info() {}, debug() {}, error() {}, warn: (m) => warnings.push(m) };
  const budget = new Budget({ dir, windowId: 'w1', clock, logger, getConfig: () => cfg });
  return { dir, clock, cfg, budget, warnings };
}

let seq = 0;
function record(clockMs: number, overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    v: 1,
    id: `call-${++seq}`,
    ts: new Date(clockMs).toISOString(),
    window: 'w1',
    command: 'review',
    tier: 'pro',
    provider: 'gemini',
    model: 'pro',
    inputTokens: 1000,
    cachedInputTokens: 0,
    outputTokens: 200,
    reasoningTokens: 0,
    costUsd: 0,
    costSource: 'bundled',
    estimateUsd: 0,
    latencyMs: 500,
    ttftMs: 100,
    outcome: 'ok',
    ...overrides,
  };
}

function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(pid !== undefined && !isPidAlive(pid));
  return pid;
}

function writeReservations(dir: string, day: string, reservations: Reservation[]): void {
  fs.writeFileSync(reservationsPath(dir, day), JSON.stringify({ v: 1, reservations }));
}

const foreign = (over: Partial<Reservation>): Reservation => ({
  id: 'foreign',
  window: 'w9',
  pid: process.ppid,
  host: os.hostname(),
  command: 'complete',
  micros: 900_000,
  expiresAt: NOON + TTL,
  ...over,
});

describe('Budget.reserve', () => {
  test('refuses at the global cap with a message naming cap and amounts', async () => {
    const { budget } = setup();
    assert.deepEqual(await budget.reserve({ id: 'a', command: 'complete', worstCaseUsd: 0.6, ttlMs: TTL }), {
      ok: true,
    });
    const refused = await budget.reserve({ id: 'b', command: 'tone', worstCaseUsd: 0.5, ttlMs: TTL });
    assert.equal(refused.ok, false);
    if (refused.ok) return;
    assert.equal(refused.reason, 'globalCap');
    assert.equal(refused.spentUsd, 0);
    assert.equal(refused.reservedUsd, 0.6);
    assert.equal(refused.capUsd, 1);
    assert.equal(
      refused.message,
      "Daily cap reached: $0.00 spent + $0.60 reserved of $1.00; this tone could cost up to $0.50. Raise today's cap or wait until tomorrow.",
    );
    // Exactly what is left still fits.
    assert.equal((await budget.reserve({ id: 'c', command: 'tone', worstCaseUsd: 0.4, ttlMs: TTL })).ok, true);
    assert.equal((await budget.reserve({ id: 'd', command: 'tone', worstCaseUsd: 0.000001, ttlMs: TTL })).ok, false);
  });

  test('refuses at the command cap while the global cap still has room', async () => {
    const { budget } = setup();
    assert.equal((await budget.reserve({ id: 'a', command: 'review', worstCaseUsd: 0.3, ttlMs: TTL })).ok, true);
    const refused = await budget.reserve({ id: 'b', command: 'review', worstCaseUsd: 0.3, ttlMs: TTL });
    assert.ok(!refused.ok);
    assert.equal(refused.reason, 'commandCap');
    assert.equal(refused.capUsd, 0.5);
    assert.equal(refused.reservedUsd, 0.3);
    assert.match(refused.message, /^Daily cap for review reached: \$0\.00 spent \+ \$0\.30 reserved of \$0\.50/);
    // Another command is not limited by review's cap.
    assert.equal((await budget.reserve({ id: 'c', command: 'complete', worstCaseUsd: 0.3, ttlMs: TTL })).ok, true);
  });

  test('sums in micro-dollars: ten reservations of $0.1 fill a $1 cap exactly', async () => {
    const { budget } = setup({ perCommandUsd: {} });
    for (let i = 0; i < 10; i++) {
      assert.equal((await budget.reserve({ id: `r${i}`, command: 'tone', worstCaseUsd: 0.1, ttlMs: TTL })).ok, true);
    }
    assert.equal((await budget.reserve({ id: 'x', command: 'tone', worstCaseUsd: 1e-6, ttlMs: TTL })).ok, false);
  });

  test('rejects a worst case that is not a finite amount', async () => {
    const { budget } = setup();
    await assert.rejects(budget.reserve({ id: 'a', command: 'tone', worstCaseUsd: Number.NaN, ttlMs: TTL }));
    await assert.rejects(budget.reserve({ id: 'a', command: 'tone', worstCaseUsd: -1, ttlMs: TTL }));
  });

  test('two windows (Budget instances) on one directory share the cap', async () => {
    const a = setup();
    const b = setup({}, a.dir);
    assert.equal((await a.budget.reserve({ id: 'a', command: 'complete', worstCaseUsd: 0.7, ttlMs: TTL })).ok, true);
    const refused = await b.budget.reserve({ id: 'b', command: 'complete', worstCaseUsd: 0.7, ttlMs: TTL });
    assert.ok(!refused.ok && refused.reason === 'globalCap');
  });
});

describe('Budget.settle / release / recordOnly', () => {
  test('settle appends the record, frees the reservation and counts the actual cost', async () => {
    const { budget, dir, clock } = setup();
    await budget.reserve({ id: 'a', command: 'review', worstCaseUsd: 0.5, ttlMs: TTL });
    assert.equal(budget.status().reservedUsd, 0.5);
    const rec = record(clock.t, { id: 'a', costUsd: 0.2, estimateUsd: 0.5 });
    await budget.settle('a', rec);
    assert.deepEqual(readDay(dir, localDay(NOON)).records, [rec]);
    const s = budget.status('review');
    assert.equal(s.spentUsd, 0.2);
    assert.equal(s.reservedUsd, 0);
    assert.equal(s.commandSpentUsd, 0.2);
    assert.equal(s.remainingUsd, 0.3);
    assert.equal((await budget.reserve({ id: 'b', command: 'complete', worstCaseUsd: 0.8, ttlMs: TTL })).ok, true);
  });

  test('release frees the reservation without a record', async () => {
    const { budget, dir } = setup();
    await budget.reserve({ id: 'a', command: 'complete', worstCaseUsd: 1, ttlMs: TTL });
    assert.equal((await budget.reserve({ id: 'b', command: 'complete', worstCaseUsd: 0.01, ttlMs: TTL })).ok, false);
    await budget.release('a');
    assert.equal(budget.status().reservedUsd, 0);
    assert.equal(fs.existsSync(ledgerPath(dir, localDay(NOON))), false);
    assert.equal((await budget.reserve({ id: 'b', command: 'complete', worstCaseUsd: 1, ttlMs: TTL })).ok, true);
  });

  test('a settled cost above the reserved worst case is written whole, marked overUsd and warned about', async () => {
    const { budget, clock, warnings, dir } = setup();
    await budget.reserve({ id: 'a', command: 'tone', worstCaseUsd: 0.01, ttlMs: TTL });
    await budget.settle('a', record(clock.t, { id: 'a', command: 'tone', costUsd: 0.02 }));
    assert.equal(budget.status().spentUsd, 0.02);
    assert.equal(readDay(dir, localDay(NOON)).records[0]?.overUsd, 0.01);
    assert.match(warnings.join('\n'), /pro \(tone\) cost \$0\.02, \$0\.01 more than the \$0\.01 reserved/);
  });

  test('recordOnly writes a refused call at zero cost', async () => {
    const { budget, clock } = setup();
    await budget.recordOnly(record(clock.t, { id: 'r', outcome: 'refused', reason: 'globalCap', estimateUsd: 2 }));
    const totals = budget.todayTotals();
    assert.equal(totals.calls, 1);
    assert.deepEqual(totals.byOutcome, { refused: 1 });
    assert.equal(budget.status().spentUsd, 0);
  });

  test('a call reserved before midnight and settled after it counts on the day it was reserved', async () => {
    const { budget, dir, clock } = setup({ perCommandUsd: {} });
    clock.t = new Date(2026, 10, 23, 23, 59, 59).getTime();
    await budget.reserve({ id: 'late', command: 'tone', worstCaseUsd: 0.5, ttlMs: TTL });
    const started = clock.t;
    clock.t = new Date(2026, 10, 24, 0, 0, 5).getTime();
    await budget.settle('late', record(started, { id: 'late', command: 'tone', costUsd: 0.4 }));
    assert.equal(readDay(dir, '2026-11-23').records.length, 1);
    assert.equal(fs.existsSync(reservationsPath(dir, '2026-11-23')), true);
    assert.deepEqual(JSON.parse(fs.readFileSync(reservationsPath(dir, '2026-11-23'), 'utf8')).reservations, []);
    const s = budget.status();
    assert.equal(s.day, '2026-11-24');
    assert.equal(s.spentUsd, 0);
  });
});

describe('Budget.status', () => {
  test('soft threshold and cap flags, globally and per command', async () => {
    const { budget, clock } = setup();
    await budget.recordOnly(record(clock.t, { command: 'complete', costUsd: 0.79 }));
    assert.equal(budget.status().softReached, false);
    await budget.reserve({ id: 'a', command: 'complete', worstCaseUsd: 0.01, ttlMs: TTL });
    const soft = budget.status();
    assert.equal(soft.softReached, true);
    assert.equal(soft.capReached, false);
    assert.ok(Math.abs(soft.remainingUsd - 0.2) < 1e-12);

    // review: 0.4 of its 0.5 cap is 80 %, while global is not the limiting remainder.
    const b = setup();
    await b.budget.recordOnly(record(b.clock.t, { command: 'review', costUsd: 0.4 }));
    const review = b.budget.status('review');
    assert.equal(review.softReached, true);
    assert.equal(review.commandCapUsd, 0.5);
    assert.ok(Math.abs(review.remainingUsd - 0.1) < 1e-12);
    assert.equal(b.budget.status('tone').softReached, false);
    assert.equal(b.budget.status('tone').commandCapUsd, undefined);

    await b.budget.recordOnly(record(b.clock.t, { command: 'review', costUsd: 0.1 }));
    assert.equal(b.budget.status('review').capReached, true);
    assert.equal(b.budget.status('review').remainingUsd, 0);
    assert.equal(b.budget.status().capReached, false);
  });
});

describe('reservations that no longer count', () => {
  test('an expired reservation is dropped (fake clock)', async () => {
    const { budget, clock } = setup();
    await budget.reserve({ id: 'a', command: 'complete', worstCaseUsd: 0.9, ttlMs: 1000 });
    assert.equal((await budget.reserve({ id: 'b', command: 'complete', worstCaseUsd: 0.9, ttlMs: 1000 })).ok, false);
    clock.t += 999;
    assert.equal(budget.status().reservedUsd, 0.9);
    clock.t += 1;
    assert.equal(budget.status().reservedUsd, 0);
    assert.equal((await budget.reserve({ id: 'b', command: 'complete', worstCaseUsd: 0.9, ttlMs: 1000 })).ok, true);
  });

  test('a reservation of a dead process on this host is dropped; a live or remote one counts', async () => {
    const { budget, dir } = setup({ perCommandUsd: {} });
    const day = localDay(NOON);
    writeReservations(dir, day, [foreign({ id: 'dead', pid: deadPid() })]);
    assert.equal(budget.status().reservedUsd, 0);
    assert.equal((await budget.reserve({ id: 'a', command: 'tone', worstCaseUsd: 0.95, ttlMs: TTL })).ok, true);
    const kept = JSON.parse(fs.readFileSync(reservationsPath(dir, day), 'utf8')).reservations as Reservation[];
    assert.deepEqual(
      kept.map((r) => r.id),
      ['a'],
    );

    writeReservations(dir, day, [
      foreign({ id: 'live', pid: process.ppid, micros: 300_000 }),
      foreign({ id: 'remote', pid: deadPid(), host: 'other-machine', micros: 300_000 }),
    ]);
    assert.equal(budget.status().reservedUsd, 0.6);
    assert.equal((await budget.reserve({ id: 'b', command: 'tone', worstCaseUsd: 0.5, ttlMs: TTL })).ok, false);
  });
});

describe('raiseToday', () => {
  test('raises the cap for today only, for every window', async () => {
    const { budget, dir, clock } = setup();
    await budget.recordOnly(record(clock.t, { command: 'complete', costUsd: 1 }));
    assert.equal(budget.status().capReached, true);
    assert.equal((await budget.reserve({ id: 'a', command: 'review', worstCaseUsd: 0.2, ttlMs: TTL })).ok, false);

    assert.equal(await budget.raiseToday(0.5), 0.5);
    assert.equal(await budget.raiseToday(0.25), 0.75);
    const other = setup({}, dir).budget;
    assert.equal(other.todayRaiseUsd(), 0.75);
    const s = other.status('review');
    assert.equal(s.capUsd, 1.75);
    assert.equal(s.commandCapUsd, 1.25);
    assert.equal(s.raiseUsd, 0.75);
    assert.equal((await other.reserve({ id: 'a', command: 'review', worstCaseUsd: 0.7, ttlMs: TTL })).ok, true);
    const refused = await other.reserve({ id: 'b', command: 'tone', worstCaseUsd: 0.1, ttlMs: TTL });
    assert.ok(!refused.ok);
    assert.match(refused.message, /of \$1\.75 \(incl\. \$0\.75 raised today\)/);

    clock.t = new Date(2026, 10, 24, 9, 0).getTime();
    assert.equal(budget.todayRaiseUsd(), 0);
    assert.equal(budget.status().capUsd, 1);
    assert.equal(fs.existsSync(raisePath(dir, '2026-11-23')), true);
    await assert.rejects(budget.raiseToday(0));
  });

  test('files of days before yesterday are pruned', async () => {
    const { budget, dir } = setup();
    writeReservations(dir, '2026-11-20', []);
    writeReservations(dir, '2026-11-22', []);
    fs.writeFileSync(raisePath(dir, '2026-11-21'), '{"v":1,"micros":5}');
    await budget.reserve({ id: 'a', command: 'tone', worstCaseUsd: 0.1, ttlMs: TTL });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['reservations-2026-11-22.json', 'reservations-2026-11-23.json']);
  });
});

test('refusal messages use the one money formatter: sub-cent amounts stay visible in its unit', async () => {
  const { budget } = setup({ dailyCapUsd: 0.0005, perCommandUsd: {} });
  const refused = await budget.reserve({ id: 'a', command: 'tone', worstCaseUsd: 0.00072, ttlMs: TTL });
  assert.ok(!refused.ok, 'a worst case above the cap is refused');
  assert.match(refused.message, /of \$0\.0005; this tone could cost up to \$0\.0007\./);
});
