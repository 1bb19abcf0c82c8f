// Review findings as diagnostics (source "Tiered review") in the Problems panel, kept on the right
// lines while the user edits, with what a fix needs to apply a replacement safely. The comment
// threads (comments.ts) are drawn from the same entries, so both move, go stale and go away together.
import * as vscode from 'vscode';
import { splitByConfidence, type Confidence, type Severity } from '../../core/review/findings';
import type { ReviewInput } from '../../core/review/input';
import type { MappedRange } from '../../core/review/lineMap';
import type { ReportedFinding, ReviewReport } from '../../core/review/report';
import { reviewedLineMap, reviewedText } from '../../core/review/reviewed';
import { applyLineEdit, countLineBreaks } from '../../core/review/track';

export const REVIEW_SOURCE = 'Tiered review';
const STALE_PER_DOCUMENT = 50;

// The Problems panel lists no Hint diagnostics (they only show as dots under the code), so a hint
// is published as Information: every finding stays visible there, its quick fix included.
const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Information,
};

export interface FindingEntry {
  /** Unique in this window: how a comment thread or a command names the finding. */
  id: number;
  finding: ReportedFinding;
  /** 0-based, inclusive: the whole lines the finding covers now. */
  startLine: number;
  endLine: number;
  /** The document's text of those lines when the findings were shown (the diagnostic's range). */
  snapshot: string;
  /** The text of those lines the model reviewed: a fix applies only while the code still reads so. */
  reviewed: string;
  /** Below `tiered.review.minConfidence`: in the Problems panel, but no comment thread until asked. */
  lower: boolean;
  /**
   * Branch review: the finding's lines were edited since they were committed (uncommitted changes),
   * so it sits at the nearest line that is still there, says so, and offers no fix.
   */
  changed?: boolean;
}

/** Said in a changed finding's thread and diagnostic. */
export const CHANGED_NOTE = 'The code here changed since it was committed; review again for current findings.';

export interface ShowOptions {
  /** What was sent: the reviewed text of each finding's lines comes from it. */
  input?: ReviewInput;
  minConfidence?: Confidence;
  /** A finding the user dismissed earlier, for the same code (`lines`: its lines now). */
  isDismissed?(finding: ReportedFinding, lines: string[]): boolean;
  /**
   * Branch review: a finding's lines in the working tree (1-based) when they differ from the
   * reviewed (committed) ones; undefined keeps the finding's own lines.
   */
  place?(finding: ReportedFinding): MappedRange | undefined;
}

export interface ShowResult {
  /** Findings placed in a document (all but dismissed ones and those in unknown files). */
  shown: number;
  dismissed: number;
  /** Of `shown`, those below the confidence threshold. */
  lower: number;
}

export function diagnosticMessage(f: ReportedFinding, changed?: boolean): string {
  return `${f.title}\n${f.explanation}${changed ? `\n(${CHANGED_NOTE})` : ''}`;
}

/** The document's current text of an entry's lines ("\n" line breaks), or undefined past its end. */
export function currentText(
  doc: vscode.TextDocument,
  e: Pick<FindingEntry, 'startLine' | 'endLine'>,
): string | undefined {
  if (e.endLine >= doc.lineCount) return undefined;
  const range = new vscode.Range(e.startLine, 0, e.endLine, doc.lineAt(e.endLine).text.length);
  return doc.getText(range).replace(/\r\n/g, '\n');
}

export class ReviewDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tiered-review');
  private readonly entries = new Map<string, FindingEntry[]>();
  /**
   * Findings an edit touched, per document: an undo or redo that brings back exactly the lines a
   * finding was on (an applied fix undone) brings the finding back. Bounded per document.
   */
  private readonly stale = new Map<string, FindingEntry[]>();
  private readonly listener: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  private nextId = 0;
  readonly onDidChange = this.changed.event;

  constructor() {
    this.listener = vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e));
  }

  /** Replaces the findings of every file the report reviewed. */
  async show(report: ReviewReport, options: ShowOptions = {}): Promise<ShowResult> {
    const result: ShowResult = { shown: 0, dismissed: 0, lower: 0 };
    const lower = new Set(options.minConfidence ? splitByConfidence(report.findings, options.minConfidence).lower : []);
    for (const file of report.files) {
      this.entries.delete(file.uri);
      this.stale.delete(file.uri);
    }
    const reviewedByUri = new Map<string, Map<number, string>>();
    for (const f of report.findings) {
      if (!f.uri) continue;
      const doc = await openDoc(f.uri);
      if (!doc) continue;
      const last = doc.lineCount - 1;
      const placed = options.place?.(f);
      const startLine = Math.min(Math.max(0, (placed?.start ?? f.startLine) - 1), last);
      const endLine = Math.min(Math.max(startLine, (placed?.end ?? f.endLine) - 1), last);
      const snapshot = currentText(doc, { startLine, endLine }) ?? '';
      if (options.isDismissed?.(f, snapshot.split('\n'))) {
        result.dismissed++;
        continue;
      }
      let reviewedLines = reviewedByUri.get(f.uri);
      if (!reviewedLines) {
        reviewedLines = options.input ? reviewedLineMap(options.input, f.uri) : new Map<number, string>();
        reviewedByUri.set(f.uri, reviewedLines);
      }
      // Without the input (or for lines it did not show) the code at show time is what was reviewed.
      // A placed finding was reviewed at its own (committed) lines.
      const reviewed =
        (placed
          ? reviewedText(reviewedLines, f.startLine, f.endLine)
          : reviewedText(reviewedLines, startLine + 1, endLine + 1)) ?? snapshot;
      const list = this.entries.get(f.uri) ?? [];
      const isLower = lower.has(f);
      list.push({
        id: ++this.nextId,
        finding: f,
        startLine,
        endLine,
        snapshot,
        reviewed,
        lower: isLower,
        ...(placed?.changed ? { changed: true } : {}),
      });
      this.entries.set(f.uri, list);
      result.shown++;
      if (isLower) result.lower++;
    }
    for (const file of report.files) this.publish(file.uri);
    this.changed.fire();
    return result;
  }

  /** Every entry, by document (URI string). */
  all(): ReadonlyMap<string, readonly FindingEntry[]> {
    return this.entries;
  }

  byId(id: number): { uri: string; entry: FindingEntry } | undefined {
    for (const [uri, list] of this.entries) {
      const entry = list.find((e) => e.id === id);
      if (entry) return { uri, entry };
    }
    return undefined;
  }

  /** Drops one finding (dismissed): from the Problems panel and, through onDidChange, its thread. */
  remove(id: number): boolean {
    const found = this.byId(id);
    if (!found) return false;
    this.entries.set(
      found.uri,
      (this.entries.get(found.uri) ?? []).filter((e) => e.id !== id),
    );
    this.publish(found.uri);
    this.changed.fire();
    return true;
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
    this.stale.clear();
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
    const current = this.entries.get(key);
    if (!current || e.contentChanges.length === 0) return;
    let list: FindingEntry[] = current;
    let stale = this.stale.get(key) ?? [];
    // Changes arrive ordered so that applying them one after another is correct.
    for (const c of e.contentChanges) {
      const edit = {
        startLine: c.range.start.line,
        endLine: c.range.end.line,
        insertedLineBreaks: countLineBreaks(c.text),
      };
      const live = applyLineEdit(list, edit);
      const old = applyLineEdit(stale, edit);
      list = live.kept;
      // A stale finding the edit touches keeps its lines: only an exact match brings it back.
      stale = [...old.kept, ...old.dropped, ...live.dropped].slice(-STALE_PER_DOCUMENT);
    }
    if (e.reason !== undefined && stale.length) {
      // Undo or redo (TextDocumentChangeReason): restore the findings whose lines read as shown.
      const back = stale.filter((s) => currentText(e.document, s) === s.snapshot);
      if (back.length) {
        stale = stale.filter((s) => !back.includes(s));
        list = [...list, ...back].sort((a, b) => a.startLine - b.startLine || a.id - b.id);
      }
    }
    this.stale.set(key, stale);
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
  const d = new vscode.Diagnostic(range, diagnosticMessage(e.finding, e.changed), SEVERITY[e.finding.severity]);
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
