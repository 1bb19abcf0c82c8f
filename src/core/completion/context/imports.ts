// The names a file imports, with where each stands in its import statement (pure: the VS Code
// gatherer asks the definition provider at that place). Continue's ImportDefinitionsService does
// the same with tree-sitter queries: it resolves each imported name once per file and caches the
// answer (https://github.com/continuedev/continue/blob/main/core/autocomplete/context/ImportDefinitionsService.ts).
// The definitions of what a file imports are what its next lines call, and they hold for the whole
// editing session of the file.

export interface ImportedName {
  /** The name as the file uses it (`c` in `import { b as c }`). */
  local: string;
  /** The name at `line`/`column` (`b` in `import { b as c }`): where to ask for its definition. */
  name: string;
  /** The module specifier as written ('./x', 'pkg', '.models'). */
  module: string;
  /** 0-based line and column of `name`. */
  line: number;
  column: number;
}

/** Characters of the file scanned for imports (they sit at its top; a huge file costs no more). */
export const IMPORT_SCAN_CHARS = 64_000;
/** Names kept per file, first first (a file importing hundreds of names gets its first ones). */
export const MAX_IMPORTED_NAMES = 40;

const TS_LIKE = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'vue', 'svelte']);

// `import [type] CLAUSE from 'module'` at a line start; CLAUSE: a default name, `* as ns`, `{ a, b as c }`.
const TS_IMPORT = /^[ \t]*import\s+(?:type\s+)?([\w$\s{},*]+?)\s*from\s*(['"])([^'"\n]+)\2/gm;
// `from module import a, b as c` or `from module import (a,\n b)`.
const PY_IMPORT = /^[ \t]*from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n#;]*)/gm;
const NAME = /^[A-Za-z_$][\w$]*$/;

/** The imported names of `text` (a file of `languageId`), in file order, one per local name. */
export function parseImports(text: string, languageId: string): ImportedName[] {
  const head = text.slice(0, IMPORT_SCAN_CHARS);
  const found: { local: string; name: string; module: string; offset: number }[] = [];
  if (TS_LIKE.has(languageId)) {
    for (const m of head.matchAll(TS_IMPORT)) {
      const clause = m[1]!;
      const at = m.index + m[0].indexOf(clause, m[0].indexOf('import') + 6);
      for (const n of clauseNames(clause)) found.push({ ...n, module: m[3]!, offset: at + n.offset });
    }
  } else if (languageId === 'python') {
    for (const m of head.matchAll(PY_IMPORT)) {
      const at = m.index + m[0].length - m[2]!.length;
      // Comments inside parentheses blanked with spaces (offsets stay put).
      const list = m[2]!.replace(/#[^\n]*/g, (c) => ' '.repeat(c.length));
      for (const n of listNames(list, /\s+as\s+/)) found.push({ ...n, module: m[1]!, offset: at + n.offset });
    }
  }
  const starts = lineStarts(head);
  const seen = new Set<string>();
  const out: ImportedName[] = [];
  for (const f of found.sort((a, b) => a.offset - b.offset)) {
    if (seen.has(f.local) || out.length >= MAX_IMPORTED_NAMES) continue;
    seen.add(f.local);
    const line = lineOf(starts, f.offset);
    out.push({ local: f.local, name: f.name, module: f.module, line, column: f.offset - starts[line]! });
  }
  return out;
}

interface Found {
  local: string;
  name: string;
  /** Offset of `name` in the text it was found in. */
  offset: number;
}

/** Names of a TS/JS import clause: `x`, `x, { a, b as c }`, `{ type A }`; `* as ns` is a module, not a name. */
function clauseNames(clause: string): Found[] {
  const brace = clause.indexOf('{');
  const out: Found[] = [];
  const head = brace < 0 ? clause : clause.slice(0, brace);
  const def = /^\s*([A-Za-z_$][\w$]*)\s*(?:,|$)/.exec(head);
  if (def && def[1] !== 'type') out.push({ local: def[1]!, name: def[1]!, offset: def[0].indexOf(def[1]!) });
  if (brace >= 0) {
    const end = clause.indexOf('}', brace);
    const inner = clause.slice(brace + 1, end < 0 ? undefined : end);
    for (const n of listNames(inner, /\s+as\s+/, /^type\s+/)) out.push({ ...n, offset: brace + 1 + n.offset });
  }
  return out;
}

/** `a, b as c` (optionally in parentheses): each name with its offset in `list`. */
function listNames(list: string, alias: RegExp, modifier?: RegExp): Found[] {
  const out: Found[] = [];
  let offset = 0;
  for (const raw of list.split(',')) {
    const start = offset;
    offset += raw.length + 1;
    let part = raw.replace(/[()\\]/g, ' ');
    let lead = part.length - part.trimStart().length;
    part = part.trim();
    const mod = modifier?.exec(part);
    if (mod) {
      lead += mod[0].length;
      part = part.slice(mod[0].length);
    }
    const [name, local = name] = part.split(alias).map((s) => s.trim());
    if (!name || !local || !NAME.test(name) || !NAME.test(local)) continue;
    out.push({ local, name, offset: start + lead });
  }
  return out;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
