// The review report as a spec sees it: the webview tab beside the editor (its page is not readable
// from the extension host), and the same report's text through the Markdown form the report view
// also serves (src/vscode/review/reportView.ts, REPORT_SCHEME). The HTML itself is unit-tested
// (test/unit/reviewReportHtml.test.ts).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewReport } from '../../../src/core/review/report';

/** Asserts the report's webview tab is open and returns the report as Markdown text. */
export async function shownReport(report: Pick<ReviewReport, 'title' | 'kind' | 'error'>): Promise<string> {
  const status = !report.error ? '' : report.error.reason === 'cancelled' ? ' cancelled' : ' failed';
  const label = `Review${status}: ${report.title}`;
  // The tab model reaches the extension host a moment after the panel is created.
  const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  const deadline = Date.now() + 10_000;
  while (!tabs().some((t) => t.input instanceof vscode.TabInputWebview && t.label === label)) {
    assert.ok(
      Date.now() < deadline,
      `no report tab "${label}"; tabs: ${tabs()
        .map((t) => t.label)
        .join(', ')}`,
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  const name = report.title.replace(/[\\/:*?"<>|#%]+/g, '_').slice(0, 80);
  const uri = vscode.Uri.from({ scheme: 'tiered-review', path: `/Review ${name}.md`, query: report.kind });
  return (await vscode.workspace.openTextDocument(uri)).getText();
}
