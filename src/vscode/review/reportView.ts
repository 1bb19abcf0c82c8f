// The review report as a themed webview beside the editor (src/core/review/reportHtml.ts builds the
// page). The page runs no script; a finding's link is a command URI, and the webview allows that
// one command only. The command opens only files of a report this view holds, at the range given.
// The Markdown form (to paste into a pull request) is copied to the clipboard or opened as a
// read-only virtual document (REPORT_SCHEME) by two commands, also links in the page's header.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Confidence } from '../../core/review/findings';
import type { ReviewReport } from '../../core/review/report';
import { formatReportMarkdown } from '../../core/review/reportMarkdown';
import { reportHtml, validLink } from '../../core/review/reportHtml';

export const REPORT_SCHEME = 'tiered-review';
/** Internal: run by the report's links, not contributed to the palette. */
export const OPEN_FINDING_COMMAND = 'tiered.openReviewFinding';
export const COPY_MARKDOWN_COMMAND = 'tiered.copyReviewMarkdown';
export const OPEN_MARKDOWN_COMMAND = 'tiered.openReviewMarkdown';
export const NO_REPORT =
  'No deep review has run in this window yet: run "Deep Review: File" or another review command.';

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
      // Arguments are ignored: from the palette or the page's links, they act on the current report.
      vscode.commands.registerCommand(COPY_MARKDOWN_COMMAND, () => this.copyMarkdown()),
      vscode.commands.registerCommand(OPEN_MARKDOWN_COMMAND, () => this.openMarkdown()),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const report = this.reports.get(uri.toString());
    return report
      ? this.markdown(report)
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
        {
          enableScripts: false,
          enableCommandUris: [OPEN_FINDING_COMMAND, COPY_MARKDOWN_COMMAND, OPEN_MARKDOWN_COMMAND],
          localResourceRoots: [],
        },
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
      markdownCommands: { copy: COPY_MARKDOWN_COMMAND, open: OPEN_MARKDOWN_COMMAND },
      formatWhen: (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    });
  }

  /** Same collapsed findings as the page (`tiered.review.minConfidence`). */
  private markdown(report: ReviewReport): string {
    return formatReportMarkdown(report, { minConfidence: this.minConfidence() });
  }

  /** The report the panel shows, else the last one run in this window. */
  private get current(): ReviewReport | undefined {
    return this.shown ?? this.latest;
  }

  /** Copies the current report as Markdown (for a pull request or an issue). */
  private async copyMarkdown(): Promise<void> {
    const report = this.current;
    if (!report) return void vscode.window.showInformationMessage(NO_REPORT);
    await vscode.env.clipboard.writeText(this.markdown(report));
    vscode.window.setStatusBarMessage(`$(copy) Tiered: review of ${report.title} copied as Markdown`, 5000);
  }

  /** Opens the current report's Markdown document beside, to read, search or save. */
  private async openMarkdown(): Promise<void> {
    const report = this.current;
    if (!report) return void vscode.window.showInformationMessage(NO_REPORT);
    const uri = this.uriFor(report);
    // Held under its URI so the document shows this report even if it was not the last one stored.
    this.reports.set(uri.toString(), report);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
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
