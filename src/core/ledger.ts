// The ledger: append-only JSON Lines, one file per local day (plus numbered siblings when that
// file cannot be used, see ledgerFiles.ts), shared by every window on the machine. One record per call, written with one O_APPEND write so concurrent appenders never
// interleave. Readers skip torn or invalid lines with a warning: a crash must never break the
// status bar or the budget.
import { z } from 'zod';
import { dayOfIso, isoTimestampMs, localDay, type Day } from './day';
import { appendLine, DayFileReader, dayFileParts, ledgerDays, skippedWarning } from './ledgerFiles';
import { silentLogger, systemClock, type Clock, type LedgerRecord, type Logger, type Outcome } from './types';

const count = z.number().int().nonnegative();
const money = z.number().finite().nonnegative();

/**
 * No single call costs this much (the priciest models bill a few dollars for a full context); an
 * amount above it is corrupt. Readers skip such a line with a warning instead of letting one bad
 * line (1e300) turn the day's spend into Infinity and refuse every call until midnight.
 */
export const MAX_CALL_USD = 10_000;
const callMoney = money.max(
  MAX_CALL_USD,
  `above the $${MAX_CALL_USD.toLocaleString('en-US')} one call can cost (corrupt)`,
);

export const ledgerRecordSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1),
  ts: z.iso.datetime({ offset: true }).refine((ts) => isoTimestampMs(ts) !== undefined, 'not a real date and time'),
  window: z.string(),
  command: z.string().min(1),
  tier: z.string(),
  provider: z.string(),
  model: z.string(),
  inputTokens: count,
  cachedInputTokens: count,
  outputTokens: count,
  reasoningTokens: count,
  costUsd: callMoney,
  costSource: z.enum(['override', 'server', 'bundled', 'local', 'unknown']),
  estimateUsd: money,
  latencyMs: z.number().finite().nonnegative(),
  ttftMs: z.number().finite().nonnegative().nullable(),
  outcome: z.enum(['ok', 'cancelled', 'error', 'refused', 'escalated']),
  reason: z.string().optional(),
  served: z.string().optional(),
  overUsd: callMoney.optional(),
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

export { LEDGER_FILE_RE, ledgerFileName, ledgerPath, MAX_DAY_FILE_BYTES } from './ledgerFiles';

/**
 * Appends one record as one line with a single O_APPEND write. The file is chosen by `day`
 * (default: the local day of record.ts): the day's file, or a sibling when that one cannot take
 * it (see ledgerFiles.ts). Returns the number of bytes written.
 */
export function appendRecord(dir: string, record: LedgerRecord, day?: Day): number {
  const parsed = ledgerRecordSchema.safeParse(record);
  if (!parsed.success) {
    throw new Error(`Refusing to write an invalid ledger record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const fileDay = day ?? dayOfIso(record.ts) ?? localDay();
  return appendLine(dir, fileDay, JSON.stringify(parsed.data)).bytes;
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

const COST_SOURCES: ReadonlySet<unknown> = new Set(ledgerRecordSchema.shape.costSource.options);
const OUTCOMES: ReadonlySet<unknown> = new Set(ledgerRecordSchema.shape.outcome.options);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isCallAmount = (v: unknown): v is number => isAmount(v) && v <= MAX_CALL_USD;

/**
 * The common case without zod (a 90-day panel load reads ~450k lines): accepts only what the
 * schema accepts (the same timestamp check, the same bounds); anything else goes through the
 * schema for its message.
 */
function fastRecord(json: unknown): LedgerRecord | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const r = json as Record<string, unknown>;
  const ok =
    r.v === 1 &&
    typeof r.id === 'string' &&
    r.id.length > 0 &&
    typeof r.ts === 'string' &&
    isoTimestampMs(r.ts) !== undefined &&
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
    isCallAmount(r.costUsd) &&
    COST_SOURCES.has(r.costSource) &&
    isAmount(r.estimateUsd) &&
    isAmount(r.latencyMs) &&
    (r.ttftMs === null || isAmount(r.ttftMs)) &&
    OUTCOMES.has(r.outcome) &&
    (r.reason === undefined || typeof r.reason === 'string') &&
    (r.served === undefined || typeof r.served === 'string') &&
    (r.overUsd === undefined || isCallAmount(r.overUsd));
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
  if (r.overUsd !== undefined) record.overUsd = r.overUsd as number;
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

/** Parses complete lines (text ending in '\n'), numbered from `firstLine`. */
function parseLines(text: string, file: string, firstLine: number, warnings: string[], out: LedgerRecord[]): void {
  const parts = text.split('\n');
  parts.pop();
  parts.forEach((line, i) => {
    const record = parseLine(line, `${file} line ${firstLine + i}`, warnings);
    if (record) out.push(record);
  });
}

/** All valid records of one day (its file and siblings); a missing file is an empty day. */
export function readDay(dir: string, day: Day): ReadResult {
  const records: LedgerRecord[] = [];
  const warnings: string[] = [];
  for (const part of dayFileParts(dir, day)) {
    const reader = new DayFileReader(dir, day, part);
    const outcome = reader.read((text, first) => parseLines(text, reader.name, first, warnings, records), warnings);
    if (outcome.kind === 'skipped' || outcome.kind === 'changed') {
      const why = outcome.kind === 'skipped' ? outcome.why : outcome.what;
      warnings.push(skippedWarning(day, part, why));
      continue;
    }
    const rest = reader.pendingText;
    if (rest.trim() !== '') {
      // Unterminated last line: torn by a crash (or, rarely, still being written); never counted.
      const record = parseLine(rest, '', []);
      warnings.push(`${reader.name} line ${reader.lineNo}: ${record ? 'unterminated' : 'torn'} last line skipped`);
    }
  }
  return { records, warnings };
}

/** Days that have a ledger file, oldest first. */
export function listDays(dir: string): Day[] {
  return ledgerDays(dir);
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
 * Follows today's ledger files (the day file and its siblings) by byte offset: each poll reads only
 * the bytes appended since the last one. An unterminated last line is kept back until it is
 * completed, or until it is clearly torn (a later line follows it, or the day is over). A file
 * that cannot be read is skipped with one warning per day.
 */
export class LedgerTail {
  private readonly dir: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private currentDay: Day | undefined;
  private readers = new Map<number, DayFileReader>();
  /** Skip warnings already given for the current day. */
  private readonly warned = new Set<string>();
  private totalMicros = 0;
  private totalCalls = 0;
  private readonly commands = new Map<string, MicroCount>();
  private readonly models = new Map<string, MicroCount>();
  private readonly tiers = new Map<string, MicroCount>();
  private readonly outcomes = new Map<Outcome, number>();
  /** Bytes read by readers dropped at a restart or a new day. */
  private retiredBytes = 0;

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
    return this.readers.get(1)?.offset ?? 0;
  }

  /** Bytes read from disk over the tail's life (lets tests prove it never rereads). */
  get bytesRead(): number {
    let n = this.retiredBytes;
    for (const r of this.readers.values()) n += r.bytesRead;
    return n;
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
      this.warned.clear();
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
    for (const r of this.readers.values()) this.retiredBytes += r.bytesRead;
    this.readers = new Map();
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
    for (const reader of this.readers.values()) {
      if (reader.pendingText.trim() !== '') {
        warnings.push(`${reader.name} line ${reader.lineNo}: torn last line skipped (day over)`);
      }
    }
  }

  /**
   * One pass over the day's files. If a file read before changed under us, every total restarts
   * and the files are read again from the start (once per poll; a second change waits for the next).
   */
  private readNew(warnings: string[]): LedgerRecord[] {
    const day = this.currentDay!;
    for (let pass = 0; pass < 2; pass++) {
      const records: LedgerRecord[] = [];
      let changed: string | undefined;
      const parts = new Set([...this.readers.keys(), ...dayFileParts(this.dir, day)]);
      for (const part of [...parts].sort((a, b) => a - b)) {
        let reader = this.readers.get(part);
        if (!reader) this.readers.set(part, (reader = new DayFileReader(this.dir, day, part)));
        const r = reader;
        const outcome = r.read((text, first) => parseLines(text, r.name, first, warnings, records), warnings);
        if (outcome.kind === 'changed') {
          changed = `${r.name} ${outcome.what}`;
          break;
        }
        if (outcome.kind === 'skipped') {
          const warning = skippedWarning(day, part, outcome.why);
          if (!this.warned.has(warning)) warnings.push(warning);
          this.warned.add(warning);
        }
      }
      if (changed === undefined) {
        for (const record of records) this.add(record);
        return records;
      }
      warnings.push(`${changed}; today's totals were recounted`);
      this.reset(day);
    }
    return [];
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
