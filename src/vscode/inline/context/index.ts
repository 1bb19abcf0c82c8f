// The inline engine's context gatherer in VS Code: open editors of the cursor's language, the
// user's recent edits, the definitions of the names the file imports (resolved in the background,
// imports.ts) and of the symbols before the cursor, within a wall-time
// budget (the engine aborts the signal at its own budget too). Nothing from an excluded file, a VS
// Code configuration file or a scheme inline does not serve ever enters the material.
import * as vscode from 'vscode';
import { EditHistory } from '../../../core/completion/context/edits';
import type { ContextGatherer, ContextMaterial } from '../../../core/completion/context/types';
import type { CompletionInput } from '../../../core/completion/types';
import type { Logger } from '../../../core/types';
import { INLINE_SCHEMES } from '../provider';
import { DefinitionLookup } from './definitions';
import { ImportDefinitions } from './imports';
import { openFilesFor, RecentlyActive } from './openFiles';

/** Continue's budget for language-server context (https://docs.continue.dev/customize/deep-dives/autocomplete). */
export const GATHER_BUDGET_MS = 100;
/** Pause in typing after which the active file's import lines are re-read (a re-parse; a lookup only when they changed). */
const IMPORTS_AFTER_MS = 500;

export interface InlineContextDeps {
  /** Excluded by `tiered.exclude`, or one of VS Code's own configuration files (FeatureContext.isExcluded). */
  isExcluded(uri: vscode.Uri): boolean;
  /** Inline suggestions are on for this document (definitions are prefetched only then). */
  wants?(doc: vscode.TextDocument): boolean;
  logger?: Logger;
  budgetMs?: number;
}

export interface InlineContext extends vscode.Disposable {
  gather: ContextGatherer;
}

const EMPTY = (): ContextMaterial => ({ openFiles: [], edits: [], definitions: [] });

/** Resolves at `ms` or when `signal` aborts, whichever comes first; `cancel` clears the timer. */
function deadline(ms: number, signal: AbortSignal): { done: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = (): void => {};
  const done = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    timer = setTimeout(resolve, ms);
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

export function createInlineContext(deps: InlineContextDeps): InlineContext {
  const allowed = (uri: vscode.Uri): boolean => INLINE_SCHEMES.includes(uri.scheme) && !deps.isExcluded(uri);
  const pathOf = (uri: vscode.Uri): string => vscode.workspace.asRelativePath(uri, false);
  const history = new EditHistory();
  const recent = new RecentlyActive();
  const definitions = new DefinitionLookup({ allowed, pathOf });
  const imports = new ImportDefinitions(definitions);
  const budgetMs = deps.budgetMs ?? GATHER_BUDGET_MS;
  // The active document's imports, looked up in the background once typing pauses (never per keystroke).
  // `force` (a newly active editor): the imported files may have changed while another editor was
  // active, so they are looked up again even when the import lines are the same.
  let importTimer: ReturnType<typeof setTimeout> | undefined;
  let forced: vscode.TextDocument | undefined;
  const refreshImports = (doc: vscode.TextDocument | undefined, force = false, delayMs = 0): void => {
    clearTimeout(importTimer);
    if (!doc || !allowed(doc.uri) || !(deps.wants?.(doc) ?? true)) return;
    if (force) forced = doc;
    importTimer = setTimeout(() => {
      const again = forced === doc;
      forced = undefined;
      if (!doc.isClosed) imports.refresh(doc, again);
    }, delayMs);
  };
  refreshImports(vscode.window.activeTextEditor?.document, true);

  const subs: vscode.Disposable[] = [
    recent,
    vscode.window.onDidChangeActiveTextEditor((e) => refreshImports(e?.document, true)),
    { dispose: () => clearTimeout(importTimer) },
    vscode.workspace.onDidChangeTextDocument((e) => {
      const doc = e.document;
      // The user's own edits: in an editor on screen, in a document that may contribute.
      if (e.contentChanges.length === 0 || !allowed(doc.uri)) return;
      if (!vscode.window.visibleTextEditors.some((ed) => ed.document === doc)) return;
      const docKey = doc.uri.toString();
      const path = pathOf(doc.uri);
      const read = (from: number, to: number): string =>
        doc.getText(new vscode.Range(from, 0, Math.min(to, doc.lineCount - 1), Number.MAX_SAFE_INTEGER));
      const prefetch = doc === vscode.window.activeTextEditor?.document && (deps.wants?.(doc) ?? true);
      if (prefetch) refreshImports(doc, false, IMPORTS_AFTER_MS);
      for (const c of e.contentChanges) {
        history.record(
          { docKey, path, startLine: c.range.start.line, oldEndLine: c.range.end.line, text: c.text },
          Date.now(),
          read,
        );
        // A word just ended ("name(", "name.", "name "): look it up while the debounce runs.
        if (prefetch && c.range.isEmpty && c.text.length <= 2 && /^[^\w$]/.test(c.text)) {
          definitions.prefetch(doc, c.range.start);
        }
      }
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      history.forget(doc.uri.toString());
      imports.forget(doc.uri.toString());
      recent.forget(doc.uri.toString());
    }),
  ];

  const gather: ContextGatherer = async (input: CompletionInput, signal: AbortSignal) => {
    const started = performance.now();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === input.docKey);
    if (!doc || !allowed(doc.uri) || signal.aborted) return { ...EMPTY(), gatherMs: performance.now() - started };
    const position = doc.positionAt(input.offset);
    // Stop waiting a little early: on a busy extension host timers fire late (10-15 ms measured).
    const stop = deadline(budgetMs * 0.9, signal);
    try {
      const openFiles = openFilesFor(doc, recent, { allowed, pathOf });
      // Settings may have changed since an edit was recorded: a newly excluded file's edits go.
      history.retain((key) => allowed(vscode.Uri.parse(key)));
      // The hunk under the cursor is in the file window already, and changes on every keystroke.
      const edits = history.recent(
        (key, start, end) => key === input.docKey && start - 1 <= position.line && position.line <= end + 1,
      );
      const failed = (what: string) => (err: unknown) => {
        deps.logger?.debug(`Inline context: ${what} failed: ${String(err)}`);
        return [];
      };
      // Both at once; a definition given both ways goes once, as an import (stable in the selection).
      const [fromImports, atCursor] = await Promise.all([
        imports.definitions(doc, stop.done).catch(failed('imports')),
        definitions.lookup(doc, position, input.prefix, stop.done).catch(failed('definitions')),
      ]);
      const defs: ContextMaterial['definitions'] = [
        ...fromImports,
        ...atCursor
          .filter((d) => !fromImports.some((i) => i.path === d.path && i.line === d.line))
          .map((d) => ({ ...d, source: 'cursor' as const })),
      ];
      const gatherMs = performance.now() - started;
      deps.logger?.debug(
        `Inline context: ${openFiles.length} open files, ${edits.length} edits, ${fromImports.length} + ${atCursor.length} definitions (imports + cursor) in ${gatherMs.toFixed(1)} ms`,
      );
      return { openFiles, edits, definitions: defs, gatherMs, currentPath: pathOf(doc.uri) };
    } finally {
      stop.cancel();
    }
  };

  return { gather, dispose: () => subs.forEach((s) => s.dispose()) };
}
