// A human typing a file: log-normal gaps between keys, pauses after line ends and after opening
// brackets, occasional hesitations, typos fixed with backspace. The editor's auto-indent types a
// new line's indentation with the newline.
import { hash, logNormal, rng } from '../../test/support/random';

export interface Key {
  /** Milliseconds from the start of the segment. */
  at: number;
  /** Inserted text, or undefined for a backspace (or a cursor move). */
  insert?: string;
  /** Text the editor inserts after the cursor with `insert` (an auto-closed pair: autoClose.ts). */
  close?: string;
  /** Characters after the cursor that `insert` replaces (typing over a closer the editor wrote). */
  over?: number;
  /** No text typed: the cursor moves this many characters right (past a closer the editor wrote). */
  move?: number;
}

export interface Segment {
  /** Where the typed text starts in the file (a line's first character; for an edit, inside a line). */
  start: number;
  /** The typed text: file.slice(start, start + text.length); the document continues with `after`. */
  text: string;
  /**
   * What follows the cursor while typing: the rest of the file, after a newline; for an edit, the
   * rest of the edited line and of the file (file.slice(start + text.length)).
   */
  after: string;
  keys: Key[];
  durationMs: number;
  /** An edit inside an existing line: the span was deleted and is typed back. */
  edit?: true;
}

export interface TraceOptions {
  seed: number;
  /** Total keystrokes (typos and backspaces included), spread over segments of the file. */
  keys: number;
  keysPerSegment: number;
  /**
   * Share of the keys (0..1) spent on edits inside existing lines (one span per segment); the
   * rest types new code at line ends as before. 0 (the default) is the original trace, key for key.
   */
  editShare?: number;
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

/** One key after `prev` at time `t` (a typo fixed with backspace first, now and then); returns the new time. */
function press(keys: Key[], t: number, c: string, insert: string, prev: string, next: () => number): number {
  t += gapAfter(next, prev);
  if (/[a-z]/i.test(c) && next() < 0.02) {
    keys.push({ at: t, insert: WRONG[Math.floor(next() * WRONG.length)] });
    t += Math.max(120, logNormal(next, 280, 0.3));
    keys.push({ at: t });
    t += Math.max(60, logNormal(next, 150, 0.4));
  }
  keys.push({ at: t, insert });
  return t;
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
    t = press(keys, t, c, insert, prev, next);
    prev = insert;
    i += insert.length;
  }
  const text = file.slice(start, i);
  return { start, text, after: file.slice(i), keys, durationMs: t + 1500 };
}

/**
 * Nothing but closers (and one trailing `:{;,`) after the cursor on its line: the mid-line places
 * where Copilot still asks (isValidMiddleOfTheLinePosition in
 * https://github.com/microsoft/vscode-copilot-chat/blob/main/src/extension/completions-core/vscode-node/lib/src/ghostText/ghostText.ts).
 * Kept here, not imported from the gate, so that the trace does not move when the gate does.
 */
const CLOSERS_AFTER = /^\s*[)>}\]"'`]*\s*[:{;,]?\s*$/;
/** Share of edits that end before closers only (`foo(|);`); the rest have real code after them. */
const CLOSERS_SHARE = 0.3;
const MIN_SPAN = 3;
const MAX_SPAN = 40;
/** How far past its spot an edit looks for a line with a span of the kind it wants. */
const NEAR_LINES = 12;

interface Span {
  start: number;
  end: number;
  closersAfter: boolean;
}

/** The index of the bracket closing the one at `open` on the same line, or -1 (strings skipped). */
function closing(line: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let quote = '';
  for (let i = open; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/**
 * Spans of one line a person would retype: the arguments or condition inside `(...)`, the right
 * side after `= ` (whole, or its first name), a name in the middle of the line. Each starts at a
 * token boundary, holds no surrounding blank and is 3–40 characters long. Comment lines have none.
 */
export function lineSpans(file: string, lineStart: number, lineEnd: number): Span[] {
  const line = file.slice(lineStart, lineEnd);
  const code = line.trim();
  // Comments and import lists are not where code gets edited in place.
  if (!code || /^(\/\/|\/\*|\*|import\b|\} from\b)/.test(code) || line.length > 200) return [];
  const indent = line.length - line.trimStart().length;
  const inString = stringMask(line);
  const found = new Map<string, Span>();
  const add = (a: number, b: number): void => {
    const text = line.slice(a, b);
    if (text.length < MIN_SPAN || text.length > MAX_SPAN || text.trim() !== text || a <= indent) return;
    if (inString[a]) return; // inside a string: prose, not code
    // A span that opens a string or a bracket it does not close would not be retyped alone.
    if (closingBalance(text) !== 0) return;
    const closersAfter = CLOSERS_AFTER.test(line.slice(b));
    found.set(`${a}:${b}`, { start: lineStart + a, end: lineStart + b, closersAfter });
  };
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '(') continue;
    const close = closing(line, i);
    if (close > i + 1) add(i + 1, close);
  }
  for (const m of line.matchAll(/[^=!<>]=\s+(?=\S)/g)) {
    const from = m.index + m[0].length;
    const end = line.slice(from).replace(/[\s;,{]*$/, '').length + from;
    add(from, end);
    const name = /^[\w$.]+/.exec(line.slice(from))?.[0];
    if (name) add(from, from + name.length);
  }
  for (const m of line.matchAll(/[A-Za-z_$][\w$]{2,}/g)) {
    const before = line[m.index - 1] ?? '';
    if (!/[\s.(![]/.test(before) || m.index <= indent || KEYWORDS.has(m[0])) continue;
    add(m.index, m.index + m[0].length);
  }
  return [...found.values()];
}

/** Names nobody retypes in place (declaration keywords, not the code they declare). */
const KEYWORDS = new Set(
  (
    'async await break case catch class const continue default delete do else enum export extends ' +
    'for from function get if implements import in instanceof interface let new of private protected ' +
    'public readonly return set static switch this throw try type typeof var void while yield'
  ).split(' '),
);

/** For each index of the line: inside a string literal (its quotes included). */
function stringMask(line: string): boolean[] {
  const mask: boolean[] = [];
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      mask[i] = true;
      if (c === '\\') mask[++i] = true;
      else if (c === quote) quote = '';
    } else {
      if (c === '"' || c === "'" || c === '`') quote = c;
      mask[i] = quote !== '';
    }
  }
  return mask;
}

/** Openers minus closers and an odd quote count (a span must keep brackets and strings whole). */
function closingBalance(text: string): number {
  let depth = 0;
  for (const c of text) {
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    if (depth < 0) return depth;
  }
  const quotes = [...text].filter((c) => c === '"' || c === "'" || c === '`').length;
  return depth + (quotes % 2);
}

/** The span typed back after deleting it, with the rest of the line (and file) after the cursor. */
function typeSpan(file: string, span: Span, next: () => number): Segment {
  const keys: Key[] = [];
  let t = 0;
  // The first key follows moving the cursor and deleting: a pause, as after a line end.
  let prev = '\n';
  for (let i = span.start; i < span.end; i++) {
    const c = file[i]!;
    t = press(keys, t, c, c, prev, next);
    prev = c;
  }
  const text = file.slice(span.start, span.end);
  return { start: span.start, text, after: file.slice(span.end), keys, durationMs: t + 1500, edit: true };
}

/**
 * Edit segments for about `budget` keys, spread over the file: one span each, on its own line,
 * a share of them before closers only. Deterministic for `seed`.
 */
function editSegments(file: string, lineStarts: number[], budget: number, seed: number): Segment[] {
  const lines = lineStarts.length;
  const spans: Span[][] = [];
  for (let l = 0; l < lines; l++) {
    const end = l + 1 < lines ? lineStarts[l + 1]! - 1 : file.length;
    spans.push(lineSpans(file, lineStarts[l]!, end));
  }
  const all = spans.flat();
  if (!all.length || budget <= 0) return [];
  const mean = all.reduce((n, s) => n + s.end - s.start, 0) / all.length;
  const count = Math.max(1, Math.round(budget / mean));
  // Its own stream: the typed segments' keys stay those of the same seed without edits.
  const next = rng(hash('edits', seed));
  const used = new Set<number>();
  const out: Segment[] = [];
  let keys = 0;
  for (let k = 0; k < count && keys < budget; k++) {
    const target = Math.floor(((k + next()) / count) * lines);
    const wantClosers = next() < CLOSERS_SHARE;
    // The first free line from the target with a span of the wanted kind (a few lines on), else any span.
    const free = (c: number, kind?: boolean): boolean =>
      !used.has(c) && spans[c]!.some((s) => kind === undefined || s.closersAfter === kind);
    let l = -1;
    for (let d = 0; d < NEAR_LINES && l < 0; d++) if (free((target + d) % lines, wantClosers)) l = (target + d) % lines;
    for (let d = 0; d < lines && l < 0; d++) if (free((target + d) % lines)) l = (target + d) % lines;
    if (l < 0) break;
    used.add(l);
    const preferred = spans[l]!.filter((s) => s.closersAfter === wantClosers);
    const pool = preferred.length ? preferred : spans[l]!;
    const seg = typeSpan(file, pool[Math.floor(next() * pool.length)]!, next);
    keys += seg.keys.length;
    out.push(seg);
  }
  return out;
}

/**
 * Segments spread evenly over the file, typed one after the other. With `editShare`, that share of
 * the keys goes to edits inside existing lines, interleaved with the typed segments by position.
 */
export function makeTrace(file: string, opts: TraceOptions): Segment[] {
  const next = rng(opts.seed);
  const lineStarts = [0];
  for (let i = 0; i < file.length; i++) if (file[i] === '\n') lineStarts.push(i + 1);
  const share = Math.min(1, Math.max(0, opts.editShare ?? 0));
  const typedKeys = opts.keys * (1 - share);
  const count = share >= 1 ? 0 : Math.max(1, Math.round(typedKeys / opts.keysPerSegment));
  const segments: Segment[] = [];
  for (let s = 0; s < count; s++) {
    const line = Math.floor(((s + 0.5) / count) * (lineStarts.length - 1));
    // Start on a line with code (a blank line start would type nothing but a newline).
    let l = line;
    while (l < lineStarts.length - 1 && file.slice(lineStarts[l], lineStarts[l + 1]).trim() === '') l++;
    const indentEnd = lineStarts[l]! + /^[ \t]*/.exec(file.slice(lineStarts[l]!, lineStarts[l]! + 200))![0].length;
    segments.push(typeSegment(file, indentEnd, Math.round(typedKeys / count), next));
  }
  if (share === 0) return segments;
  const edits = editSegments(file, lineStarts, opts.keys * share, opts.seed);
  // Down the file, as a person works through it (a stable sort keeps ties in order).
  return [...segments, ...edits].sort((a, b) => a.start - b.start);
}
