// Several processes ("VS Code windows") share one ledger directory and one daily cap. Whatever
// the interleaving, the settled total must stay under the cap, every settled call must be in the
// ledger exactly once, and no line may be torn. Each round uses its own seed (printed on failure).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Budget } from '../../src/core/budget';
import { listDays, readDay, usdToMicros } from '../../src/core/ledger';
import type { LedgerRecord } from '../../src/core/types';
import { planCalls } from './calls';
import type { WorkerArgs, WorkerReport } from './worker';

// Workers run from a private copy of the compiled tree: another `tsc` run rewriting out/ while
// 60+ processes start would otherwise hand some of them a half-written module. The copy sits
// inside out/ so `require('zod')` still finds node_modules.
const OUT = path.resolve(__dirname, '..', '..');
const SNAPSHOT = path.join(OUT, `.multiprocess-${process.pid}`);
const WORKER = path.join(SNAPSHOT, 'test', 'multiprocess', 'worker.js');

function snapshotCompiledTree(): void {
  fs.cpSync(path.join(OUT, 'src'), path.join(SNAPSHOT, 'src'), { recursive: true });
  fs.cpSync(path.join(OUT, 'test', 'support'), path.join(SNAPSHOT, 'test', 'support'), { recursive: true });
  fs.mkdirSync(path.dirname(WORKER), { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'worker.js'), WORKER);
}
const WORKERS = 6;
const ITERATIONS = 25;
const CAP_USD = 2;
const ROUNDS = 10;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: WorkerArgs): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000); // a hung worker fails the test, not the suite
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exit };
}

function report(exit: Exit, who: string): WorkerReport {
  const lines = exit.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]!) as WorkerReport;
  } catch {
    throw new Error(`${who} printed no report (code ${exit.code}, signal ${exit.signal}): ${exit.stderr}`);
  }
}

function workerArgs(dir: string, seed: number, i: number, crashRate: number): WorkerArgs {
  return {
    mode: 'calls',
    dir,
    windowId: `w${i}`,
    seed: seed * 100 + i,
    iterations: ITERATIONS,
    capUsd: CAP_USD,
    crashRate,
    calls: planCalls(seed * 100 + i, ITERATIONS),
  };
}

/** The invariants, checked on what is on disk. */
function checkLedger(dir: string, reports: WorkerReport[], label: string): { settledMicros: number } {
  const all: LedgerRecord[] = [];
  let settledMicros = 0;
  for (const day of listDays(dir)) {
    const { records, warnings } = readDay(dir, day);
    assert.deepEqual(warnings, [], `${label}: torn or invalid lines on ${day}`);
    const dayMicros = records.reduce((acc, r) => acc + usdToMicros(r.costUsd), 0);
    assert.ok(dayMicros <= usdToMicros(CAP_USD), `${label}: ${day} settled $${dayMicros / 1e6} > cap $${CAP_USD}`);
    const floatSum = records.reduce((acc, r) => acc + r.costUsd, 0);
    assert.ok(floatSum <= CAP_USD + 1e-9, `${label}: float total ${floatSum} over the cap`);
    settledMicros += dayMicros;
    all.push(...records);
  }
  const seen = new Map<string, number>();
  for (const r of all) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
  for (const [id, n] of seen) assert.equal(n, 1, `${label}: ${id} is in the ledger ${n} times`);

  const reported = reports.flatMap((r) => r.settled).sort();
  const okInLedger = all
    .filter((r) => r.outcome === 'ok')
    .map((r) => r.id)
    .sort();
  assert.deepEqual(okInLedger, reported, `${label}: settled ids reported by workers and in the ledger differ`);
  const refusedInLedger = all.filter((r) => r.outcome === 'refused').length;
  assert.equal(
    refusedInLedger,
    reports.reduce((acc, r) => acc + r.refused, 0),
    `${label}: refused count`,
  );
  return { settledMicros };
}

/** After every worker is gone, nothing may stay reserved (the crashed ones' pids are dead). */
function assertNothingReserved(dir: string, label: string): void {
  const budget = new Budget({
    dir,
    windowId: 'checker',
    getConfig: () => ({ dailyCapUsd: CAP_USD, perCommandUsd: {}, softThreshold: 0.8, confirmAboveUsd: 1 }),
  });
  assert.equal(budget.status().reservedUsd, 0, `${label}: reservations left behind`);
}

describe('budget across processes', { timeout: 240_000 }, () => {
  before(snapshotCompiledTree);
  after(() => fs.rmSync(SNAPSHOT, { recursive: true, force: true }));

  for (let round = 1; round <= ROUNDS; round++) {
    const seed = 7919 * round;
    test(`round ${round}: ${WORKERS} processes, one cap, seed ${seed}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-mp-'));
      const label = `seed ${seed} (${dir})`;
      // Priced before any worker starts, so they all contend at once.
      const args = Array.from({ length: WORKERS }, (_, i) => workerArgs(dir, seed, i, 0.02));
      const workers = args.map((a) => start(a));
      const exits = await Promise.all(workers.map((w) => w.exit));
      const reports = exits.map((e, i) => {
        const r = report(e, `w${i}`);
        if (r.crashed) assert.equal(e.signal, 'SIGKILL', `${label}: w${i} crash`);
        else assert.equal(e.code, 0, `${label}: w${i} exited ${e.code}: ${e.stderr}`);
        return r;
      });
      checkLedger(dir, reports, label);
      // The cap was really contended: far more was asked than it allows.
      assert.ok(
        reports.some((r) => r.refused > 0),
        `${label}: no call was refused`,
      );
      assert.equal(
        reports.reduce((acc, r) => acc + r.recovered, 0),
        0,
        `${label}: a live lock was broken`,
      );
      assertNothingReserved(dir, label);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }

  test('a process killed (SIGKILL) while holding the lock: the others recover it and finish', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-mp-kill-'));
    const holder = start({ ...workerArgs(dir, 1, 99, 0), mode: 'hold' });
    await new Promise<void>((resolve, reject) => {
      holder.child.stdout!.on('data', (d: Buffer) => d.toString().includes('LOCKED') && resolve());
      void holder.exit.then((e) => reject(new Error(`holder exited early: ${e.stderr}`)));
    });
    const args = Array.from({ length: WORKERS }, (_, i) => workerArgs(dir, 4242, i, 0));
    const workers = args.map((a) => start(a));
    // Let the others pile up on the held lock, then kill its holder.
    await new Promise((r) => setTimeout(r, 300));
    holder.child.kill('SIGKILL');
    assert.equal((await holder.exit).signal, 'SIGKILL');
    const exits = await Promise.all(workers.map((w) => w.exit));
    const reports = exits.map((e, i) => {
      assert.equal(e.code, 0, `w${i} exited ${e.code}: ${e.stderr}`);
      return report(e, `w${i}`);
    });
    assert.equal(
      reports.reduce((acc, r) => acc + r.recovered, 0),
      1,
      'exactly one waiter recovers the dead holder’s lock',
    );
    checkLedger(dir, reports, 'kill round');
    assert.ok(reports.every((r) => r.settled.length + r.released + r.refused === ITERATIONS));
    assertNothingReserved(dir, 'kill round');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
