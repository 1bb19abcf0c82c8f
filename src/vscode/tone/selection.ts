// The plan for a selection in a document. Code is parsed from the file's start (so a selection
// starting inside a string or a comment is read right); very large files fall back to the
// selection plus a few lines before it.
import * as vscode from 'vscode';
import { planToneFix, type ToneFixPlan } from '../../core/tone/plan';

/** Above this many characters only the selection and the lines before it are parsed. */
const WHOLE_DOCUMENT_CHARS = 500_000;
const CONTEXT_LINES = 30;

export interface SelectionPlan {
  plan: ToneFixPlan;
  /** What the answer replaces: the selection, widened to whole comments in code. */
  range: vscode.Range;
}

export function planSelection(document: vscode.TextDocument, selection: vscode.Range): SelectionPlan {
  const start = document.offsetAt(selection.start);
  const end = document.offsetAt(selection.end);
  const whole = document.offsetAt(document.lineAt(document.lineCount - 1).range.end) <= WHOLE_DOCUMENT_CHARS;
  const offset = whole ? 0 : start;
  const plan = whole
    ? planToneFix(document.languageId, document.getText(), { start, end })
    : planToneFix(document.languageId, document.getText(selection), {
        before: document.getText(
          new vscode.Range(
            Math.max(0, selection.start.line - CONTEXT_LINES),
            0,
            selection.start.line,
            selection.start.character,
          ),
        ),
      });
  const range =
    plan.kind === 'none'
      ? selection
      : new vscode.Range(document.positionAt(offset + plan.start), document.positionAt(offset + plan.end));
  return { plan, range };
}
