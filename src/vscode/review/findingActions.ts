// What the user does with one finding from its comment thread: apply its fix (one undoable edit,
// refused when the code changed since the review) or dismiss it (remembered per workspace with the
// code it points at, so a re-review of the same code does not raise it again).
import * as vscode from 'vscode';
import { DismissedSet } from '../../core/review/dismiss';
import type { ReportedFinding } from '../../core/review/report';
import type { ReviewComments } from './comments';
import { currentText, type ReviewDiagnostics } from './diagnostics';
import { fixEdit } from './quickFix';

const DISMISSED_KEY = 'tiered.review.dismissed';

/** The workspace's dismissed findings, persisted in workspaceState after each change. */
export class Dismissals {
  private readonly set: DismissedSet;

  constructor(private readonly state: vscode.Memento) {
    this.set = DismissedSet.from(state.get(DISMISSED_KEY));
  }

  isDismissed(finding: ReportedFinding, lines: string[]): boolean {
    return this.set.isDismissed(finding, lines);
  }

  async dismiss(finding: ReportedFinding, lines: string[]): Promise<void> {
    this.set.dismiss(finding, lines, Date.now());
    await this.state.update(DISMISSED_KEY, this.set.toJSON());
  }
}

export class FindingActions {
  constructor(
    private readonly diagnostics: ReviewDiagnostics,
    private readonly comments: ReviewComments,
    private readonly dismissals: Dismissals,
  ) {}

  /** Applies the finding's fix as one WorkspaceEdit; says why when it cannot. */
  async apply(arg: unknown): Promise<boolean> {
    const found = this.comments.resolve(arg);
    if (!found) {
      void vscode.window.showWarningMessage('Apply Fix: no review finding here (it may have been fixed or edited).');
      return false;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(found.uri));
    const fix = fixEdit(doc, found.entry);
    if ('refused' in fix) {
      void vscode.window.showWarningMessage(`Apply Fix: ${fix.refused}`);
      return false;
    }
    // The edit touches the finding's lines, so the finding (and its thread) goes with it.
    const ok = await vscode.workspace.applyEdit(fix.edit);
    if (!ok) void vscode.window.showWarningMessage(`Apply Fix: VS Code did not apply the edit to ${doc.uri.fsPath}.`);
    return ok;
  }

  /** Removes the finding everywhere and remembers it with the code it points at now. */
  async dismiss(arg: unknown): Promise<boolean> {
    const found = this.comments.resolve(arg);
    if (!found) return false;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(found.uri));
    const lines = (currentText(doc, found.entry) ?? found.entry.snapshot).split('\n');
    await this.dismissals.dismiss(found.entry.finding, lines);
    return this.diagnostics.remove(found.entry.id);
  }
}
