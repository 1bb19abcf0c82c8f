// Review findings as diagnostics (source "Tiered review") in the Problems panel, kept on the right
// lines while the user edits, with what a quick fix needs to apply a replacement safely.
import * as vscode from 'vscode';
import type { Severity } from '../../core/review/findings';
import type { ReportedFinding, ReviewReport } from '../../core/review/report';
import { applyLineEdit, countLineBreaks } from '../../core/review/track';

export const REVIEW_SOURCE = 'Tiered review';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export interface FindingEntry {
  finding: ReportedFinding;
  /** 0-based, inclusive: the whole lines the finding covers now. */
  startLine: number;
  endLine: number;
  /** The text of those lines when the review ran: a fix applies only while it is unchanged. */
  snapshot: string;
}

export function diagnosticMessage(f: ReportedFinding): string {
  return `${f.title}\n${f.explanation}`;
}

export class ReviewDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tiered-review');
  private readonly entries = new Map<string, FindingEntry[]>();
  private readonly listener: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor() {
    this.listener = vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e));
  }

  /** Replaces the findings of every file the report reviewed. */
  async show(report: ReviewReport): Promise<number> {
    let shown = 0;
    for (const file of report.files) this.entries.delete(file.uri);
    for (const f of report.findings) {
      if (!f.uri) continue;
      const doc = await openDoc(f.uri);
      if (!doc) continue;
      const last = doc.lineCount - 1;
      const startLine = Math.min(Math.max(0, f.startLine - 1), last);
      const endLine = Math.min(Math.max(startLine, f.endLine - 1), last);
      const snapshot = doc.getText(new vscode.Range(startLine, 0, endLine, doc.lineAt(endLine).text.length));
      const list = this.entries.get(f.uri) ?? [];
      list.push({ finding: f, startLine, endLine, snapshot });
      this.entries.set(f.uri, list);
      shown++;
    }
    for (const file of report.files) this.publish(file.uri);
    this.changed.fire();
    return shown;
  }

  entriesFor(uri: vscode.Uri): readonly FindingEntry[] {
    return this.entries.get(uri.toString()) ?? [];
  }

  get count(): number {
    let n = 0;
    for (const list of this.entries.values()) n += list.length;
    return n;
  }

  clear(): void {
    this.entries.clear();
    this.collection.clear();
    this.changed.fire();
  }

  private publish(uri: string): void {
    const list = this.entries.get(uri) ?? [];
    const diagnostics = list.map((e) => toDiagnostic(e));
    this.collection.set(vscode.Uri.parse(uri), diagnostics);
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    let list = this.entries.get(key);
    if (!list || e.contentChanges.length === 0) return;
    // Changes arrive ordered so that applying them one after another is correct.
    for (const c of e.contentChanges) {
      list = applyLineEdit(list, {
        startLine: c.range.start.line,
        endLine: c.range.end.line,
        insertedLineBreaks: countLineBreaks(c.text),
      }).kept;
    }
    this.entries.set(key, list);
    this.publish(key);
    this.changed.fire();
  }

  dispose(): void {
    this.listener.dispose();
    this.collection.dispose();
    this.changed.dispose();
  }
}

function toDiagnostic(e: FindingEntry): vscode.Diagnostic {
  const lines = e.snapshot.split(/\r?\n/);
  const firstIndent = lines[0]!.length - lines[0]!.trimStart().length;
  const range = new vscode.Range(e.startLine, firstIndent, e.endLine, lines[lines.length - 1]!.length);
  const d = new vscode.Diagnostic(range, diagnosticMessage(e.finding), SEVERITY[e.finding.severity]);
  d.source = REVIEW_SOURCE;
  d.code = e.finding.category;
  return d;
}

async function openDoc(uri: string): Promise<vscode.TextDocument | undefined> {
  try {
    return await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  } catch {
    return undefined;
  }
}
