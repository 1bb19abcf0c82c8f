// A quick fix for each review finding that carries a replacement: it rewrites the finding's whole
// lines, and only while they still read as the model saw them. The comment thread's Apply Fix uses
// the same edit (fixEdit) and says why when it refuses.
import * as vscode from 'vscode';
import { replacementText } from '../../core/review/track';
import {
  REVIEW_SOURCE,
  currentText,
  diagnosticMessage,
  type FindingEntry,
  type ReviewDiagnostics,
} from './diagnostics';

export class ReviewQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ReviewDiagnostics) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const entries = this.diagnostics.entriesFor(doc.uri);
    if (entries.length === 0) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== REVIEW_SOURCE) continue;
      const entry = entries.find(
        (e) =>
          e.startLine === diagnostic.range.start.line &&
          e.endLine === diagnostic.range.end.line &&
          diagnosticMessage(e.finding, e.changed) === diagnostic.message,
      );
      const action = entry && fixFor(doc, entry, diagnostic);
      if (action) actions.push(action);
    }
    return actions;
  }
}

/** The edit that applies a finding's replacement, or why it cannot be applied (said to the user). */
export function fixEdit(
  doc: vscode.TextDocument,
  entry: FindingEntry,
): { edit: vscode.WorkspaceEdit } | { refused: string } {
  const { finding } = entry;
  const lines =
    entry.startLine === entry.endLine
      ? `line ${entry.startLine + 1}`
      : `lines ${entry.startLine + 1}-${entry.endLine + 1}`;
  if (finding.replacement === undefined) return { refused: `"${finding.title}" comes with no fix to apply.` };
  const now = currentText(doc, entry);
  // A changed branch finding sits near lines that were edited: its fix was for other code.
  if (entry.changed || now === undefined || now !== entry.reviewed)
    return {
      refused: `The code at ${lines} is not what was reviewed any more, so the fix for "${finding.title}" could overwrite other changes. Review it again to get a fix for the code as it is now.`,
    };
  const range = new vscode.Range(entry.startLine, 0, entry.endLine, doc.lineAt(entry.endLine).text.length);
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  // One WorkspaceEdit: one step on the undo stack.
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, range, replacementText(finding.replacement, eol));
  return { edit };
}

export function fixFor(
  doc: vscode.TextDocument,
  entry: FindingEntry,
  diagnostic?: vscode.Diagnostic,
): vscode.CodeAction | undefined {
  const fix = fixEdit(doc, entry);
  if (!('edit' in fix)) return undefined;
  const action = new vscode.CodeAction(`Apply review fix: ${entry.finding.title}`, vscode.CodeActionKind.QuickFix);
  action.edit = fix.edit;
  if (diagnostic) action.diagnostics = [diagnostic];
  action.isPreferred = true;
  return action;
}
