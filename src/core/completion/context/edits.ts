// The user's recent edits as small hunks for inline prompts (pure: the VS Code edge feeds it the
// changes and a way to read the lines after them). Consecutive keystrokes on the same lines grow
// one hunk; a bounded number of hunks is kept; hunks of closed or excluded documents are dropped.
import type { RecentEdit } from './types';

/** One content change, in line coordinates of the document before it was applied (0-based). */
export interface LineChange {
  /** Identifies the document (its URI string). */
  docKey: string;
  /** Workspace-relative path shown to the model. */
  path: string;
  /** First line the replaced range touches. */
  startLine: number;
  /** Last line the replaced range touches (before the change). */
  oldEndLine: number;
  /** The inserted text (its line breaks move the lines below). */
  text: string;
}

export interface EditHistoryOptions {
  /** Hunks kept, newest last (Copilot and Continue keep about ten). */
  maxHunks?: number;
  /** Lines shown around the changed lines. */
  contextLines?: number;
  /** Largest hunk shown (changed lines plus context); a bigger paste shows its first lines. */
  maxLines?: number;
}

interface Hunk {
  docKey: string;
  path: string;
  /** Changed lines in the document's current coordinates (inclusive). */
  start: number;
  end: number;
  text: string;
  at: number;
}

/** Reads lines [from, to] (inclusive, clipped to the document) as they are now, joined by '\n'. */
export type LineReader = (from: number, to: number) => string;

const lineBreaks = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

export class EditHistory {
  private hunks: Hunk[] = [];
  private readonly maxHunks: number;
  private readonly contextLines: number;
  private readonly maxLines: number;

  constructor(opts: EditHistoryOptions = {}) {
    this.maxHunks = opts.maxHunks ?? 10;
    this.contextLines = opts.contextLines ?? 1;
    this.maxLines = opts.maxLines ?? 8;
  }

  /** Records one change at `at` (ms); `read` gives the document's lines after the change. */
  record(change: LineChange, at: number, read: LineReader): void {
    const delta = lineBreaks(change.text) - (change.oldEndLine - change.startLine);
    const newEnd = change.startLine + lineBreaks(change.text);
    // Hunks below the change move with it; a hunk the change overlaps is folded into the new one
    // (its old text is stale), so one place is never shown twice.
    let start = change.startLine;
    let end = newEnd;
    const newest = this.hunks.at(-1);
    const kept: Hunk[] = [];
    for (const h of this.hunks) {
      if (h.docKey !== change.docKey) {
        kept.push(h);
        continue;
      }
      const hEnd = h.end > change.oldEndLine ? h.end + delta : Math.min(h.end, newEnd);
      const hStart = h.start > change.oldEndLine ? h.start + delta : Math.min(h.start, newEnd);
      // The newest hunk also absorbs a change on the line next to it (typing down a block).
      const slack = h === newest ? 1 : 0;
      const touches = hStart <= end + slack && hEnd >= start - slack;
      if (touches && Math.max(end, hEnd) - Math.min(start, hStart) + 1 + 2 * this.contextLines <= this.maxLines) {
        start = Math.min(start, hStart);
        end = Math.max(end, hEnd);
        continue;
      }
      if (touches && hStart >= start && hEnd <= end) continue;
      kept.push({ ...h, start: hStart, end: Math.max(hStart, hEnd) });
    }
    const from = Math.max(0, start - this.contextLines);
    const to = Math.min(end + this.contextLines, from + this.maxLines - 1);
    kept.push({ docKey: change.docKey, path: change.path, start, end, text: read(from, to), at });
    this.hunks = kept.slice(-this.maxHunks);
  }

  /** Drops every hunk of a document (it closed, or became excluded). */
  forget(docKey: string): void {
    this.hunks = this.hunks.filter((h) => h.docKey !== docKey);
  }

  /** Keeps only the hunks whose document passes `keep` (e.g. not excluded under new settings). */
  retain(keep: (docKey: string) => boolean): void {
    this.hunks = this.hunks.filter((h) => keep(h.docKey));
  }

  /**
   * The hunks, oldest first, without those `skip` rejects (the edge skips the hunk under the
   * cursor: the file window already shows it, and it changes on every keystroke).
   */
  recent(skip?: (docKey: string, start: number, end: number) => boolean): RecentEdit[] {
    return this.hunks
      .filter((h) => !skip?.(h.docKey, h.start, h.end))
      .map((h) => ({ path: h.path, text: h.text, at: h.at }));
  }

  get size(): number {
    return this.hunks.length;
  }
}
