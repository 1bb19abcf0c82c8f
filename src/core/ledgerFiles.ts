// The ledger's files: one per local day, `ledger-YYYY-MM-DD.jsonl`, plus numbered siblings
// (`ledger-YYYY-MM-DD.2.jsonl`, …) that take the day's new records when its file cannot: a folder
// in its place, a file over MAX_DAY_FILE_BYTES, one we may not write. Readers take every file of a
// day in order, skip the ones they cannot use (the caller warns, naming the file), and read in
// bounded chunks, so no file can build a string over V8's 512 MiB limit and stop the budget.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Day } from './day';

/** A day file larger than this is not read nor appended to (a busy day writes ~10 MB). */
export const MAX_DAY_FILE_BYTES = 512 * 1024 * 1024;
/** A line longer than this is no record (one is under 2 KB): dropped instead of buffered. */
export const MAX_LINE_BYTES = 1024 * 1024;
const READ_CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 64;
const NL = 0x0a;

export const LEDGER_FILE_RE = /^ledger-(\d{4}-\d{2}-\d{2})(?:\.([1-9]\d*))?\.jsonl$/;

/** Part 1 is the day file; 2, 3, … its siblings. */
export function ledgerFileName(day: Day, part = 1): string {
  return part === 1 ? `ledger-${day}.jsonl` : `ledger-${day}.${part}.jsonl`;
}

export function ledgerPath(dir: string, day: Day, part = 1): string {
  return path.join(dir, ledgerFileName(day, part));
}

function parseName(name: string): { day: Day; part: number } | undefined {
  const m = LEDGER_FILE_RE.exec(name);
  if (!m) return undefined;
  const part = m[2] === undefined ? 1 : Number(m[2]);
  // 'ledger-D.1.jsonl' is not a name we write: it would read the day file twice.
  return part === 1 && m[2] !== undefined ? undefined : { day: m[1]!, part };
}

function readNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Parts of `day` present in `dir`, in order. */
export function dayFileParts(dir: string, day: Day): number[] {
  return readNames(dir)
    .map(parseName)
    .filter((p) => p?.day === day)
    .map((p) => p!.part)
    .sort((a, b) => a - b);
}

/** Days that have a ledger file, oldest first. */
export function ledgerDays(dir: string): Day[] {
  const days = new Set(readNames(dir).flatMap((n) => parseName(n)?.day ?? []));
  return [...days].sort();
}

const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;

/** Why a day file cannot be used, or undefined when it can. */
function unusable(stat: fs.Stats): string | undefined {
  if (stat.isDirectory()) return 'is a folder, not a ledger file';
  if (!stat.isFile()) return 'is not a regular file';
  if (stat.size > MAX_DAY_FILE_BYTES) {
    return `is ${mib(stat.size)}, over the ${mib(MAX_DAY_FILE_BYTES)} a day file may hold (its records are not counted)`;
  }
  return undefined;
}

/** The warning for a skipped day file: names it, why, and where the day's new records go. */
export function skippedWarning(day: Day, part: number, why: string): string {
  return `${ledgerFileName(day, part)} ${why}: skipped; new records of ${day} go to ${ledgerFileName(day, part + 1)} or the next free file`;
}

const CANNOT_OPEN = new Set(['EISDIR', 'EACCES', 'EPERM', 'ENOTDIR', 'ELOOP']);

/**
 * Appends `line` (without its '\n') with one O_APPEND write to the first file of `day` that can
 * take it. If that file does not end in '\n' (a writer crashed mid-line), the line is prefixed
 * with '\n' so the torn fragment stays a line of its own instead of swallowing this one.
 */
export function appendLine(dir: string, day: Day, line: string): { file: string; bytes: number } {
  fs.mkdirSync(dir, { recursive: true });
  let firstProblem: unknown;
  for (let part = 1; part <= MAX_PARTS; part++) {
    const file = ledgerPath(dir, day, part);
    let fd: number;
    try {
      fd = fs.openSync(file, 'a+');
    } catch (err) {
      if (!CANNOT_OPEN.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      firstProblem ??= err;
      continue;
    }
    try {
      const stat = fs.fstatSync(fd);
      if (unusable(stat) !== undefined) continue;
      let prefix = '';
      if (stat.size > 0) {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, stat.size - 1);
        if (last[0] !== NL) prefix = '\n';
      }
      const bytes = Buffer.from(`${prefix}${line}\n`, 'utf8');
      if (stat.size + bytes.length > MAX_DAY_FILE_BYTES) continue;
      const written = fs.writeSync(fd, bytes);
      if (written !== bytes.length) throw new Error(`Short ledger write (${written} of ${bytes.length} bytes)`);
      return { file, bytes: written };
    } finally {
      fs.closeSync(fd);
    }
  }
  throw new Error(`No ledger file of ${day} in ${dir} can take a record: ${String(firstProblem ?? 'all full')}`);
}

export type ReadOutcome =
  | { kind: 'read' }
  | { kind: 'missing' }
  /** The file cannot be used; `why` completes a sentence that starts with its name. */
  | { kind: 'skipped'; why: string }
  /** The file is not the one read so far (removed, replaced, shrank, grew too big): recount. */
  | { kind: 'changed'; what: string };

/**
 * Follows one day file by byte offset: each read takes only the bytes appended since the last,
 * in chunks, and hands complete lines to `onLines`; an unterminated last line is kept pending.
 */
export class DayFileReader {
  readonly name: string;
  private readonly file: string;
  offset = 0;
  bytesRead = 0;
  /** Number of the next line to be handed out. */
  lineNo = 1;
  private ino: number | undefined;
  private pending: Buffer = Buffer.alloc(0);
  /** Inside an over-long line: drop bytes up to the next '\n'. */
  private dropping = false;

  constructor(dir: string, day: Day, part: number) {
    this.name = ledgerFileName(day, part);
    this.file = path.join(dir, this.name);
  }

  /** The unterminated last line held back, if any. */
  get pendingText(): string {
    return this.pending.toString('utf8');
  }

  /** `onLines` gets text ending in '\n' and the number of its first line. */
  read(onLines: (text: string, firstLine: number) => void, warnings: string[]): ReadOutcome {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return this.offset > 0 ? { kind: 'changed', what: 'was removed' } : { kind: 'missing' };
      if (code === 'EISDIR') return { kind: 'skipped', why: 'is a folder, not a ledger file' };
      return { kind: 'skipped', why: `cannot be read (${code ?? String(err)})` };
    }
    try {
      const stat = fs.fstatSync(fd);
      const why = unusable(stat);
      if (why !== undefined) return this.offset > 0 ? { kind: 'changed', what: why } : { kind: 'skipped', why };
      if (this.ino !== undefined && stat.ino !== this.ino) return { kind: 'changed', what: 'was replaced' };
      if (stat.size < this.offset) return { kind: 'changed', what: 'shrank' };
      this.ino = stat.ino;
      const chunk = Buffer.alloc(Math.min(READ_CHUNK_BYTES, stat.size - this.offset));
      while (this.offset < stat.size) {
        const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, stat.size - this.offset), this.offset);
        if (n === 0) break;
        this.offset += n;
        this.bytesRead += n;
        this.consume(chunk.subarray(0, n), onLines, warnings);
      }
      return { kind: 'read' };
    } finally {
      fs.closeSync(fd);
    }
  }

  private consume(chunk: Buffer, onLines: (text: string, firstLine: number) => void, warnings: string[]): void {
    let buf = chunk;
    if (this.dropping) {
      const nl = buf.indexOf(NL);
      if (nl < 0) return;
      this.dropping = false;
      this.lineNo += 1;
      buf = buf.subarray(nl + 1);
    }
    if (this.pending.length > 0) buf = Buffer.concat([this.pending, buf]);
    // Split on the '\n' byte: it never occurs inside a multi-byte UTF-8 sequence.
    const lastNl = buf.lastIndexOf(NL);
    if (lastNl >= 0) {
      const complete = buf.subarray(0, lastNl + 1);
      const first = this.lineNo;
      for (let i = complete.indexOf(NL); i >= 0; i = complete.indexOf(NL, i + 1)) this.lineNo++;
      onLines(complete.toString('utf8'), first);
    }
    const rest = buf.subarray(lastNl + 1);
    this.pending = Buffer.alloc(0);
    if (rest.length > MAX_LINE_BYTES) {
      warnings.push(`${this.name} line ${this.lineNo}: longer than ${mib(MAX_LINE_BYTES)}, no record; skipped`);
      this.dropping = true;
    } else if (rest.length > 0) {
      this.pending = Buffer.from(rest);
    }
  }
}
