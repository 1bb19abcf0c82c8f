// A multi-file project for the inline replay: the other files of the cursor's language as open
// tabs, a small regex index of the project's declarations standing in for VS Code's definition
// provider, and an emulated gatherer that builds the same ContextMaterial the VS Code edge builds
// (src/vscode/inline/context: same choice of identifiers, same declaration shapes).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  CompletionInput,
  ContextGatherer,
  ContextMaterial,
  Definition,
  RecentEdit,
} from '../../src/core/completion';
import { declarationText } from '../../src/vscode/inline/context/declaration';
import { identifiersBeforeCursor } from '../../src/vscode/inline/context/identifiers';

const LANGUAGE: Record<string, string> = {
  '.ts': 'typescript',
  '.tsx': 'typescriptreact',
  '.js': 'javascript',
  '.jsx': 'javascriptreact',
  '.py': 'python',
};
/** Copilot's open-file limit for similar-file snippets (the issue: "up to 20 open files"). */
export const MAX_OPEN_FILES = 20;
/** Declarations used per identifier, as the VS Code gatherer (MAX_LOCATIONS). */
const MAX_LOCATIONS = 2;
const MAX_DECLARATION_LINES = 30;

export interface WorkspaceFile {
  /** Workspace-relative path with forward slashes. */
  path: string;
  languageId: string;
  text: string;
}

export interface Declaration {
  path: string;
  symbol: string;
  /** 1-based line of the declaration. */
  line: number;
  /** A method (reached as `x.name`), not a module-level name. */
  member: boolean;
  /** What a definition provider + the VS Code gatherer would put in the prompt. */
  text: string;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist']);

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(full);
      } else if (LANGUAGE[extname(name)] && !name.endsWith('.d.ts')) out.push(full);
    }
  };
  walk(dir);
  return out;
}

// Declarations the index knows: function / class / interface / type / enum / const / let at any
// nesting a top-level-ish indent (≤ 2 levels) and methods (an indented name followed by a
// parameter list and a body or a return type).
const DECLARATION =
  /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|enum|const|let|var)\s+([A-Za-z_$][\w$]*)/;
const METHOD =
  /^\s+(?:(?:public|private|protected|static|readonly|async|override|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^)]*\)?\s*(?::[^=]*)?\{?\s*$/;
const NOT_METHODS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'constructor', 'function', 'super']);

/** The declaration's whole range: to the line that closes it at its own indent (or its own line). */
function span(lines: string[], at: number): string[] {
  const first = lines[at]!;
  const indent = /^\s*/.exec(first)![0].length;
  const opens = /[{([]\s*$|=\s*$|=>\s*$/.test(first) || /\{[^}]*$/.test(first);
  if (!opens) return [first];
  for (let i = at + 1; i < lines.length && i < at + 400; i++) {
    const l = lines[i]!;
    if (l.trim() === '') continue;
    const ind = /^\s*/.exec(l)![0].length;
    if (ind <= indent) return lines.slice(at, /^[}\])]/.test(l.trim()) ? i + 1 : i);
  }
  return [first];
}

/** Member starts of a class / interface body (lines one indent deeper that start a member). */
function memberStarts(lines: string[]): number[] {
  const indent = /^\s*/.exec(lines[0] ?? '')![0].length;
  const out: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const ind = /^\s*/.exec(l)![0].length;
    if (ind > indent && ind <= indent + 4 && /^\s*[\w$]/.test(l) && !/^\s*(return|if|for|const|let)\b/.test(l))
      out.push(i);
  }
  return out;
}

export function indexDeclarations(files: WorkspaceFile[]): Map<string, Declaration[]> {
  const index = new Map<string, Declaration[]>();
  for (const f of files) {
    const lines = f.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const indent = /^\s*/.exec(line)![0].length;
      let symbol: string | undefined;
      let member = false;
      if (indent <= 4) symbol = DECLARATION.exec(line.trimStart())?.[1];
      if (!symbol && indent >= 2 && indent <= 4) {
        const m = METHOD.exec(line)?.[1];
        if (m && !NOT_METHODS.has(m)) [symbol, member] = [m, true];
      }
      if (!symbol) continue;
      const s = span(lines, i);
      const text = declarationText({ lines: s, memberStarts: memberStarts(s) }, MAX_DECLARATION_LINES);
      const list = index.get(symbol) ?? [];
      list.push({ path: f.path, symbol, line: i + 1, text, member });
      index.set(symbol, list);
    }
  }
  return index;
}

export interface Workspace {
  dir: string;
  current: WorkspaceFile;
  /** The other files of the same language, as open tabs (imported ones first), at most 20. */
  open: WorkspaceFile[];
  /** All files of the language (the definition provider sees the whole project). */
  files: WorkspaceFile[];
  index: Map<string, Declaration[]>;
}

export function loadWorkspace(dir: string, file: string): Workspace {
  const currentPath = relative(dir, join(dir, file)).split(sep).join('/');
  const languageId = LANGUAGE[extname(file)];
  if (!languageId) throw new Error(`--file ${file}: unknown language (known: ${Object.keys(LANGUAGE).join(' ')})`);
  const files: WorkspaceFile[] = listFiles(dir)
    .map((full) => ({
      path: relative(dir, full).split(sep).join('/'),
      languageId: LANGUAGE[extname(full)]!,
      text: readFileSync(full, 'utf8').replace(/\r\n/g, '\n'),
    }))
    .filter((f) => f.languageId === languageId);
  const current = files.find((f) => f.path === currentPath);
  if (!current) throw new Error(`--file ${file} is not a ${languageId} file under ${dir}`);
  // Open tabs: the files the current one imports (what a user has open next to it), then the rest
  // by path, never the current one.
  const imported = new Set(
    [...current.text.matchAll(/from\s+['"](\.[^'"]+)['"]/g)].map((m) =>
      join(currentPath, '..', m[1]!).split(sep).join('/'),
    ),
  );
  const isImported = (p: string): boolean => imported.has(p.replace(/\.(tsx?|jsx?)$/, '').replace(/\/index$/, ''));
  const open = files
    .filter((f) => f !== current)
    .sort((a, b) => Number(isImported(b.path)) - Number(isImported(a.path)) || (a.path < b.path ? -1 : 1))
    .slice(0, MAX_OPEN_FILES);
  return { dir, current, open, files, index: indexDeclarations(files) };
}

/**
 * The emulated gatherer: open files as tabs (newest = first in the list), definitions of the
 * identifiers at and before the cursor that the index resolves (as VS Code's definition provider
 * would, up to two locations each), and the replay's own recent edits.
 */
export function workspaceGatherer(ws: Workspace, edits: () => RecentEdit[]): ContextGatherer {
  const openFiles = ws.open.map((f, i) => ({ ...f, lastActiveAt: ws.open.length - i }));
  return (input: CompletionInput): Promise<ContextMaterial> => {
    const t0 = performance.now();
    const definitions: Definition[] = [];
    for (const { name } of identifiersBeforeCursor(input.prefix)) {
      for (const d of (ws.index.get(name) ?? []).slice(0, MAX_LOCATIONS))
        definitions.push({ path: d.path, symbol: d.symbol, text: d.text, line: d.line });
    }
    return Promise.resolve({
      openFiles,
      edits: edits(),
      definitions,
      currentPath: ws.current.path,
      gatherMs: performance.now() - t0,
    });
  };
}

export interface CrossFileSymbol {
  /** First line of each declaration (what a prompt holding the definition contains). */
  decls: string[];
  /** Counts only as `x.name` (a method declared in another file). */
  member: boolean;
}

/** Names the current file imports (named, default and namespace-less forms). */
function importedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/import\s+(?:type\s+)?([\s\S]*?)\s+from\s+['"][^'"]+['"]/g)) {
    const clause = m[1]!;
    const braces = /\{([\s\S]*)\}/.exec(clause)?.[1];
    for (const part of (braces ?? '').split(',')) {
      const name = /(?:type\s+)?[\w$]+(?:\s+as\s+([\w$]+))?/.exec(part.trim());
      const local = name?.[1] ?? /^(?:type\s+)?([\w$]+)/.exec(part.trim())?.[1];
      if (local) out.add(local);
    }
    const def = /^([A-Za-z_$][\w$]*)/.exec(clause.trim())?.[1];
    if (def && def !== 'type') out.add(def);
  }
  return out;
}

/**
 * The symbols a true continuation can use from another file: names the current file imports whose
 * declaration the index has in another file, and methods declared only in other files (reached
 * as `x.name`). Names declared in the current file, and names declared in more than two places
 * (get, run, dispose…: which one is meant is unknown), are left out.
 */
export function crossFileSymbols(ws: Workspace): Map<string, CrossFileSymbol> {
  const out = new Map<string, CrossFileSymbol>();
  const imported = importedNames(ws.current.text);
  for (const [symbol, decls] of ws.index) {
    if (symbol.length < 3 || decls.length > MAX_LOCATIONS) continue;
    if (decls.some((d) => d.path === ws.current.path)) continue;
    const member = !imported.has(symbol);
    if (member && (symbol.length < 4 || !decls.every((d) => d.member))) continue;
    out.set(symbol, { decls: decls.map((d) => d.text.split('\n')[0]!.trim().slice(0, 80)), member });
  }
  return out;
}
