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
export function span(lines: string[], at: number): string[] {
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
  /** Names the current file imports from workspace files → the declarations they resolve to. */
  imports: Map<string, Declaration[]>;
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
  const index = indexDeclarations(files);
  return { dir, current, open, files, index, imports: resolveImports(current, index) };
}

/**
 * The current file's imports, resolved as TypeScript would for relative paths (x.ts, x.tsx,
 * x/index.ts): each local name → the declarations of the imported name in that file.
 */
function resolveImports(current: WorkspaceFile, index: Map<string, Declaration[]>): Map<string, Declaration[]> {
  const out = new Map<string, Declaration[]>();
  for (const m of current.text.matchAll(/import\s+(?:type\s+)?([^;]*?)\s+from\s+['"](\.[^'"]+)['"]/g)) {
    const base = join(current.path, '..', m[2]!).split(sep).join('/').replace(/\.js$/, '');
    const modules = new Set([`${base}.ts`, `${base}.tsx`, `${base}/index.ts`]);
    const braces = /\{([\s\S]*)\}/.exec(m[1]!)?.[1] ?? '';
    for (const part of braces.split(',')) {
      const named = /^(?:type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(part.trim());
      if (!named) continue;
      const decls = (index.get(named[1]!) ?? []).filter((d) => modules.has(d.path));
      if (decls.length) out.set(named[2] ?? named[1]!, decls);
    }
  }
  return out;
}

/**
 * What VS Code's definition provider returns for `name` at a place, emulated: an imported name
 * resolves through its import; `x.name` to the methods of that name when there are at most two
 * (the real provider knows the type; more candidates would be a guess); another name to its
 * declaration in the current file (the window usually shows it: selection drops it), else nothing.
 */
export function resolveName(ws: Workspace, name: string, member: boolean): Declaration[] {
  if (member) {
    const methods = (ws.index.get(name) ?? []).filter((d) => d.member);
    return methods.length <= MAX_LOCATIONS ? methods : [];
  }
  const imported = ws.imports.get(name);
  if (imported) return imported.slice(0, MAX_LOCATIONS);
  return (ws.index.get(name) ?? []).filter((d) => d.path === ws.current.path).slice(0, MAX_LOCATIONS);
}

/**
 * The emulated gatherer: open files as tabs (newest = first in the list), definitions of the
 * identifiers at and before the cursor that the index resolves (as VS Code's definition provider
 * would, up to two locations each), and the replay's own recent edits.
 */
export function workspaceGatherer(
  ws: Workspace,
  edits: () => RecentEdit[],
  /** Also every name the file imports (Continue's ImportDefinitionsService; the Tiered default). */
  opts: { imports?: boolean } = {},
): ContextGatherer {
  const openFiles = ws.open.map((f, i) => ({ ...f, lastActiveAt: ws.open.length - i }));
  const importDefinitions: Definition[] = [...ws.imports.values()].flatMap((decls) =>
    decls.map((d) => ({ path: d.path, symbol: d.symbol, text: d.text, line: d.line, source: 'import' as const })),
  );
  return (input: CompletionInput): Promise<ContextMaterial> => {
    const t0 = performance.now();
    const definitions: Definition[] = [];
    const lines = input.prefix.slice(-4000).split('\n');
    for (const { name, linesUp, column } of identifiersBeforeCursor(input.prefix)) {
      const line = lines[lines.length - 1 - linesUp] ?? '';
      for (const d of resolveName(ws, name, line[column - 1] === '.'))
        definitions.push({ path: d.path, symbol: d.symbol, text: d.text, line: d.line, source: 'cursor' });
    }
    // As the VS Code gatherer (src/vscode/inline/context/imports.ts): resolved once per file version.
    if (opts.imports) definitions.push(...importDefinitions);
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

/**
 * The symbols a true continuation can use from another file: names the current file imports from
 * a workspace file, and methods declared in other files only, at most two of a name (reached as
 * `x.name`; which of more is meant is unknown). Same resolution as the gatherer (resolveName).
 */
export function crossFileSymbols(ws: Workspace): Map<string, CrossFileSymbol> {
  const out = new Map<string, CrossFileSymbol>();
  const first = (decls: Declaration[]) => decls.map((d) => d.text.split('\n')[0]!.trim().slice(0, 80));
  for (const [name, decls] of ws.imports) out.set(name, { decls: first(decls), member: false });
  for (const [symbol, decls] of ws.index) {
    if (out.has(symbol) || symbol.length < 4 || decls.length > MAX_LOCATIONS) continue;
    if (!decls.every((d) => d.member && d.path !== ws.current.path)) continue;
    out.set(symbol, { decls: first(decls), member: true });
  }
  return out;
}
