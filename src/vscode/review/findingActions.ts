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
const DISMISSED_FILE = 'review-dismissed.json';

/**
 * The workspace's dismissed findings. Kept in a file in the extension's workspace storage
 * (`storageUri`), read again before each use so every window of the workspace sees the others'
 * dismissals. Not workspaceState: in VS Code for the web and code-server that lives in the
 * browser's storage, so a dismissal was lost in another browser profile (the host test
 * reviewComments.test.ts "outlives the window" showed it). workspaceState only without a folder.
 */
export class Dismissals {
  private set = new DismissedSet();

  constructor(
    private readonly storageUri: vscode.Uri | undefined,
    private readonly state: vscode.Memento,
  ) {}

  /** Re-reads what every window has dismissed; a missing or unreadable file is an empty set. */
  async refresh(): Promise<void> {
    this.set = DismissedSet.from(await this.read());
  }

  isDismissed(finding: ReportedFinding, lines: string[]): boolean {
    return this.set.isDismissed(finding, lines);
  }

  async dismiss(finding: ReportedFinding, lines: string[]): Promise<void> {
    await this.refresh();
    this.set.dismiss(finding, lines, Date.now());
    await this.write(this.set.toJSON());
  }

  private async read(): Promise<unknown> {
    if (!this.storageUri) return this.state.get(DISMISSED_KEY);
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.storageUri, DISMISSED_FILE));
      return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    } catch {
      return undefined;
    }
  }

  private async write(entries: unknown): Promise<void> {
    if (!this.storageUri) return this.state.update(DISMISSED_KEY, entries);
    await vscode.workspace.fs.createDirectory(this.storageUri);
    const bytes = new TextEncoder().encode(JSON.stringify(entries));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(this.storageUri, DISMISSED_FILE), bytes);
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
