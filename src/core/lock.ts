// A cross-process lock on a file path, for the small read-modify-write steps of the budget that
// every VS Code window (one extension host process each) shares.
//
// Acquire: write {pid, host, acquiredAt, token} to a private temp file, then hard-link it to the
// lock path. link() fails atomically when the path exists, and the lock appears with its content
// complete, so a waiter never judges a half-written lock. (File systems without hard links fall
// back to an O_EXCL create.)
//
// Stale recovery: a lock whose holder is dead (same host, kill(pid, 0) → ESRCH) or that is older
// than `staleMs` is broken — but only by the waiter that holds a second, short-lived "break"
// lock, which re-reads the lock and checks its token is still the one judged stale. Two waiters
// can therefore never both break, and never break a fresh lock that replaced the stale one.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { TieredError } from './errors';
import { silentLogger, systemClock, type Clock, type Logger } from './types';

export interface LockInfo {
  pid: number;
  host: string;
  /** Clock time (ms) when acquired. */
  acquiredAt: number;
  token: string;
}

export interface LockOptions {
  /** How long to wait for the lock before giving up (real time). Default staleMs + 5 s. */
  waitMs?: number;
  /** A lock held longer than this is presumed abandoned. Default 10 s (holders do small file work). */
  staleMs?: number;
  /** Time used for acquiredAt and age checks (a fake clock in tests). */
  clock?: Clock;
  logger?: Logger;
  /** Jittered backoff bounds between attempts (ms). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface LockHandle {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

const DEFAULT_STALE_MS = 10_000;
const HOST = os.hostname();

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by another user). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLockInfo(lockPath: string): LockInfo | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (
      typeof v.pid === 'number' &&
      typeof v.host === 'string' &&
      typeof v.acquiredAt === 'number' &&
      typeof v.token === 'string'
    ) {
      return { pid: v.pid, host: v.host, acquiredAt: v.acquiredAt, token: v.token };
    }
  } catch {
    // fall through: unreadable content
  }
  return undefined;
}

/** Why a lock is stale, or undefined when its holder may still be working. */
export function staleReason(info: LockInfo, now: number, staleMs: number): string | undefined {
  if (info.host === HOST && !isPidAlive(info.pid)) return `holder pid ${info.pid} is gone`;
  const age = now - info.acquiredAt;
  if (age > staleMs) return `held for ${Math.round(age / 100) / 10} s by pid ${info.pid} on ${info.host}`;
  return undefined;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

let tmpCounter = 0;

/** Creates `target` with `info` as content, atomically; false when it already exists. */
function createExclusive(target: string, info: LockInfo): boolean {
  const content = JSON.stringify(info);
  const tmp = `${target}.${process.pid}.${++tmpCounter}.${info.token.slice(0, 8)}.tmp`;
  fs.writeFileSync(tmp, content, { flag: 'wx' });
  try {
    fs.linkSync(tmp, target);
    return true;
  } catch (err) {
    if (errCode(err) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(errCode(err) ?? '')) throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  // No hard links here: O_EXCL create. A waiter may briefly see it empty; it then waits, and only
  // treats it as stale by file age.
  try {
    const fd = fs.openSync(target, 'wx');
    try {
      fs.writeSync(fd, content);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch (err) {
    if (errCode(err) === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Removes `target` only if it still carries `token`: rename it to a private name first (atomic),
 * then check what was moved; if it was someone else's lock, put it back.
 */
function removeIfToken(target: string, token: string | undefined, logger: Logger): boolean {
  const aside = `${target}.${process.pid}.${++tmpCounter}.removed`;
  try {
    fs.renameSync(target, aside);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return false;
    throw err;
  }
  const moved = readLockInfo(aside);
  if (token === undefined || moved?.token === token) {
    fs.rmSync(aside, { force: true });
    return true;
  }
  try {
    fs.linkSync(aside, target);
  } catch (err) {
    logger.error(`Tiered lock ${target}: could not restore a lock moved by mistake (${errCode(err)})`);
  }
  fs.rmSync(aside, { force: true });
  return false;
}

/** Age of an unreadable lock file by its mtime (an O_EXCL create caught before its write). */
function fileAgeMs(target: string, now: number): number | undefined {
  try {
    return now - fs.statSync(target).mtimeMs;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Acquires the lock, waiting with jittered backoff and breaking a stale lock; throws TieredError('budget') on timeout. */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<LockHandle> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const waitMs = options.waitMs ?? staleMs + 5000;
  const minDelay = options.retryMinMs ?? 1;
  const maxDelay = options.retryMaxMs ?? 8;
  const deadline = Date.now() + waitMs;
  let attempt = 0;
  let lastHolder: LockInfo | undefined;
  for (;;) {
    const info: LockInfo = { pid: process.pid, host: HOST, acquiredAt: clock.now(), token: randomUUID() };
    if (createExclusive(lockPath, info)) return makeHandle(lockPath, info, logger, staleMs, clock);
    const holder = readLockInfo(lockPath);
    lastHolder = holder ?? lastHolder;
    const now = clock.now();
    let reason: string | undefined;
    if (holder) reason = staleReason(holder, now, staleMs);
    else if ((fileAgeMs(lockPath, now) ?? 0) > staleMs) reason = 'unreadable and old';
    if (reason !== undefined && breakStale(lockPath, holder?.token, reason, { clock, logger, staleMs })) continue;
    if (Date.now() >= deadline) {
      const who = lastHolder ? ` (held by pid ${lastHolder.pid} on ${lastHolder.host})` : '';
      throw new TieredError('budget', `Could not lock the Tiered budget within ${waitMs} ms${who}; try again.`);
    }
    const cap = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt++, 10));
    await sleep(cap / 2 + Math.random() * (cap / 2));
  }
}

/** Breaks a stale lock under the break lock; true when this waiter removed it. */
function breakStale(
  lockPath: string,
  judgedToken: string | undefined,
  reason: string,
  o: { clock: Clock; logger: Logger; staleMs: number },
): boolean {
  const guardPath = `${lockPath}.break`;
  const guard: LockInfo = { pid: process.pid, host: HOST, acquiredAt: o.clock.now(), token: randomUUID() };
  if (!createExclusive(guardPath, guard)) {
    // Another waiter is breaking. Its guard lives microseconds; if its owner died there, clear it.
    const other = readLockInfo(guardPath);
    const now = o.clock.now();
    const stale = other ? staleReason(other, now, o.staleMs) : (fileAgeMs(guardPath, now) ?? 0) > o.staleMs;
    if (stale) removeIfToken(guardPath, other?.token, o.logger);
    return false;
  }
  try {
    // Re-read under the guard: only the very lock judged stale may be removed.
    const current = readLockInfo(lockPath);
    if (current?.token !== judgedToken) return false;
    const now = o.clock.now();
    if (current && staleReason(current, now, o.staleMs) === undefined) return false;
    if (!current && (fileAgeMs(lockPath, now) ?? 0) <= o.staleMs) return false;
    const removed = removeIfToken(lockPath, judgedToken, o.logger);
    if (removed) o.logger.warn(`Tiered: recovered a stale lock ${lockPath} (${reason})`);
    return removed;
  } finally {
    removeIfToken(guardPath, guard.token, o.logger);
  }
}

function makeHandle(lockPath: string, info: LockInfo, logger: Logger, staleMs: number, clock: Clock): LockHandle {
  let released = false;
  return {
    path: lockPath,
    info,
    release() {
      if (released) return;
      released = true;
      const held = clock.now() - info.acquiredAt;
      if (!removeIfToken(lockPath, info.token, logger)) {
        logger.error(`Tiered lock ${lockPath} was broken while held (${held} ms > ${staleMs} ms allowed)`);
      }
    },
  };
}

// One queue per lock path inside this process, so concurrent callers in one window wait on a
// promise instead of polling the file system against each other.
const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` holding the lock; always releases, whatever `fn` does. */
export async function withLock<T>(lockPath: string, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const run = previous.then(
    () => runLocked(lockPath, fn, options),
    () => runLocked(lockPath, fn, options),
  );
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(lockPath, settled);
  void settled.then(() => {
    if (queues.get(lockPath) === settled) queues.delete(lockPath);
  });
  return run;
}

async function runLocked<T>(lockPath: string, fn: () => T | Promise<T>, options: LockOptions): Promise<T> {
  const handle = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    handle.release();
  }
}
