// A quick fix for each review finding that carries a replacement: it rewrites the finding's whole
// lines, and only while they still read as they did when the review ran.
import * as vscode from 'vscode';
import { replacementText } from '../../core/review/track';
import { REVIEW_SOURCE, diagnosticMessage, type FindingEntry, type ReviewDiagnostics } from './diagnostics';

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
          diagnosticMessage(e.finding) === diagnostic.message,
      );
      const action = entry && fixFor(doc, entry, diagnostic);
      if (action) actions.push(action);
    }
    return actions;
  }
}

export function fixFor(
  doc: vscode.TextDocument,
  entry: FindingEntry,
  diagnostic?: vscode.Diagnostic,
): vscode.CodeAction | undefined {
  const { finding } = entry;
  if (finding.replacement === undefined || entry.endLine >= doc.lineCount) return undefined;
  const range = new vscode.Range(entry.startLine, 0, entry.endLine, doc.lineAt(entry.endLine).text.length);
  if (doc.getText(range) !== entry.snapshot) return undefined;
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const action = new vscode.CodeAction(`Apply review fix: ${finding.title}`, vscode.CodeActionKind.QuickFix);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.replace(doc.uri, range, replacementText(finding.replacement, eol));
  if (diagnostic) action.diagnostics = [diagnostic];
  action.isPreferred = true;
  return action;
}
