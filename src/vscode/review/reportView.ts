// The review report as a read-only Markdown document beside the editor (a virtual document: it
// is never written to disk and cannot be edited).
import * as vscode from 'vscode';
import { formatReportMarkdown, type ReviewReport } from '../../core/review/report';

export const REPORT_SCHEME = 'tiered-review';

export class ReportView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly reports = new Map<string, ReviewReport>();
  private lastUri: vscode.Uri | undefined;

  provideTextDocumentContent(uri: vscode.Uri): string {
    const report = this.reports.get(uri.toString());
    return report
      ? formatReportMarkdown(report)
      : '# Tiered review\n\nThis report is no longer available: run the review again.\n';
  }

  /** One document per review target, so re-running a review updates its report in place. */
  uriFor(report: ReviewReport): vscode.Uri {
    const name = report.title.replace(/[\\/:*?"<>|#%]+/g, '_').slice(0, 80);
    return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/Review ${name}.md`, query: report.kind });
  }

  async open(report: ReviewReport): Promise<vscode.TextDocument> {
    const uri = this.uriFor(report);
    this.reports.set(uri.toString(), report);
    this.lastUri = uri;
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
      preserveFocus: true,
    });
    return doc;
  }

  get last(): ReviewReport | undefined {
    return this.lastUri ? this.reports.get(this.lastUri.toString()) : undefined;
  }

  clear(): void {
    const uris = [...this.reports.keys()];
    this.reports.clear();
    this.lastUri = undefined;
    for (const u of uris) this.changed.fire(vscode.Uri.parse(u));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
