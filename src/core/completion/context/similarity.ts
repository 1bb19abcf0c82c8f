// Ranks windows of other files by how alike their identifiers are to the code before the cursor,
// the way GitHub Copilot picks "similar files" snippets: Jaccard similarity of identifier sets,
// a fixed-size line window sliding one line at a time, the best window per file.
// Copilot: windows of 60 lines, at most 4 snippets, 1 per file, 20 files
// (https://github.com/microsoft/vscode-copilot-chat, src/extension/inlineCompletionPrompt/node/
// snippetInclusion/similarFiles.ts DEFAULT_SNIPPET_WINDOW_SIZE etc., jaccardMatching.ts computeScore).
// Continue ranks recent files the same way (core/autocomplete/slidingWindow.ts, jaccardSimilarity).

/** Lines of a snippet window (Copilot's DEFAULT_SNIPPET_WINDOW_SIZE). */
export const SNIPPET_WINDOW_LINES = 60;
/** Lines before the cursor compared against the windows. */
export const CURSOR_CONTEXT_LINES = 20;

// Keywords and short words say nothing about what a piece of code is about.
const STOP = new Set(
  (
    'if else for while do return function const let var new this true false null undefined void ' +
    'import export from as class extends implements interface type public private protected static ' +
    'async await try catch finally throw break continue switch case default in of and or not def ' +
    'self none pass lambda elif with yield struct enum fn pub mut use impl match string number boolean ' +
    'int float bool char'
  ).split(' '),
);

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** The identifiers of `text` worth comparing (no keywords, at least 2 characters). */
export function identifiers(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(IDENT)) {
    const id = m[0];
    if (id.length >= 2 && !STOP.has(id)) out.add(id);
  }
  return out;
}

const IDENT_CHAR = /[A-Za-z0-9_$]/;

/** Offset of the last whole-identifier use of `symbol` in `text`, or -1. */
export function lastUse(text: string, symbol: string): number {
  if (!symbol) return -1;
  for (let at = text.lastIndexOf(symbol); at >= 0; at = at > 0 ? text.lastIndexOf(symbol, at - 1) : -1) {
    const before = at > 0 ? text[at - 1]! : ' ';
    const after = text[at + symbol.length] ?? ' ';
    if (!IDENT_CHAR.test(before) && !IDENT_CHAR.test(after)) return at;
  }
  return -1;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) both++;
  return both / (a.size + b.size - both);
}

/**
 * The last `lines` lines before the cursor: what the snippets are compared with. A word being typed
 * at the cursor is left out (a fragment matches nothing, and the ranking then holds while typing it).
 */
export function cursorContext(prefix: string, lines = CURSOR_CONTEXT_LINES): string {
  let at = prefix.length;
  for (let i = 0; i < lines && at > 0; i++) at = prefix.lastIndexOf('\n', at - 1);
  return prefix.slice(Math.max(0, at + 1)).replace(/[A-Za-z0-9_$]+$/, '');
}

export interface WindowMatch {
  /** 0-based first line of the window. */
  line: number;
  /** Number of lines in the window. */
  lines: number;
  score: number;
  /** The window's text. */
  text: string;
}

// Identifiers are interned to small integers so the sliding window counts in typed arrays (no
// string hashing per step): the engine runs this on every request, over up to 20 open files.
const MAX_INTERNED = 400_000;
const interned = new Map<string, number>();
let counts = new Int32Array(4096);
let inTarget = new Uint8Array(4096);

function idOf(s: string): number {
  let v = interned.get(s);
  if (v === undefined) {
    v = interned.size;
    interned.set(s, v);
  }
  return v;
}

// Per-line identifier ids of files seen recently: the same open files come back on every request.
const MEMO_FILES = 32;
interface FileIds {
  text: string;
  lines: Int32Array[];
  /** Offset of each line's start, and the text's length at the end. */
  starts: number[];
  /** The last target this file was ranked against, and the answer (the target rarely changes). */
  last?: { target: string; windowLines: number; match: WindowMatch | undefined };
}
const memo = new Map<string, FileIds>();

function lineIds(path: string, text: string): FileIds {
  if (interned.size > MAX_INTERNED) {
    interned.clear();
    memo.clear();
  }
  const hit = memo.get(path);
  if (hit && hit.text === text) return hit;
  const split = text.split('\n');
  const starts: number[] = [];
  let at = 0;
  for (const l of split) {
    starts.push(at);
    at += l.length + 1;
  }
  starts.push(text.length + 1);
  const entry = { text, lines: split.map((l) => Int32Array.from(identifiers(l), idOf)), starts };
  memo.delete(path);
  memo.set(path, entry);
  if (memo.size > MEMO_FILES) memo.delete(memo.keys().next().value!);
  return entry;
}

function ensureCapacity(n: number): void {
  if (n <= counts.length) return;
  let size = counts.length;
  while (size < n) size *= 2;
  const c = new Int32Array(size);
  c.set(counts);
  counts = c;
  const t = new Uint8Array(size);
  t.set(inTarget);
  inTarget = t;
}

const signatures = new WeakMap<ReadonlySet<string>, string>();

/** A target set's identity by content, computed once per set (the same set ranks every file). */
function signatureOf(target: ReadonlySet<string>): string {
  let sig = signatures.get(target);
  if (sig === undefined) {
    sig = [...target].sort().join(' ');
    signatures.set(target, sig);
  }
  return sig;
}

const MEMO_TEXTS = 128;
const identifierMemo = new Map<string, Set<string>>();

/** identifiers() of texts that come back on every request (kept snippets), remembered. */
export function identifiersOf(text: string): Set<string> {
  let ids = identifierMemo.get(text);
  if (!ids) {
    ids = identifiers(text);
    identifierMemo.set(text, ids);
    if (identifierMemo.size > MEMO_TEXTS) identifierMemo.delete(identifierMemo.keys().next().value!);
  }
  return ids;
}

/**
 * The window of `text` most similar to `target` (ties: the earliest). Slides one line at a time,
 * keeping identifier counts of the window so each step costs only the lines entering and leaving.
 */
export function bestWindow(
  path: string,
  text: string,
  target: ReadonlySet<string>,
  windowLines = SNIPPET_WINDOW_LINES,
): WindowMatch | undefined {
  if (target.size === 0) return undefined;
  const file = lineIds(path, text);
  const signature = signatureOf(target);
  if (file.last && file.last.target === signature && file.last.windowLines === windowLines) return file.last.match;
  const match = slide(file, target, windowLines);
  file.last = { target: signature, windowLines, match };
  return match;
}

function slide(file: FileIds, target: ReadonlySet<string>, windowLines: number): WindowMatch | undefined {
  const { lines, text } = file;
  const n = Math.min(windowLines, lines.length);
  if (n === 0) return undefined;
  const targetIds = Array.from(target, idOf);
  ensureCapacity(interned.size);
  for (const id of targetIds) inTarget[id] = 1;
  let distinct = 0;
  let shared = 0;
  const add = (ids: Int32Array): void => {
    for (const id of ids) {
      if (counts[id]++ === 0) {
        distinct++;
        shared += inTarget[id]!;
      }
    }
  };
  const remove = (ids: Int32Array): void => {
    for (const id of ids) {
      if (--counts[id]! === 0) {
        distinct--;
        shared -= inTarget[id]!;
      }
    }
  };
  const score = (): number => (distinct ? shared / (distinct + target.size - shared) : 0);
  for (let i = 0; i < n; i++) add(lines[i]!);
  let bestLine = 0;
  let bestScore = score();
  let start = 1;
  for (; start + n <= lines.length; start++) {
    remove(lines[start - 1]!);
    add(lines[start + n - 1]!);
    const s = score();
    if (s > bestScore) {
      bestScore = s;
      bestLine = start;
    }
  }
  // Leave the shared arrays zeroed for the next file.
  for (let i = start - 1; i < start - 1 + n; i++) for (const id of lines[i]!) counts[id] = 0;
  for (const id of targetIds) inTarget[id] = 0;
  if (bestScore <= 0) return undefined;
  const windowText = text.slice(file.starts[bestLine]!, file.starts[bestLine + n]! - 1);
  return { line: bestLine, lines: n, score: bestScore, text: windowText };
}
