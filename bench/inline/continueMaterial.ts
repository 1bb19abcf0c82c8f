// What Continue's context sources would hold in the bench's workspace (bench/inline/workspace.ts):
// the open tabs as its recently-opened files, and the current file's imports resolved to the whole
// declaration as its ImportDefinitionsService reads them. Paths are relative to
// https://github.com/continuedev/continue/blob/main/.
import type { ContinueMaterial } from './continue';
import type { Workspace } from './workspace';

/**
 * The declaration's whole range (the same rule as workspace.ts `span`): VS Code's definition
 * provider gives the declaration's targetRange, which Continue reads whole
 * (core/autocomplete/context/ImportDefinitionsService.ts readRangeInFile;
 * extensions/vscode/src/autocomplete/lsp.ts executeGotoProvider keeps `targetRange`).
 */
export function declarationRange(lines: string[], at: number): string {
  const first = lines[at]!;
  const indent = /^\s*/.exec(first)![0].length;
  const opens = /[{([]\s*$|=\s*$|=>\s*$/.test(first) || /\{[^}]*$/.test(first);
  if (!opens) return first;
  for (let i = at + 1; i < lines.length && i < at + 400; i++) {
    const l = lines[i]!;
    if (l.trim() === '') continue;
    const ind = /^\s*/.exec(l)![0].length;
    if (ind <= indent) return lines.slice(at, /^[}\])]/.test(l.trim()) ? i + 1 : i).join('\n');
  }
  return first;
}

export function continueMaterial(ws: Workspace): ContinueMaterial {
  // Open tabs in the bench's order (imported files first) stand for the editor's viewing order,
  // most recent first (core/autocomplete/util/openedFilesLruCache.ts, at most 20).
  const openFiles = ws.open.map((f) => ({ path: f.path, text: f.text }));
  const lines = new Map(ws.files.map((f) => [f.path, f.text.split('\n')]));
  const imports = new Map<string, { path: string; contents: string }[]>();
  for (const [name, decls] of ws.imports)
    imports.set(
      name,
      decls.map((d) => ({ path: d.path, contents: declarationRange(lines.get(d.path)!, d.line - 1) })),
    );
  return { openFiles, imports };
}
