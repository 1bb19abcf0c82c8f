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

/** Every identifier occurrence with its offset (for "used at or before the cursor"). */
export function lastUse(text: string, symbol: string): number {
  let at = -1;
  for (const m of text.matchAll(IDENT)) if (m[0] === symbol) at = m.index;
  return at;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) both++;
  return both / (a.size + b.size - both);
}

/** The last `lines` lines before the cursor: what the snippets are compared with. */
export function cursorContext(prefix: string, lines = CURSOR_CONTEXT_LINES): string {
  let at = prefix.length;
  for (let i = 0; i < lines && at > 0; i++) at = prefix.lastIndexOf('\n', at - 1);
  return prefix.slice(Math.max(0, at + 1));
}

export interface WindowMatch {
  /** 0-based first line of the window. */
  line: number;
  /** Number of lines in the window. */
  lines: number;
  score: number;
}

// Per-line identifier lists of files seen recently: the same open files come back on every request.
const MEMO_FILES = 32;
const memo = new Map<string, { text: string; lines: string[][] }>();

function lineIdentifiers(path: string, text: string): string[][] {
  const hit = memo.get(path);
  if (hit && hit.text === text) return hit.lines;
  const lines = text.split('\n').map((l) => [...identifiers(l)]);
  memo.delete(path);
  memo.set(path, { text, lines });
  if (memo.size > MEMO_FILES) memo.delete(memo.keys().next().value!);
  return lines;
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
  const lines = lineIdentifiers(path, text);
  const n = Math.min(windowLines, lines.length);
  if (n === 0) return undefined;
  const counts = new Map<string, number>();
  let shared = 0;
  const add = (ids: string[]): void => {
    for (const id of ids) {
      const c = counts.get(id) ?? 0;
      counts.set(id, c + 1);
      if (c === 0 && target.has(id)) shared++;
    }
  };
  const remove = (ids: string[]): void => {
    for (const id of ids) {
      const c = counts.get(id)!;
      if (c === 1) {
        counts.delete(id);
        if (target.has(id)) shared--;
      } else counts.set(id, c - 1);
    }
  };
  for (let i = 0; i < n; i++) add(lines[i]!);
  const score = (): number => (counts.size ? shared / (counts.size + target.size - shared) : 0);
  let best: WindowMatch = { line: 0, lines: n, score: score() };
  for (let start = 1; start + n <= lines.length; start++) {
    remove(lines[start - 1]!);
    add(lines[start + n - 1]!);
    const s = score();
    if (s > best.score) best = { line: start, lines: n, score: s };
  }
  return best.score > 0 ? best : undefined;
}
