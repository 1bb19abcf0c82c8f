// The review report as a themed webview beside the editor (src/core/review/reportHtml.ts builds the
// page). The page runs no script; a finding's link is a command URI, and the webview allows that
// one command only. The command opens only files of a report this view holds, at the range given.
// The Markdown form stays available as a read-only virtual document (REPORT_SCHEME).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Confidence } from '../../core/review/findings';
import { formatReportMarkdown, type ReviewReport } from '../../core/review/report';
import { reportHtml, validLink } from '../../core/review/reportHtml';

export const REPORT_SCHEME = 'tiered-review';
/** Internal: run by the report's links, not contributed to the palette. */
export const OPEN_FINDING_COMMAND = 'tiered.openReviewFinding';

export class ReportView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly reports = new Map<string, ReviewReport>();
  private panel: vscode.WebviewPanel | undefined;
  private shown: ReviewReport | undefined;
  private latest: ReviewReport | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly minConfidence: () => Confidence = () => 'medium') {
    this.disposables.push(
      vscode.commands.registerCommand(OPEN_FINDING_COMMAND, (arg: unknown) => this.openFinding(arg)),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const report = this.reports.get(uri.toString());
    return report
      ? formatReportMarkdown(report)
      : '# Tiered review\n\nThis report is no longer available: run the review again.\n';
  }

  /** One Markdown document per review target (kept for "the report as text"). */
  uriFor(report: ReviewReport): vscode.Uri {
    const name = report.title.replace(/[\\/:*?"<>|#%]+/g, '_').slice(0, 80);
    return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/Review ${name}.md`, query: report.kind });
  }

  /** Remembers a report (a failed attempt too) as the last one without showing it. */
  remember(report: ReviewReport): void {
    this.latest = report;
    const uri = this.uriFor(report);
    this.reports.set(uri.toString(), report);
    this.changed.fire(uri);
  }

  /** Shows the report in the one report panel beside the editor (reused, so it updates in place). */
  async open(report: ReviewReport): Promise<void> {
    this.remember(report);
    this.shown = report;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'tiered.reviewReport',
        'Tiered review',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        // No script, no local files; links may run the one command that opens a finding.
        { enableScripts: false, enableCommandUris: [OPEN_FINDING_COMMAND], localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = undefined;
      });
      // A settings change (minConfidence) re-renders what is shown.
      this.disposables.push(
        vscode.workspace.onDidChangeConfiguration((e) => {
          if (e.affectsConfiguration('tiered.review') && this.shown) this.render(this.shown);
        }),
      );
    } else {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    this.render(report);
  }

  private render(report: ReviewReport): void {
    if (!this.panel) return;
    const status = !report.error ? '' : report.error.reason === 'cancelled' ? ' cancelled' : ' failed';
    this.panel.title = `Review${status}: ${report.title}`;
    this.panel.webview.html = reportHtml(report, {
      minConfidence: this.minConfidence(),
      nonce: randomBytes(18).toString('base64url'), // fresh per render
      openCommand: OPEN_FINDING_COMMAND,
      formatWhen: (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    });
  }

  /** The last review run in this window, failed or not. */
  get last(): ReviewReport | undefined {
    return this.latest;
  }

  /** Opens a finding's range; anything but a file of a held report at whole line numbers is refused. */
  private async openFinding(arg: unknown): Promise<void> {
    const link = validLink(arg, this.knownUris());
    if (!link) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(link.uri, true));
    const last = Math.max(0, doc.lineCount - 1);
    const start = Math.min(link.startLine - 1, last);
    const end = Math.min(link.endLine - 1, last);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).range.end.character);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
  }

  private knownUris(): Set<string> {
    const uris = new Set<string>();
    for (const r of [...this.reports.values(), ...(this.shown ? [this.shown] : [])])
      for (const f of r.files) uris.add(f.uri);
    return uris;
  }

  clear(): void {
    const uris = [...this.reports.keys()];
    this.reports.clear();
    this.latest = undefined;
    for (const u of uris) this.changed.fire(vscode.Uri.parse(u));
  }

  dispose(): void {
    this.panel?.dispose();
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
