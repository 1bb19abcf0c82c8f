// A human typing a file: log-normal gaps between keys, pauses after line ends and after opening
// brackets, occasional hesitations, typos fixed with backspace. The editor's auto-indent types a
// new line's indentation with the newline.
import { logNormal, rng } from '../../test/support/random';

export interface Key {
  /** Milliseconds from the start of the segment. */
  at: number;
  /** Inserted text, or undefined for a backspace. */
  insert?: string;
}

export interface Segment {
  /** Where the typed text starts in the file (a line start). */
  start: number;
  /** The typed text: file.slice(start, start + text.length); the document continues with `after`. */
  text: string;
  /** What follows the cursor while typing (the rest of the file, after a newline). */
  after: string;
  keys: Key[];
  durationMs: number;
}

export interface TraceOptions {
  seed: number;
  /** Total keystrokes (typos and backspaces included), spread over segments of the file. */
  keys: number;
  keysPerSegment: number;
}

const WRONG = 'qwertyuiopasdfghjklzxcvbnm';

function gapAfter(next: () => number, prev: string): number {
  let gap = Math.min(2000, Math.max(35, logNormal(next, 135, 0.45)));
  const last = prev[prev.length - 1] ?? '';
  if (prev.includes('\n')) {
    if (next() < 0.85) gap += logNormal(next, 1100, 0.6);
  } else if ('([{'.includes(last)) {
    if (next() < 0.4) gap += logNormal(next, 350, 0.5);
  } else if (';,'.includes(last)) {
    if (next() < 0.3) gap += logNormal(next, 300, 0.5);
  } else if (next() < 0.015) {
    gap += logNormal(next, 800, 0.6);
  }
  return gap;
}

function typeSegment(file: string, start: number, budget: number, next: () => number): Segment {
  const keys: Key[] = [];
  let t = 0;
  let i = start;
  let prev = '\n';
  while (i < file.length) {
    const c = file[i]!;
    let insert = c;
    if (c === '\n') {
      const indent = /^[ \t]*/.exec(file.slice(i + 1, i + 200))![0];
      insert = '\n' + indent;
      // Stop at a line end once the budget is spent (never inside a line).
      if (keys.length >= budget || i + insert.length >= file.length) break;
    }
    t += gapAfter(next, prev);
    if (/[a-z]/i.test(c) && next() < 0.02) {
      keys.push({ at: t, insert: WRONG[Math.floor(next() * WRONG.length)] });
      t += Math.max(120, logNormal(next, 280, 0.3));
      keys.push({ at: t });
      t += Math.max(60, logNormal(next, 150, 0.4));
    }
    keys.push({ at: t, insert });
    prev = insert;
    i += insert.length;
  }
  const text = file.slice(start, i);
  return { start, text, after: file.slice(i), keys, durationMs: t + 1500 };
}

/** Segments spread evenly over the file, typed one after the other. */
export function makeTrace(file: string, opts: TraceOptions): Segment[] {
  const next = rng(opts.seed);
  const lineStarts = [0];
  for (let i = 0; i < file.length; i++) if (file[i] === '\n') lineStarts.push(i + 1);
  const count = Math.max(1, Math.round(opts.keys / opts.keysPerSegment));
  const segments: Segment[] = [];
  for (let s = 0; s < count; s++) {
    const line = Math.floor(((s + 0.5) / count) * (lineStarts.length - 1));
    // Start on a line with code (a blank line start would type nothing but a newline).
    let l = line;
    while (l < lineStarts.length - 1 && file.slice(lineStarts[l], lineStarts[l + 1]).trim() === '') l++;
    const indentEnd = lineStarts[l]! + /^[ \t]*/.exec(file.slice(lineStarts[l]!, lineStarts[l]! + 200))![0].length;
    segments.push(typeSegment(file, indentEnd, Math.round(opts.keys / count), next));
  }
  return segments;
}
