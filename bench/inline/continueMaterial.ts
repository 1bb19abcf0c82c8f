// What Continue's context sources would hold in the bench's workspace (bench/inline/workspace.ts):
// the open tabs as its recently-opened files, and the current file's imports resolved to the whole
// declaration as its ImportDefinitionsService reads them. Paths are relative to
// https://github.com/continuedev/continue/blob/main/.
import type { ContinueMaterial } from './continue';
import { span, type Workspace } from './workspace';

export function continueMaterial(ws: Workspace): ContinueMaterial {
  // Open tabs in the bench's order (imported files first) stand for the editor's viewing order,
  // most recent first (core/autocomplete/util/openedFilesLruCache.ts, at most 20).
  const openFiles = ws.open.map((f) => ({ path: f.path, text: f.text }));
  const lines = new Map(ws.files.map((f) => [f.path, f.text.split('\n')]));
  const imports = new Map<string, { path: string; contents: string }[]>();
  for (const [name, decls] of ws.imports)
    imports.set(
      name,
      // The declaration's whole range (workspace.ts span): VS Code's definition provider gives its
      // targetRange, which Continue reads whole (core/autocomplete/context/ImportDefinitionsService.ts
      // readRangeInFile; extensions/vscode/src/autocomplete/lsp.ts executeGotoProvider).
      decls.map((d) => ({ path: d.path, contents: span(lines.get(d.path)!, d.line - 1).join('\n') })),
    );
  return { openFiles, imports };
}
