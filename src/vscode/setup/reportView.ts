// Shows the Check Setup report as a rendered Markdown preview of a read-only virtual document
// (nothing to save, nothing left dirty), falling back to the document itself when the built-in
// Markdown extension is off.
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'tiered-setup';
export const REPORT_URI = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/Tiered Check Setup.md' });

export class SetupReportView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private text = '# Tiered: Check Setup\n\nNot run yet: run **Tiered: Check Setup**.\n';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);

  provideTextDocumentContent(): string {
    return this.text;
  }

  get markdown(): string {
    return this.text;
  }

  async show(markdown: string): Promise<void> {
    this.text = markdown;
    this.changed.fire(REPORT_URI);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', REPORT_URI);
    } catch {
      const doc = await vscode.workspace.openTextDocument(REPORT_URI);
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
      await vscode.window.showTextDocument(doc, { preview: true });
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
