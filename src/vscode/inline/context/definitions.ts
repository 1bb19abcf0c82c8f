// Definitions of the symbols at and before the cursor, through VS Code's own providers
// (vscode.executeDefinitionProvider, vscode.executeDocumentSymbolProvider: built-in commands,
// https://code.visualstudio.com/api/references/commands). Lookups run in parallel; results are
// cached per (document version, identifier) so a pause in typing never asks twice, and the last
// result for an identifier stands in while a fresh lookup is still running at the deadline.
import * as vscode from 'vscode';
import type { Definition } from '../../../core/completion/context/types';
import { declarationText } from './declaration';
import { hoverDefinition } from './hover';
import { identifiersBeforeCursor, wordBefore } from './identifiers';

/** Lines of a declaration sent whole; longer ones go as their shape (declaration.ts). */
const MAX_DECLARATION_LINES = 30;
/** Locations used per identifier (overloads, a .d.ts next to its source). */
const MAX_LOCATIONS = 2;
const CACHE_ENTRIES = 256;

export interface DefinitionDeps {
  /** May this document contribute (scheme allowed, not excluded, not an editor config file)? */
  allowed(uri: vscode.Uri): boolean;
  /** Workspace-relative path shown to the model. */
  pathOf(uri: vscode.Uri): string;
}

interface Entry {
  version: number;
  promise: Promise<Definition[]>;
  /** Set once `promise` settles. */
  result?: Definition[];
  /** The lookup of an earlier version: its answer stands in until this one settles. */
  prior?: Entry;
  /** Settled without an answer that holds (a hover still pending): asked again, same version or not. */
  retry?: boolean;
  /** Lookups of this name at this version so far (a pending hover is asked MAX_TRIES times at most). */
  tries: number;
}

const MAX_TRIES = 3;

/** The newest settled answer among an entry's earlier versions. */
function fallback(e: Entry | undefined): Definition[] | undefined {
  for (let p = e; p; p = p.prior) if (p.result) return p.result;
  return undefined;
}

type Found = vscode.Location | vscode.LocationLink;
/** A definition's place: `whole` when `range` is the whole declaration (a LocationLink). */
interface Target {
  uri: vscode.Uri;
  range: vscode.Range;
  at: vscode.Position;
  whole: boolean;
}
type Symbols = (vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined;

export class DefinitionLookup {
  private readonly cache = new Map<string, Entry>();
  private readonly symbols = new Map<string, Promise<Symbols>>();

  constructor(private readonly deps: DefinitionDeps) {}

  /**
   * Definitions for the identifiers before `position` in `doc` (its text up to the cursor is
   * `prefix`), outside `doc` itself. Resolves when all lookups settle or `deadline` does, with
   * what is ready then.
   */
  async lookup(
    doc: vscode.TextDocument,
    position: vscode.Position,
    prefix: string,
    deadline: Promise<void>,
  ): Promise<Definition[]> {
    const slots = identifiersBeforeCursor(prefix).map(({ name, linesUp, column }) => {
      const line = position.line - linesUp;
      const pos = new vscode.Position(line, column);
      // The document may have moved on since the prefix was read: only ask where the name still is.
      if (line < 0 || doc.getText(new vscode.Range(pos, pos.translate(0, name.length))) !== name) return undefined;
      return this.entry(doc, name, pos);
    });
    const entries = slots.filter((e): e is Entry => e !== undefined);
    // Each slot is ready with its own answer or, sooner, with a pending earlier version's.
    const ready = entries.map((e) =>
      Promise.race([e.promise, ...(e.prior && !fallback(e.prior) ? [e.prior.promise] : [])]),
    );
    await Promise.race([Promise.allSettled(ready), deadline]);
    const out: Definition[] = [];
    const seen = new Set<string>();
    for (const e of entries) {
      for (const d of e.result ?? fallback(e.prior) ?? []) {
        const key = `${d.path}:${d.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(d);
      }
    }
    return out;
  }

  /**
   * Starts the lookup of the word that ends at `end` (the user just typed the character after it:
   * a call's parenthesis, a dot, a space), so its answer is ready when the pause comes.
   */
  prefetch(doc: vscode.TextDocument, end: vscode.Position): void {
    const name = wordBefore(doc.lineAt(end.line).text.slice(0, end.character));
    if (name) this.entry(doc, name, end.translate(0, -name.length));
  }

  private entry(doc: vscode.TextDocument, name: string, pos: vscode.Position): Entry {
    const key = `${doc.uri.toString()}#${name}`;
    const old = this.cache.get(key);
    if (old && old.version === doc.version && !old.retry) return old;
    // Only the newest settled answer is worth keeping behind a new lookup.
    if (old?.result) old.prior = undefined;
    const tries = old && old.version === doc.version ? old.tries + 1 : 1;
    const entry: Entry = { version: doc.version, promise: Promise.resolve([]), prior: old, tries };
    entry.promise = this.atCursor(doc, name, pos).then(
      (defs) => {
        if (defs === 'pending') entry.retry = tries < MAX_TRIES;
        return (entry.result = defs === 'pending' ? [] : defs);
      },
      () => (entry.result = []),
    );
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }

  /**
   * The definitions of `name` at `pos` in `doc` (outside `doc`, allowed targets only); `skip` drops
   * targets before they are read (the imports' lookup leaves dependencies' sources out).
   */
  async resolve(
    doc: vscode.TextDocument,
    name: string,
    pos: vscode.Position,
    skip?: (uri: vscode.Uri) => boolean,
  ): Promise<Definition[]> {
    return (await this.find(doc, name, pos, skip)).defs;
  }

  /**
   * A cursor name's definitions; when it has none, or all of them lie in a library that is not read
   * (outside the workspace, not open, not excluded), the signature its hover shows instead.
   */
  private async atCursor(
    doc: vscode.TextDocument,
    name: string,
    pos: vscode.Position,
  ): Promise<Definition[] | 'pending'> {
    const { defs, targets } = await this.find(doc, name, pos);
    if (defs.length > 0 || !this.deps.allowed(doc.uri)) return defs;
    // Never a hover over a name defined in an excluded file (TypeScript would show a constant's
    // value) or in the cursor's own file (the window shows it).
    if (!targets.every((t) => this.deps.allowed(t.uri) && outside(t.uri))) return defs;
    const hover = await hoverDefinition(doc, name, pos, targets[0]);
    return hover === 'pending' ? hover : hover ? [hover] : [];
  }

  private async find(
    doc: vscode.TextDocument,
    name: string,
    pos: vscode.Position,
    skip?: (uri: vscode.Uri) => boolean,
  ): Promise<{ defs: Definition[]; targets: Target[] }> {
    const found =
      (await vscode.commands.executeCommand<Found[] | undefined>('vscode.executeDefinitionProvider', doc.uri, pos)) ??
      [];
    const all: Target[] = found.map((f) =>
      'targetUri' in f
        ? {
            uri: f.targetUri,
            range: f.targetRange,
            at: (f.targetSelectionRange ?? f.targetRange).start,
            // Some providers fill targetRange with the name only: then ask for the symbol.
            whole: f.targetSelectionRange !== undefined && !f.targetRange.isEqual(f.targetSelectionRange),
          }
        : { uri: f.uri, range: f.range, at: f.range.start, whole: false },
    );
    const targets = all
      // Inside the cursor's own file the window already shows it; other files only when allowed.
      .filter((t) => t.uri.toString() !== doc.uri.toString() && this.deps.allowed(t.uri) && !skip?.(t.uri))
      .slice(0, MAX_LOCATIONS);
    const defs = await Promise.all(targets.map((t) => this.read(t, name)));
    return { defs: defs.filter((d): d is Definition => d !== undefined), targets: all };
  }

  /** The declaration at `at` in `uri`: its document symbol's range (or the provider's range). */
  private async read(t: Target, name: string): Promise<Definition | undefined> {
    const { uri, range, at } = t;
    const open = openDocument(uri);
    // Files outside the workspace (the language's bundled lib.d.ts, SDK sources) only when already
    // open: nothing is read from elsewhere on disk (the hover gives such a name's signature: atCursor).
    if (!open && !vscode.workspace.getWorkspaceFolder(uri)) return undefined;
    const target = open ?? (await vscode.workspace.openTextDocument(uri));
    // A LocationLink's targetRange is the whole declaration (LSP 3.17 "LocationLink": "the range
    // enclosing this symbol", https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#locationLink;
    // TypeScript fills it from tsserver's contextSpan): no second round trip unless it is too long
    // to send whole and its members are wanted. A plain Location names only the symbol's name.
    const short = t.whole && range.end.line - range.start.line < MAX_DECLARATION_LINES;
    const symbol = short ? undefined : enclosing(await this.symbolsOf(target), at);
    const start = symbol?.range.start.line ?? range.start.line;
    const end = symbol?.range.end.line ?? Math.max(range.end.line, range.start.line);
    const lines: string[] = [];
    // Read at most a screenful past the cap: a huge symbol goes as its shape anyway.
    const last = Math.min(end, start + 400, target.lineCount - 1);
    for (let l = start; l <= last; l++) lines.push(target.lineAt(l).text);
    if (last < end) lines.push(target.lineAt(Math.min(end, target.lineCount - 1)).text);
    const memberStarts = symbol?.members?.map((r) => r.start.line - start);
    const text = declarationText({ lines, memberStarts }, MAX_DECLARATION_LINES);
    if (!text.trim()) return undefined;
    return { path: this.deps.pathOf(uri), symbol: symbol?.name ?? name, text, line: start + 1 };
  }

  /** Document symbols of a target, once per document version. */
  private symbolsOf(doc: vscode.TextDocument): Promise<Symbols> {
    const key = `${doc.uri.toString()}@${doc.version}`;
    let p = this.symbols.get(key);
    if (!p) {
      p = Promise.resolve(
        vscode.commands.executeCommand<Symbols>('vscode.executeDocumentSymbolProvider', doc.uri),
      ).catch(() => undefined);
      this.symbols.set(key, p);
      if (this.symbols.size > 64) this.symbols.delete(this.symbols.keys().next().value!);
    }
    return p;
  }
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/** Outside the workspace and not open: a library's file, which read() leaves alone. */
function outside(uri: vscode.Uri): boolean {
  return !openDocument(uri) && !vscode.workspace.getWorkspaceFolder(uri);
}

interface Declared {
  name: string;
  range: vscode.Range;
  members?: vscode.Range[];
}

/** The symbol declared at `at` (its name's range holds it), searching nested symbols. */
function enclosing(symbols: Symbols, at: vscode.Position): Declared | undefined {
  for (const s of symbols ?? []) {
    if ('children' in s) {
      if (s.selectionRange.contains(at))
        return { name: s.name, range: s.range, members: s.children.map((c) => c.range) };
      if (s.range.contains(at)) {
        const inner = enclosing(s.children, at);
        if (inner) return inner;
      }
    } else if (s.location.range.start.line === at.line) {
      // Flat SymbolInformation (older providers): no name range, so the symbol starting on that line.
      return { name: s.name, range: s.location.range };
    }
  }
  return undefined;
}
