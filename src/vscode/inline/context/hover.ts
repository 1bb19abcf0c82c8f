// A library name's signature from VS Code's hover provider (vscode.executeHoverProvider, a built-in
// command: https://code.visualstudio.com/api/references/commands), for names whose definition lies
// outside the workspace in a file that is not open (lib.d.ts, a package's declarations, Python's
// stubs) or that have none: the definition lookup reads nothing from there (definitions.ts).
import * as vscode from 'vscode';
import type { Definition } from '../../../core/completion/context/types';
import {
  hoverPending,
  hoverSignature,
  LIBRARY_LABEL,
  libraryLabel,
  stableLine,
} from '../../../core/completion/context/hoverSignature';

/** One part of a hover as Markdown (a MarkedString's `{ language, value }` is a code block). */
function markdownOf(part: vscode.MarkdownString | vscode.MarkedString): string {
  if (typeof part === 'string') return part;
  if ('language' in part) return `\`\`\`${part.language}\n${part.value}\n\`\`\``;
  return part.value;
}

/**
 * The hover signature of `name` at `pos` in `doc` as a cursor definition; `target` is where its
 * definition lies (names the package in the label, gives a stable line). `undefined` when the hover
 * holds no signature; 'pending' when it holds nothing yet (ask again later).
 */
export async function hoverDefinition(
  doc: vscode.TextDocument,
  name: string,
  pos: vscode.Position,
  target?: { uri: vscode.Uri; at: vscode.Position },
): Promise<Definition | undefined | 'pending'> {
  const hovers =
    (await vscode.commands.executeCommand<vscode.Hover[] | undefined>('vscode.executeHoverProvider', doc.uri, pos)) ??
    [];
  const parts = hovers.flatMap((h) => h.contents.map(markdownOf));
  // A library target with no hover yet: the language server is busy (seen on a loaded host).
  if (target && hoverPending(parts)) return 'pending';
  const text = hoverSignature(parts);
  if (!text) return undefined;
  const path = libraryLabel(target?.uri.path);
  // A known file's line is its key; under the generic label the name keeps keys apart.
  const line = target && path !== LIBRARY_LABEL ? target.at.line + 1 : stableLine(name);
  return { path, symbol: name, text, line, source: 'cursor' };
}
