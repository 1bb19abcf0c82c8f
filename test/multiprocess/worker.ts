// One "VS Code window" for the multi-process budget test. argv[2] is a JSON WorkerArgs.
// mode 'calls': loop reserve → (settle | release | crash); print a WorkerReport as JSON at the end.
// mode 'hold': take the budget lock, print LOCKED, and hold it until killed.
import * as fs from 'node:fs';
import { Budget, budgetLockPath } from '../../src/core/budget';
import { acquireLock } from '../../src/core/lock';
import type { LedgerRecord, Logger } from '../../src/core/types';
import { rng as prng } from '../support/random';
import type { PlannedCall } from './calls';
export interface WorkerArgs {
  mode: 'calls' | 'hold';
  dir: string;
  windowId: string;
  seed: number;
  iterations: number;
  capUsd: number;
  /** Probability per reserved call of dying (SIGKILL to itself) without settling. */
  crashRate: number;
  /** Per iteration: the worst case reserved and the real bill (priced by the parent, calls.ts). */
  calls: PlannedCall[];
}

export interface WorkerReport {
  windowId: string;
  settled: string[];
  released: number;
  refused: number;
  /** Stale locks this worker recovered. */
  recovered: number;
  crashed: boolean;
}

const print = (text: string): void => {
  fs.writeSync(1, `${text}\n`); // synchronous: must be out before a self-inflicted SIGKILL
};

function rec(args: WorkerArgs, id: string, command: string, costUsd: number, estimateUsd: number): LedgerRecord {
  return {
    v: 1,
    id,
    ts: new Date().toISOString(),
    window: args.windowId,
    command,
    tier: command === 'review' ? 'pro' : 'lite',
    provider: 'gemini',
    model: command === 'review' ? 'pro' : 'flash-lite',
    inputTokens: 1000,
    cachedInputTokens: 0,
    outputTokens: 100,
    reasoningTokens: 0,
    costUsd,
    costSource: 'bundled',
    estimateUsd,
    latencyMs: 1,
    ttftMs: null,
    outcome: 'ok',
  };
}

async function calls(args: WorkerArgs): Promise<void> {
  const random = prng(args.seed);
  const report: WorkerReport = {
    windowId: args.windowId,
    settled: [],
    released: 0,
    refused: 0,
    recovered: 0,
    crashed: false,
  };
  const logger: Logger = {
    info() {},
    debug() {},
    error: (m) => process.stderr.write(`${m}\n`),
    warn: (m) => {
      if (/stale lock/.test(m)) report.recovered++;
      else process.stderr.write(`${m}\n`);
    },
  };
  const budget = new Budget({
    dir: args.dir,
    windowId: args.windowId,
    logger,
    getConfig: () => ({ dailyCapUsd: args.capUsd, perCommandUsd: {}, softThreshold: 0.8, confirmAboveUsd: 1 }),
  });
  for (let i = 0; i < args.iterations; i++) {
    const id = `${args.windowId}-${i}`;
    // Priced from an adversarial input: float amounts with sub-micro digits, so drift would show.
    const call = args.calls[i % args.calls.length]!;
    const command = call.command;
    const worst = call.worst;
    const reserved = await budget.reserve({ id, command, worstCaseUsd: worst, ttlMs: 60_000 });
    if (!reserved.ok) {
      report.refused++;
      await budget.recordOnly({ ...rec(args, id, command, 0, worst), outcome: 'refused', reason: reserved.reason });
      continue;
    }
    if (random() < 0.3) await new Promise((r) => setTimeout(r, random() * 4));
    const fate = random();
    if (fate < args.crashRate) {
      report.crashed = true;
      print(JSON.stringify(report));
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => {}); // never resumes
    }
    if (fate < 0.8) {
      const actual = call.actual;
      if (actual > worst) throw new Error(`${command}: actual ${actual} above the reserved ${worst}`);
      await budget.settle(id, rec(args, id, command, actual, worst));
      report.settled.push(id);
    } else {
      await budget.release(id);
      report.released++;
    }
  }
  print(JSON.stringify(report));
}

async function hold(args: WorkerArgs): Promise<void> {
  await acquireLock(budgetLockPath(args.dir));
  print('LOCKED');
  setInterval(() => {}, 1 << 30);
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
(args.mode === 'hold' ? hold(args) : calls(args)).catch((err: unknown) => {
  process.stderr.write(`worker ${args.windowId} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
