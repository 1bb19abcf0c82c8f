// The definitions of the names the current file imports from the project, as Continue's
// ImportDefinitionsService gathers them (each imported name resolved through the definition
// provider, cached per file and refreshed when the active editor changes:
// https://github.com/continuedev/continue/blob/main/core/autocomplete/context/ImportDefinitionsService.ts).
// They are what the next lines call, and they hold for the whole editing session of a file, so
// they also sit in the stable, cacheable head of the prompt's context block. Resolved in the
// background: a new document version only costs a re-parse of its import lines, and a new lookup
// runs only when the imports themselves changed; the last answer stands in meanwhile.
import * as vscode from 'vscode';
import { IMPORT_SCAN_CHARS, parseImports, type ImportedName } from '../../../core/completion/context/imports';
import type { Definition } from '../../../core/completion/context/types';
import type { DefinitionLookup } from './definitions';

/** Documents whose imports are remembered (the active one and a few recent ones). */
const MAX_DOCUMENTS = 16;

/** Dependencies' sources: the model knows published libraries, and their declarations are long. */
const DEPENDENCY = /[\\/](?:node_modules|site-packages|dist-packages)[\\/]/;

interface Entry {
  version: number;
  /** The imports as parsed (name, alias, module): a new lookup only when this changes. */
  signature: string;
  promise: Promise<Definition[]>;
  /** Set once `promise` settles. */
  result?: Definition[];
  /** The newest earlier answer: stands in until this one settles. */
  prior?: Definition[];
}

export class ImportDefinitions {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly lookup: Pick<DefinitionLookup, 'resolve'>) {}

  /**
   * Brings `doc`'s entry up to its version: re-parses the import lines and starts a lookup when
   * they changed (or when `force`: the imported files may have changed meanwhile). Never waits.
   */
  refresh(doc: vscode.TextDocument, force = false): void {
    this.entryFor(doc, force);
  }

  private entryFor(doc: vscode.TextDocument, force = false): Entry {
    const key = doc.uri.toString();
    const old = this.entries.get(key);
    if (old && old.version === doc.version && !force) return old;
    const names = parseImports(doc.getText(new vscode.Range(0, 0, ...endOf(doc))), doc.languageId);
    const signature = names.map((n) => `${n.name} ${n.local} ${n.module}`).join('\n');
    if (old && old.signature === signature && !force) {
      old.version = doc.version;
      return old;
    }
    const entry: Entry = {
      version: doc.version,
      signature,
      promise: Promise.resolve([]),
      prior: old?.result ?? old?.prior,
    };
    entry.promise = this.resolveAll(doc, names).then(
      (defs) => (entry.result = defs),
      () => (entry.result = []),
    );
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_DOCUMENTS) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /**
   * The definitions of `doc`'s imports: this version's answer when settled, else the last one;
   * only when there is none yet does it wait, at most until `deadline`.
   */
  async definitions(doc: vscode.TextDocument, deadline: Promise<void>): Promise<Definition[]> {
    const entry = this.entryFor(doc);
    if (!entry.result && !entry.prior) await Promise.race([entry.promise, deadline]);
    return entry.result ?? entry.prior ?? [];
  }

  forget(docKey: string): void {
    this.entries.delete(docKey);
  }

  private async resolveAll(doc: vscode.TextDocument, names: ImportedName[]): Promise<Definition[]> {
    const found = await Promise.all(
      names.map((n) =>
        this.lookup
          .resolve(doc, n.name, new vscode.Position(n.line, n.column), (uri) => DEPENDENCY.test(uri.path))
          .catch(() => [] as Definition[]),
      ),
    );
    const seen = new Set<string>();
    const out: Definition[] = [];
    for (const d of found.flat()) {
      const key = `${d.path}:${d.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...d, source: 'import' });
    }
    return out;
  }
}

/** Line and character where the scanned head of `doc` ends. */
function endOf(doc: vscode.TextDocument): [number, number] {
  const end = doc.positionAt(IMPORT_SCAN_CHARS);
  return [end.line, end.character];
}
