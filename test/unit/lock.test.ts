import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { TieredError } from '../../src/core/errors';
import { acquireLock, isPidAlive, readLockInfo, withLock, type LockInfo } from '../../src/core/lock';
import type { Logger } from '../../src/core/types';

function tmpLock(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-lock-')), 'budget.lock');
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(pid !== undefined && !isPidAlive(pid));
  return pid;
}

function writeLock(lockPath: string, info: Partial<LockInfo>): LockInfo {
  const full: LockInfo = { pid: process.pid, host: os.hostname(), acquiredAt: Date.now(), token: 'old-token', ...info };
  fs.writeFileSync(lockPath, JSON.stringify(full));
  return full;
}

function recordingLogger(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, info() {}, debug() {}, warn: (m) => warnings.push(m), error: (m) => errors.push(m) };
}

const leftovers = (lockPath: string): string[] => fs.readdirSync(path.dirname(lockPath));

describe('withLock', () => {
  test('holds the lock file during fn and removes it after, also when fn throws', async () => {
    const lockPath = tmpLock();
    const seen = await withLock(lockPath, () => readLockInfo(lockPath));
    assert.equal(seen?.pid, process.pid);
    assert.equal(seen?.host, os.hostname());
    assert.deepEqual(leftovers(lockPath), []);
    await assert.rejects(
      withLock(lockPath, () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(leftovers(lockPath), []);
  });

  test('serialises callers: never two inside at once', async () => {
    const lockPath = tmpLock();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        withLock(lockPath, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setImmediate(r));
          order.push(i);
          inside--;
        }),
      ),
    );
    assert.equal(maxInside, 1);
    assert.equal(order.length, 8);
  });

  test('direct acquirers in one process also exclude each other', async () => {
    const lockPath = tmpLock();
    const first = await acquireLock(lockPath);
    let secondGot = false;
    const second = acquireLock(lockPath).then((h) => {
      secondGot = true;
      return h;
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(secondGot, false);
    assert.equal(readLockInfo(lockPath)?.token, first.info.token);
    first.release();
    const h2 = await second;
    assert.equal(readLockInfo(lockPath)?.token, h2.info.token);
    h2.release();
  });
});

describe('stale lock recovery', () => {
  test('a lock whose holder pid is dead is recovered at once', async () => {
    const lockPath = tmpLock();
    writeLock(lockPath, { pid: deadPid() });
    const logger = recordingLogger();
    const ran = await withLock(lockPath, () => readLockInfo(lockPath)?.pid, { logger, waitMs: 60_000 });
    assert.equal(ran, process.pid);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]!, /stale lock .*is gone/);
    assert.deepEqual(leftovers(lockPath), []);
  });

  test('a lock older than staleMs is recovered even with a live pid (fake clock)', async () => {
    const lockPath = tmpLock();
    const now = 1_800_000_000_000;
    writeLock(lockPath, { pid: process.ppid, acquiredAt: now - 11_000 });
    const logger = recordingLogger();
    await withLock(lockPath, () => {}, { clock: { now: () => now }, logger, staleMs: 10_000 });
    assert.match(logger.warnings[0]!, /stale lock .*held for 11 s/);
  });

  test('a fresh lock of a live process is not broken: the wait times out with a budget error', async () => {
    const lockPath = tmpLock();
    const now = 1_800_000_000_000;
    const held = writeLock(lockPath, { pid: process.ppid, acquiredAt: now - 9_000, token: 'live' });
    await assert.rejects(
      withLock(lockPath, () => assert.fail('must not run'), { clock: { now: () => now }, staleMs: 10_000, waitMs: 80 }),
      (err: unknown) => TieredError.is(err, 'budget') && /Could not lock/.test(err.message),
    );
    assert.deepEqual(readLockInfo(lockPath), held);
  });

  test('a lock on another host is judged by age only', async () => {
    const lockPath = tmpLock();
    const now = 1_800_000_000_000;
    writeLock(lockPath, { pid: deadPid(), host: 'some-other-machine', acquiredAt: now - 1000 });
    await assert.rejects(
      withLock(lockPath, () => {}, { clock: { now: () => now }, waitMs: 50 }),
      (err: unknown) => TieredError.is(err, 'budget'),
    );
  });

  test('many waiters on one stale lock: one breaks it, all run one at a time', async () => {
    const lockPath = tmpLock();
    writeLock(lockPath, { pid: deadPid() });
    const logger = recordingLogger();
    let inside = 0;
    let maxInside = 0;
    // acquireLock directly (no in-process queue), so the waiters race on the file system.
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const h = await acquireLock(lockPath, { logger });
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
        h.release();
      }),
    );
    assert.equal(maxInside, 1);
    assert.equal(logger.warnings.filter((w) => /stale lock/.test(w)).length, 1);
    assert.deepEqual(leftovers(lockPath), []);
  });

  test('a break guard left by a waiter that died is cleared too', async () => {
    const lockPath = tmpLock();
    writeLock(lockPath, { pid: deadPid() });
    writeLock(`${lockPath}.break`, { pid: deadPid(), token: 'guard' });
    await withLock(lockPath, () => {}, { waitMs: 60_000 });
    assert.deepEqual(leftovers(lockPath), []);
  });

  test('a holder whose lock was broken for overrunning does not remove the next holder’s lock', async () => {
    const lockPath = tmpLock();
    let now = 1_800_000_000_000;
    const clock = { now: () => now };
    const logger = recordingLogger();
    const slow = await acquireLock(lockPath, { clock, logger });
    now += 20_000;
    const next = await acquireLock(lockPath, { clock, logger, staleMs: 10_000 });
    slow.release();
    assert.equal(readLockInfo(lockPath)?.token, next.info.token);
    assert.match(logger.errors[0]!, /was broken while held/);
    next.release();
    assert.deepEqual(leftovers(lockPath), []);
  });
});
