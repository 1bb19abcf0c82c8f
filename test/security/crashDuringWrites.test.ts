// Several windows calling at once while processes die with kill -9 at random moments, some of them
// in the middle of a ledger write (test/security/tornWriter.ts: lock taken, half a line written,
// SIGKILL). Extends test/multiprocess/budget.test.ts (which kills between reserve and settle, and a
// lock holder) with torn writes and external kills at seeded random times. Per round:
//   - settled spend never exceeds the cap;
//   - every call a surviving window reported as settled is in the ledger, once (no complete record lost);
//   - each torn line is skipped with a warning and the records written after it survive;
//   - the lock left by a dead writer is recovered (every surviving window finishes) and nothing
//     stays reserved once every window is gone.
import { planCalls } from '../multiprocess/calls';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Budget } from '../../src/core/budget';
import { listDays, readDay, usdToMicros } from '../../src/core/ledger';
import type { LedgerRecord } from '../../src/core/types';
import type { WorkerArgs, WorkerReport } from '../multiprocess/worker';
import { rng as prng } from '../support/random';

// Workers run from a private copy of the compiled tree, so a concurrent `tsc` cannot tear them.
const OUT = path.resolve(__dirname, '..', '..');
const SNAPSHOT = path.join(OUT, `.security-crash-${process.pid}`);
const CALLS_WORKER = path.join(SNAPSHOT, 'test', 'multiprocess', 'worker.js');
const TORN_WORKER = path.join(SNAPSHOT, 'test', 'security', 'tornWriter.js');

const WINDOWS = 5;
const ITERATIONS = 30;
const CAP_USD = 2;
const ROUNDS = Number(process.env.TIERED_CRASH_ROUNDS ?? 6);
const TORN_PER_ROUND = 2;
const EXTERNAL_KILLS = 2;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // A window stuck on a lock that is never recovered fails the round instead of hanging the suite.
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exit };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kill -9 during ledger writes, several windows at once', { timeout: 300_000 }, () => {
  before(() => {
    fs.cpSync(path.join(OUT, 'src'), path.join(SNAPSHOT, 'src'), { recursive: true });
    fs.cpSync(path.join(OUT, 'test', 'support'), path.join(SNAPSHOT, 'test', 'support'), { recursive: true });
    for (const f of [CALLS_WORKER, TORN_WORKER]) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.copyFileSync(path.join(OUT, path.relative(SNAPSHOT, f)), f);
    }
  });
  after(() => fs.rmSync(SNAPSHOT, { recursive: true, force: true }));

  for (let round = 1; round <= ROUNDS; round++) {
    const seed = 7000 + round * 31;
    test(`round ${round}: ${WINDOWS} windows, ${TORN_PER_ROUND} torn writes, ${EXTERNAL_KILLS} external kills, seed ${seed}`, async () => {
      const random = prng(seed);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-crash-'));
      try {
        // Priced before any window starts, so they all run at once.
        const plans = Array.from({ length: WINDOWS }, (_, i) => planCalls(seed * 100 + i, ITERATIONS));
        const windows = Array.from({ length: WINDOWS }, (_, i) => {
          const args: WorkerArgs = {
            mode: 'calls',
            dir,
            windowId: `w${i}`,
            seed: seed * 100 + i,
            iterations: ITERATIONS,
            capUsd: CAP_USD,
            crashRate: 0.02,
            calls: plans[i]!,
          };
          return run(CALLS_WORKER, [JSON.stringify(args)]);
        });
        // Chaos at seeded random moments while the windows work.
        const torn: Promise<Exit>[] = [];
        const killed = new Set<number>();
        const events = [
          ...Array.from({ length: TORN_PER_ROUND }, (_, i) => ({ at: random() * 400, kind: 'torn' as const, i })),
          ...Array.from({ length: EXTERNAL_KILLS }, (_, i) => ({ at: random() * 400, kind: 'kill' as const, i })),
        ].sort((a, b) => a.at - b.at);
        let now = 0;
        for (const e of events) {
          await sleep(e.at - now);
          now = e.at;
          if (e.kind === 'torn') torn.push(run(TORN_WORKER, [dir, `torn-${round}-${e.i}`]).exit);
          else {
            const victim = Math.floor(random() * WINDOWS);
            if (windows[victim]!.child.exitCode === null && windows[victim]!.child.kill('SIGKILL')) killed.add(victim);
          }
        }
        assert.ok(killed.size > 0, 'no window was still running to be killed');
        const tornExits = await Promise.all(torn);
        const exits = await Promise.all(windows.map((w) => w.exit));

        for (const t of tornExits) {
          assert.equal(t.signal, 'SIGKILL', `a torn writer did not die mid-write: ${t.stderr}`);
          assert.match(t.stdout, /TORN/, 'the torn writer never got the lock (not recovered?)');
        }
        const reports: WorkerReport[] = [];
        exits.forEach((e, i) => {
          if (e.signal === 'SIGKILL' && killed.has(i)) return; // killed from outside: no report
          const last = e.stdout.trim().split('\n').pop() ?? '';
          assert.ok(last.startsWith('{'), `w${i} (code ${e.code}, signal ${e.signal}) printed no report: ${e.stderr}`);
          const r = JSON.parse(last) as WorkerReport;
          if (r.crashed) assert.equal(e.signal, 'SIGKILL');
          else assert.equal(e.code, 0, `w${i} exited ${e.code}: ${e.stderr}`);
          reports.push(r);
        });

        const all: LedgerRecord[] = [];
        let tornWarnings = 0;
        const allWarnings: string[] = [];
        for (const day of listDays(dir)) {
          const { records, warnings } = readDay(dir, day);
          tornWarnings += warnings.filter((w) => /torn/.test(w)).length;
          allWarnings.push(...warnings);
          assert.equal(warnings.length, warnings.filter((w) => /torn/.test(w)).length, warnings.join('\n'));
          const micros = records.reduce((acc, r) => acc + usdToMicros(r.costUsd), 0);
          assert.ok(micros <= usdToMicros(CAP_USD), `${day}: settled $${micros / 1e6} > cap $${CAP_USD}`);
          all.push(...records);
        }
        // Each torn write is one skipped line (a torn writer that happened to land after the
        // last record leaves a torn LAST line, also reported).
        assert.equal(tornWarnings, tornExits.length, `each torn write is reported once: ${allWarnings.join(' | ')}`);
        assert.equal(all.filter((r) => r.id.startsWith('torn-')).length, 0, 'a torn fragment was read as a record');
        const ids = all.map((r) => r.id);
        assert.equal(new Set(ids).size, ids.length, 'a record appears twice');
        const inLedger = new Set(all.filter((r) => r.outcome === 'ok').map((r) => r.id));
        for (const r of reports) {
          for (const id of r.settled) assert.ok(inLedger.has(id), `${id} was settled but is not in the ledger`);
        }
        assert.ok(reports.length >= WINDOWS - EXTERNAL_KILLS, 'enough windows survived to judge');

        const checker = new Budget({
          dir,
          windowId: 'checker',
          getConfig: () => ({ dailyCapUsd: CAP_USD, perCommandUsd: {}, softThreshold: 0.8, confirmAboveUsd: 1 }),
        });
        assert.equal(checker.status().reservedUsd, 0, 'reservations of dead windows were left behind');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
