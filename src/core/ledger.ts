// The ledger: append-only JSON Lines, one file per local day, shared by every window on the
// machine. One record per call, written with one O_APPEND write so concurrent appenders never
// interleave. Readers skip torn or invalid lines with a warning: a crash must never break the
// status bar or the budget.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { dayOfIso, localDay, type Day } from './day';
import { silentLogger, systemClock, type Clock, type LedgerRecord, type Logger, type Outcome } from './types';

const count = z.number().int().nonnegative();
const money = z.number().finite().nonnegative();

export const ledgerRecordSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1),
  ts: z.iso.datetime({ offset: true }),
  window: z.string(),
  command: z.string().min(1),
  tier: z.string(),
  provider: z.string(),
  model: z.string(),
  inputTokens: count,
  cachedInputTokens: count,
  outputTokens: count,
  reasoningTokens: count,
  costUsd: money,
  costSource: z.enum(['override', 'server', 'bundled', 'local', 'unknown']),
  estimateUsd: money,
  latencyMs: z.number().finite().nonnegative(),
  ttftMs: z.number().finite().nonnegative().nullable(),
  outcome: z.enum(['ok', 'cancelled', 'error', 'refused', 'escalated']),
  reason: z.string().optional(),
  served: z.string().optional(),
}) satisfies z.ZodType<LedgerRecord>;

// Money is summed in integer micro-dollars so a settled total can never creep over a cap through
// float drift. Rounding goes UP (after dropping sub-nano float noise, so 0.29 stays 290000): a
// sum of rounded-up amounts that fits the cap means the real amounts fit too.
export function usdToMicros(usd: number): number {
  return Math.ceil(Math.round(usd * 1e9) / 1e3);
}

export function microsToUsd(micros: number): number {
  return micros / 1e6;
}

export const LEDGER_FILE_RE = /^ledger-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export function ledgerFileName(day: Day): string {
  return `ledger-${day}.jsonl`;
}

export function ledgerPath(dir: string, day: Day): string {
  return path.join(dir, ledgerFileName(day));
}

const NL = 0x0a;

/**
 * Appends one record as one line with a single O_APPEND write. The file is chosen by `day`
 * (default: the local day of record.ts). If the file does not end in '\n' (a writer crashed
 * mid-line), the line is prefixed with '\n' so the torn fragment stays a line of its own
 * instead of swallowing this record. Returns the number of bytes written.
 */
export function appendRecord(dir: string, record: LedgerRecord, day?: Day): number {
  const parsed = ledgerRecordSchema.safeParse(record);
  if (!parsed.success) {
    throw new Error(`Refusing to write an invalid ledger record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const fileDay = day ?? dayOfIso(record.ts) ?? localDay();
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(ledgerPath(dir, fileDay), 'a+');
  try {
    const size = fs.fstatSync(fd).size;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== NL) prefix = '\n';
    }
    const bytes = Buffer.from(`${prefix}${JSON.stringify(parsed.data)}\n`, 'utf8');
    const written = fs.writeSync(fd, bytes);
    if (written !== bytes.length) throw new Error(`Short ledger write (${written} of ${bytes.length} bytes)`);
    return written;
  } finally {
    fs.closeSync(fd);
  }
}

export interface ReadResult {
  records: LedgerRecord[];
  warnings: string[];
}

/** Parses one complete line; a line that glued a torn fragment to a full record yields the record. */
function parseLine(line: string, where: string, warnings: string[]): LedgerRecord | undefined {
  if (line.trim() === '') return undefined;
  const first = tryParse(line);
  if (first.record) return first.record;
  const start = line.lastIndexOf('{"v":');
  if (start > 0) {
    const tail = tryParse(line.slice(start));
    if (tail.record) {
      warnings.push(`${where}: torn fragment before a record skipped`);
      return tail.record;
    }
  }
  warnings.push(`${where}: torn or invalid line skipped (${first.problem})`);
  return undefined;
}

const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const COST_SOURCES: ReadonlySet<unknown> = new Set(ledgerRecordSchema.shape.costSource.options);
const OUTCOMES: ReadonlySet<unknown> = new Set(ledgerRecordSchema.shape.outcome.options);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * The common case without zod (a 90-day panel load reads ~450k lines): accepts only what the
 * schema accepts (a stricter timestamp form); anything else goes through the schema for its message.
 */
function fastRecord(json: unknown): LedgerRecord | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const r = json as Record<string, unknown>;
  const ok =
    r.v === 1 &&
    typeof r.id === 'string' &&
    r.id.length > 0 &&
    typeof r.ts === 'string' &&
    ISO_TS.test(r.ts) &&
    typeof r.window === 'string' &&
    typeof r.command === 'string' &&
    r.command.length > 0 &&
    typeof r.tier === 'string' &&
    typeof r.provider === 'string' &&
    typeof r.model === 'string' &&
    isCount(r.inputTokens) &&
    isCount(r.cachedInputTokens) &&
    isCount(r.outputTokens) &&
    isCount(r.reasoningTokens) &&
    isAmount(r.costUsd) &&
    COST_SOURCES.has(r.costSource) &&
    isAmount(r.estimateUsd) &&
    isAmount(r.latencyMs) &&
    (r.ttftMs === null || isAmount(r.ttftMs)) &&
    OUTCOMES.has(r.outcome) &&
    (r.reason === undefined || typeof r.reason === 'string') &&
    (r.served === undefined || typeof r.served === 'string');
  if (!ok) return undefined;
  // Only the known fields, as the schema would return them.
  const record: LedgerRecord = {
    v: 1,
    id: r.id as string,
    ts: r.ts as string,
    window: r.window as string,
    command: r.command as string,
    tier: r.tier as string,
    provider: r.provider as string,
    model: r.model as string,
    inputTokens: r.inputTokens as number,
    cachedInputTokens: r.cachedInputTokens as number,
    outputTokens: r.outputTokens as number,
    reasoningTokens: r.reasoningTokens as number,
    costUsd: r.costUsd as number,
    costSource: r.costSource as LedgerRecord['costSource'],
    estimateUsd: r.estimateUsd as number,
    latencyMs: r.latencyMs as number,
    ttftMs: r.ttftMs as number | null,
    outcome: r.outcome as LedgerRecord['outcome'],
  };
  if (r.reason !== undefined) record.reason = r.reason as string;
  if (r.served !== undefined) record.served = r.served as string;
  return record;
}

function tryParse(text: string): { record?: LedgerRecord; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  const fast = fastRecord(json);
  if (fast) return { record: fast, problem: '' };
  const parsed = ledgerRecordSchema.safeParse(json);
  if (parsed.success) return { record: parsed.data, problem: '' };
  const issue = parsed.error.issues[0];
  return { problem: issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid' };
}

/**
 * Splits complete lines out of `text`. Returns the records, and the unterminated remainder (a
 * line still being written, or torn) which the caller decides about.
 */
function parseComplete(
  text: string,
  file: string,
  firstLine: number,
  warnings: string[],
): { records: LedgerRecord[]; rest: string; lines: number } {
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  const records: LedgerRecord[] = [];
  parts.forEach((line, i) => {
    const record = parseLine(line, `${file} line ${firstLine + i}`, warnings);
    if (record) records.push(record);
  });
  return { records, rest, lines: parts.length };
}

/** All valid records of one day; a missing file is an empty day. */
export function readDay(dir: string, day: Day): ReadResult {
  let text: string;
  try {
    text = fs.readFileSync(ledgerPath(dir, day), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], warnings: [] };
    throw err;
  }
  const file = ledgerFileName(day);
  const warnings: string[] = [];
  const { records, rest, lines } = parseComplete(text, file, 1, warnings);
  if (rest.trim() !== '') {
    // Unterminated last line: torn by a crash (or, rarely, still being written); never counted.
    const record = parseLine(rest, `${file} line ${lines + 1}`, []);
    warnings.push(`${file} line ${lines + 1}: ${record ? 'unterminated' : 'torn'} last line skipped`);
  }
  return { records, warnings };
}

/** Days that have a ledger file, oldest first. */
export function listDays(dir: string): Day[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((n) => LEDGER_FILE_RE.exec(n)?.[1])
    .filter((d): d is Day => d !== undefined)
    .sort();
}

/** Records of every day from `fromDay` to `toDay` inclusive. */
export function readRange(dir: string, fromDay: Day, toDay: Day): ReadResult {
  const out: ReadResult = { records: [], warnings: [] };
  for (const day of listDays(dir)) {
    if (day < fromDay || day > toDay) continue;
    const r = readDay(dir, day);
    out.records.push(...r.records);
    out.warnings.push(...r.warnings);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Incremental tail of today's file with running totals.

export interface SpendCount {
  spentUsd: number;
  calls: number;
}

export interface TailTotals {
  day: Day;
  spentUsd: number;
  calls: number;
  byCommand: Record<string, SpendCount>;
  byModel: Record<string, SpendCount>;
  byTier: Record<string, SpendCount>;
  byOutcome: Partial<Record<Outcome, number>>;
}

export interface PollResult {
  /** Records of the tailed day read by this poll, in file order. */
  records: LedgerRecord[];
  warnings: string[];
  /** True when this poll switched to another day (totals restarted). */
  rolledOver: boolean;
}

interface MicroCount {
  micros: number;
  calls: number;
}

function bump(map: Map<string, MicroCount>, key: string, micros: number): void {
  const entry = map.get(key) ?? { micros: 0, calls: 0 };
  entry.micros += micros;
  entry.calls += 1;
  map.set(key, entry);
}

function toPlain(map: Map<string, MicroCount>): Record<string, SpendCount> {
  const out: Record<string, SpendCount> = {};
  for (const [k, v] of map) out[k] = { spentUsd: microsToUsd(v.micros), calls: v.calls };
  return out;
}

export interface LedgerTailOptions {
  dir: string;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Follows today's ledger file by byte offset: each poll reads only the bytes appended since the
 * last one. An unterminated last line is kept back until it is completed, or until it is clearly
 * torn (a later line follows it, or the day is over).
 */
export class LedgerTail {
  private readonly dir: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private currentDay: Day | undefined;
  private offsetBytes = 0;
  private fileIno: number | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private lineNo = 1;
  private totalMicros = 0;
  private totalCalls = 0;
  private readonly commands = new Map<string, MicroCount>();
  private readonly models = new Map<string, MicroCount>();
  private readonly tiers = new Map<string, MicroCount>();
  private readonly outcomes = new Map<Outcome, number>();
  /** Bytes read from disk over the tail's life (lets tests prove it never rereads). */
  bytesRead = 0;

  constructor(options: LedgerTailOptions) {
    this.dir = options.dir;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  get day(): Day | undefined {
    return this.currentDay;
  }

  /** Byte offset in the day's file up to which lines have been consumed or held as pending. */
  get offset(): number {
    return this.offsetBytes;
  }

  /** Reads what was appended since the last poll; `day` defaults to the clock's local day. */
  poll(day: Day = localDay(this.clock.now())): PollResult {
    const warnings: string[] = [];
    let rolledOver = false;
    if (this.currentDay !== day) {
      if (this.currentDay !== undefined) {
        this.finishDay(warnings);
        rolledOver = true;
      }
      this.reset(day);
    }
    const records = this.readNew(warnings);
    for (const w of warnings) this.logger.warn(`Tiered ledger: ${w}`);
    return { records, warnings, rolledOver };
  }

  /** Settled spend of the tailed day in micro-dollars, optionally for one command. */
  spentMicros(command?: string): number {
    return command === undefined ? this.totalMicros : (this.commands.get(command)?.micros ?? 0);
  }

  totals(): TailTotals {
    return {
      day: this.currentDay ?? localDay(this.clock.now()),
      spentUsd: microsToUsd(this.totalMicros),
      calls: this.totalCalls,
      byCommand: toPlain(this.commands),
      byModel: toPlain(this.models),
      byTier: toPlain(this.tiers),
      byOutcome: Object.fromEntries(this.outcomes),
    };
  }

  private reset(day: Day): void {
    this.currentDay = day;
    this.offsetBytes = 0;
    this.fileIno = undefined;
    this.pending = Buffer.alloc(0);
    this.lineNo = 1;
    this.totalMicros = 0;
    this.totalCalls = 0;
    this.commands.clear();
    this.models.clear();
    this.tiers.clear();
    this.outcomes.clear();
  }

  /** The old day is over: read its last bytes so a fragment left pending is judged, then drop it. */
  private finishDay(warnings: string[]): void {
    this.readNew(warnings);
    if (this.pending.length > 0 && this.pending.toString('utf8').trim() !== '') {
      warnings.push(`${ledgerFileName(this.currentDay!)} line ${this.lineNo}: torn last line skipped (day over)`);
    }
  }

  private readNew(warnings: string[]): LedgerRecord[] {
    const file = ledgerPath(this.dir, this.currentDay!);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (this.offsetBytes > 0) this.restart(warnings, 'was removed');
        return [];
      }
      throw err;
    }
    try {
      const stat = fs.fstatSync(fd);
      if (this.fileIno !== undefined && stat.ino !== this.fileIno) this.restart(warnings, 'was replaced');
      else if (stat.size < this.offsetBytes) this.restart(warnings, 'shrank');
      this.fileIno = stat.ino;
      const length = stat.size - this.offsetBytes;
      if (length <= 0) return [];
      const chunk = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = fs.readSync(fd, chunk, got, length - got, this.offsetBytes + got);
        if (n === 0) break;
        got += n;
      }
      this.bytesRead += got;
      this.offsetBytes += got;
      return this.consume(chunk.subarray(0, got), warnings);
    } finally {
      fs.closeSync(fd);
    }
  }

  private restart(warnings: string[], what: string): void {
    warnings.push(`${ledgerFileName(this.currentDay!)} ${what}; today's totals were recounted`);
    this.reset(this.currentDay!);
  }

  private consume(chunk: Buffer, warnings: string[]): LedgerRecord[] {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const lastNl = buf.lastIndexOf(NL);
    if (lastNl < 0) {
      this.pending = Buffer.from(buf);
      return [];
    }
    // Split on the '\n' byte: it never occurs inside a multi-byte UTF-8 sequence.
    const complete = buf.subarray(0, lastNl + 1).toString('utf8');
    this.pending = Buffer.from(buf.subarray(lastNl + 1));
    const { records, lines } = parseComplete(complete, ledgerFileName(this.currentDay!), this.lineNo, warnings);
    this.lineNo += lines;
    for (const r of records) this.add(r);
    return records;
  }

  private add(r: LedgerRecord): void {
    const micros = usdToMicros(r.costUsd);
    this.totalMicros += micros;
    this.totalCalls += 1;
    bump(this.commands, r.command, micros);
    bump(this.models, r.model, micros);
    bump(this.tiers, r.tier, micros);
    this.outcomes.set(r.outcome, (this.outcomes.get(r.outcome) ?? 0) + 1);
  }
}
