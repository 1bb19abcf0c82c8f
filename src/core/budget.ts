// The daily budget shared by every window on the machine. Before a call, reserve its worst case;
// after it, settle (ledger record in, reservation out) or release. Every step that reads and
// writes the shared files runs under one cross-process lock, so two windows can never both fit
// the last dollar under the cap. Files live next to the ledger, one per local day:
//   reservations-YYYY-MM-DD.json  live reservations of all windows (rewritten atomically)
//   cap-raise-YYYY-MM-DD.json     today's extra cap the user allowed (today only)
//   budget.lock                   the lock (see core/lock.ts)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import type { BudgetConfig } from './config';
import { dayOfIso, dayStartMs, localDay, type Day } from './day';
import { TieredError } from './errors';
import { appendRecord, LedgerTail, MAX_CALL_USD, microsToUsd, usdToMicros, type TailTotals } from './ledger';
import { isPidAlive, withLock, type LockOptions } from './lock';
import { silentLogger, systemClock, type Clock, type CommandId, type LedgerRecord, type Logger } from './types';
import { formatUsd } from './money/format';

const HOST = os.hostname();

const reservationSchema = z.object({
  id: z.string().min(1),
  window: z.string(),
  pid: z.number().int(),
  host: z.string(),
  command: z.string(),
  /** Worst case in micro-dollars (integers: no float drift). */
  micros: z.number().int().nonnegative(),
  /** Clock ms after which the reservation no longer counts. */
  expiresAt: z.number(),
});
export type Reservation = z.infer<typeof reservationSchema>;

const reservationsFileSchema = z.object({ v: z.literal(1), reservations: z.array(reservationSchema) });
const raiseFileSchema = z.object({ v: z.literal(1), micros: z.number().int().nonnegative() });

export interface ReserveRequest {
  /** The call id; the settled ledger record carries the same id. */
  id: string;
  command: CommandId;
  worstCaseUsd: number;
  /** How long the reservation holds if never settled (make it longer than the call's timeout). */
  ttlMs: number;
}

export type RefusalReason = 'globalCap' | 'commandCap';

export type ReserveResult =
  | { ok: true }
  | {
      ok: false;
      reason: RefusalReason;
      /** Names the cap and the amounts; ready to show the user. */
      message: string;
      /** Settled spend today (of the command, for 'commandCap'). */
      spentUsd: number;
      /** Live reservations of all windows (of the command, for 'commandCap'). */
      reservedUsd: number;
      /** The cap that refused, today's raise included. */
      capUsd: number;
    };

export interface BudgetStatus {
  day: Day;
  spentUsd: number;
  reservedUsd: number;
  /** Global cap, today's raise included. */
  capUsd: number;
  raiseUsd: number;
  commandSpentUsd?: number;
  commandReservedUsd?: number;
  /** The command's cap (today's raise included), when it has one. */
  commandCapUsd?: number;
  /** What is left: the smaller of global and command remainders, never negative. */
  remainingUsd: number;
  /** Spent + reserved reached softThreshold × cap (global or the command's). */
  softReached: boolean;
  /** Nothing is left under the global or the command's cap. */
  capReached: boolean;
}

export interface BudgetOptions {
  /** The directory of the ledger (the extension's global storage). */
  dir: string;
  windowId: string;
  clock?: Clock;
  logger?: Logger;
  getConfig: () => BudgetConfig;
  /** Lock tuning (stale time, wait); clock and logger come from above. */
  lock?: Omit<LockOptions, 'clock' | 'logger'>;
}

export function reservationsPath(dir: string, day: Day): string {
  return path.join(dir, `reservations-${day}.json`);
}

export function raisePath(dir: string, day: Day): string {
  return path.join(dir, `cap-raise-${day}.json`);
}

export function budgetLockPath(dir: string): string {
  return path.join(dir, 'budget.lock');
}

/**
 * Why a worst case cannot be reserved, or undefined. Not finite, or more than any call can cost:
 * a price (an override, or one a server reported) is wrong, and reserving it would either throw
 * or block the day's cap.
 */
function absurdWorstCase(command: CommandId, worstCaseUsd: number): string | undefined {
  if (Number.isFinite(worstCaseUsd) && worstCaseUsd >= 0 && worstCaseUsd <= MAX_CALL_USD) return undefined;
  const amount = Number.isFinite(worstCaseUsd) ? `${worstCaseUsd} USD` : `${worstCaseUsd} (not an amount)`;
  return (
    `Tiered will not reserve this ${command} call: its worst case is ${amount}, and no call can cost more than ` +
    `${formatUsd(MAX_CALL_USD)}. Check the model's price (\`tiered.models.<id>.price\`, per million tokens).`
  );
}

const sum = (rs: readonly Reservation[]): number => rs.reduce((acc, r) => acc + r.micros, 0);

/** Write a temp file then rename it over the target: readers see the old or the new file, never half. */
function writeAtomic(target: string, content: string): void {
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(tmp, target);
      return;
    } catch (err) {
      // Windows may refuse a rename over a file another process has open for a moment.
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 20 || !(code === 'EPERM' || code === 'EBUSY' || code === 'EACCES')) {
        fs.rmSync(tmp, { force: true });
        throw err;
      }
    }
  }
}

export class Budget {
  private readonly dir: string;
  private readonly windowId: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly getConfig: () => BudgetConfig;
  private readonly lockOptions: LockOptions;
  private readonly tail: LedgerTail;
  /** Day each of this window's reservations was made on (its record goes to that day's file). */
  private readonly myReservationDays = new Map<string, Day>();
  private prunedOn: Day | undefined;

  constructor(options: BudgetOptions) {
    this.dir = options.dir;
    this.windowId = options.windowId;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.getConfig = options.getConfig;
    this.lockOptions = { ...options.lock, clock: this.clock, logger: this.logger };
    this.tail = new LedgerTail({ dir: this.dir, clock: this.clock, logger: this.logger });
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** Reserves the worst case of a call against today's caps, or says why it does not fit. */
  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const { id, command, worstCaseUsd, ttlMs } = request;
    const absurd = absurdWorstCase(command, worstCaseUsd);
    if (absurd) throw new TieredError('config', absurd);
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`Budget.reserve: ttlMs must be > 0 (got ${ttlMs})`);
    const worst = usdToMicros(worstCaseUsd);
    return this.locked(() => {
      const now = this.clock.now();
      const day = localDay(now);
      this.tail.poll(day);
      this.pruneOldDays(day);
      const live = this.liveReservations(day, now).filter((r) => r.id !== id);
      const raise = this.readRaise(day);
      const config = this.getConfig();

      const globalCap = usdToMicros(config.dailyCapUsd) + raise;
      const spent = this.tail.spentMicros();
      const reserved = sum(live);
      if (spent + reserved + worst > globalCap) {
        return this.refusal('globalCap', 'Daily cap', command, spent, reserved, globalCap, raise, worst);
      }
      const commandCapUsd = config.perCommandUsd[command];
      if (commandCapUsd !== undefined) {
        const commandCap = usdToMicros(commandCapUsd) + raise;
        const commandSpent = this.tail.spentMicros(command);
        const commandReserved = sum(live.filter((r) => r.command === command));
        if (commandSpent + commandReserved + worst > commandCap) {
          const label = `Daily cap for ${command}`;
          return this.refusal('commandCap', label, command, commandSpent, commandReserved, commandCap, raise, worst);
        }
      }
      live.push({
        id,
        window: this.windowId,
        pid: process.pid,
        host: HOST,
        command,
        micros: worst,
        expiresAt: now + ttlMs,
      });
      this.writeReservations(day, live);
      this.myReservationDays.set(id, day);
      return { ok: true } as const;
    });
  }

  /** Appends the call's record, then drops its reservation (a crash in between leaves a reservation that expires). */
  async settle(id: string, record: LedgerRecord): Promise<void> {
    if (record.id !== id) this.logger.warn(`Tiered budget: settling reservation ${id} with record ${record.id}`);
    await this.locked(() => {
      const day = this.myReservationDays.get(id) ?? dayOfIso(record.ts) ?? localDay(this.clock.now());
      const reservation = this.readReservations(day).find((r) => r.id === id);
      appendRecord(this.dir, this.checkedCost(record, reservation?.micros ?? usdToMicros(record.estimateUsd)), day);
      this.removeReservation(day, id);
    });
  }

  /**
   * The record as it goes to the ledger. A cost above what was reserved stays whole (it is what
   * the provider bills, and it counts against today's cap at once) and is marked with `overUsd`;
   * a corrupt cost (not finite, or above what any call can cost) is clamped so the day's sum
   * stays a number the cap can refuse on.
   */
  private checkedCost(record: LedgerRecord, reservedMicros: number): LedgerRecord {
    let costUsd = record.costUsd;
    if (!Number.isFinite(costUsd) || costUsd > MAX_CALL_USD) {
      this.logger.error(
        `Tiered budget: ${record.model} reported a cost of ${costUsd} USD for call ${record.id}; recorded as ${formatUsd(MAX_CALL_USD)}, the most one call can cost`,
      );
      costUsd = MAX_CALL_USD;
    }
    const overMicros = usdToMicros(costUsd) - reservedMicros;
    if (overMicros <= 0) return costUsd === record.costUsd ? record : { ...record, costUsd };
    const overUsd = microsToUsd(overMicros);
    this.logger.warn(
      `Tiered budget: ${record.model} (${record.command}) cost ${formatUsd(costUsd)}, ${formatUsd(overUsd)} more than ` +
        `the ${formatUsd(microsToUsd(reservedMicros))} reserved; the difference counts against today's cap`,
    );
    return { ...record, costUsd, overUsd };
  }

  /** Drops a reservation whose call never ran (or ran nothing billable). */
  async release(id: string): Promise<void> {
    await this.locked(() => {
      const day = this.myReservationDays.get(id) ?? localDay(this.clock.now());
      this.removeReservation(day, id);
    });
  }

  /** Records a call that holds no reservation, e.g. a refused one (outcome 'refused', cost 0). */
  async recordOnly(record: LedgerRecord): Promise<void> {
    await this.locked(() => {
      appendRecord(this.dir, record);
    });
  }

  /** Today's spend against the caps. Lock-free: it reads files that are only ever replaced whole or appended. */
  status(command?: CommandId): BudgetStatus {
    const now = this.clock.now();
    const day = localDay(now);
    this.tail.poll(day);
    const live = this.liveReservations(day, now);
    const raise = this.readRaise(day);
    const config = this.getConfig();
    const cap = usdToMicros(config.dailyCapUsd) + raise;
    const spent = this.tail.spentMicros();
    const reserved = sum(live);
    const soft = config.softThreshold;
    let remaining = cap - spent - reserved;
    let softReached = spent + reserved >= soft * cap;
    const status: BudgetStatus = {
      day,
      spentUsd: microsToUsd(spent),
      reservedUsd: microsToUsd(reserved),
      capUsd: microsToUsd(cap),
      raiseUsd: microsToUsd(raise),
      remainingUsd: 0,
      softReached: false,
      capReached: false,
    };
    const commandCapUsd = command === undefined ? undefined : config.perCommandUsd[command];
    if (command !== undefined) {
      const commandSpent = this.tail.spentMicros(command);
      const commandReserved = sum(live.filter((r) => r.command === command));
      status.commandSpentUsd = microsToUsd(commandSpent);
      status.commandReservedUsd = microsToUsd(commandReserved);
      if (commandCapUsd !== undefined) {
        const commandCap = usdToMicros(commandCapUsd) + raise;
        status.commandCapUsd = microsToUsd(commandCap);
        remaining = Math.min(remaining, commandCap - commandSpent - commandReserved);
        softReached ||= commandSpent + commandReserved >= soft * commandCap;
      }
    }
    status.remainingUsd = microsToUsd(Math.max(0, remaining));
    status.softReached = softReached;
    status.capReached = remaining <= 0;
    return status;
  }

  /** Today's running totals (per command, model, tier, outcome) from the incremental tail. */
  todayTotals(): TailTotals {
    this.tail.poll(localDay(this.clock.now()));
    return this.tail.totals();
  }

  /** Raises today's cap (global and per-command) by `extraUsd`, for every window, today only. Returns today's total raise. */
  async raiseToday(extraUsd: number): Promise<number> {
    if (!Number.isFinite(extraUsd) || extraUsd <= 0) {
      throw new Error(`Budget.raiseToday: extraUsd must be > 0 (got ${extraUsd})`);
    }
    return this.locked(() => {
      const day = localDay(this.clock.now());
      const micros = this.readRaise(day) + usdToMicros(extraUsd);
      writeAtomic(raisePath(this.dir, day), JSON.stringify({ v: 1, micros }));
      this.logger.info(
        `Tiered budget: today's cap raised by ${formatUsd(extraUsd)} (total raise ${formatUsd(microsToUsd(micros))})`,
      );
      return microsToUsd(micros);
    });
  }

  todayRaiseUsd(): number {
    return microsToUsd(this.readRaise(localDay(this.clock.now())));
  }

  private locked<T>(fn: () => T): Promise<T> {
    return withLock(budgetLockPath(this.dir), fn, this.lockOptions);
  }

  private refusal(
    reason: RefusalReason,
    label: string,
    command: CommandId,
    spent: number,
    reserved: number,
    cap: number,
    raise: number,
    worst: number,
  ): ReserveResult {
    const raised = raise > 0 ? ` (incl. ${formatUsd(microsToUsd(raise))} raised today)` : '';
    const message =
      `${label} reached: ${formatUsd(microsToUsd(spent))} spent + ${formatUsd(microsToUsd(reserved))} reserved ` +
      `of ${formatUsd(microsToUsd(cap))}${raised}; this ${command} could cost up to ${formatUsd(microsToUsd(worst))}. ` +
      `Raise today's cap or wait until tomorrow.`;
    return {
      ok: false,
      reason,
      message,
      spentUsd: microsToUsd(spent),
      reservedUsd: microsToUsd(reserved),
      capUsd: microsToUsd(cap),
    };
  }

  private readReservations(day: Day): Reservation[] {
    let text: string;
    try {
      text = fs.readFileSync(reservationsPath(this.dir, day), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const parsed = reservationsFileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data.reservations;
    } catch {
      // fall through
    }
    // Only an outside edit can do this (the file is replaced atomically): start over.
    this.logger.error(`Tiered budget: ${reservationsPath(this.dir, day)} is unreadable; ignoring its reservations`);
    return [];
  }

  /** Reservations that still count: not expired, and not held by a process that died on this host. */
  private liveReservations(day: Day, now: number): Reservation[] {
    return this.readReservations(day).filter((r) => this.counts(r, now));
  }

  private counts(r: Reservation, now: number): boolean {
    if (r.expiresAt <= now) return false;
    return r.host !== HOST || r.pid === process.pid || isPidAlive(r.pid);
  }

  private writeReservations(day: Day, reservations: Reservation[]): void {
    writeAtomic(reservationsPath(this.dir, day), JSON.stringify({ v: 1, reservations }));
  }

  /** Removes one reservation, pruning the expired and the dead ones on the way. */
  private removeReservation(day: Day, id: string): void {
    this.myReservationDays.delete(id);
    const all = this.readReservations(day);
    const now = this.clock.now();
    const kept = all.filter((r) => r.id !== id && this.counts(r, now));
    if (kept.length !== all.length) this.writeReservations(day, kept);
  }

  /** Once per day: reservations and raises of days before yesterday are dead weight. */
  private pruneOldDays(today: Day): void {
    if (this.prunedOn === today) return;
    this.prunedOn = today;
    const keepFrom = localDay(dayStartMs(today) - 12 * 3600_000);
    for (const name of fs.readdirSync(this.dir)) {
      const day = /^(?:reservations|cap-raise)-(\d{4}-\d{2}-\d{2})\.json$/.exec(name)?.[1];
      if (day !== undefined && day < keepFrom) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }

  private readRaise(day: Day): number {
    try {
      const parsed = raiseFileSchema.safeParse(JSON.parse(fs.readFileSync(raisePath(this.dir, day), 'utf8')));
      return parsed.success ? parsed.data.micros : 0;
    } catch {
      return 0;
    }
  }
}
