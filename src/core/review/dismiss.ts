// Dismissed findings: remembered by what they say and the code they point at, so a re-review of
// unchanged code does not raise a dismissed finding again, while one about changed code comes back.
// Pure: the editor persists `toJSON()` (workspaceState) and rebuilds with `DismissedSet.from`.
import { createHash } from 'node:crypto';
import type { Finding } from './findings';

/** How many dismissals are kept; the oldest go first (a dismissal of long-gone code is dead weight). */
export const MAX_DISMISSED = 500;

// Any finding shape (a Finding, a reported one with its uri): only these three parts are read.
type Fingerprinted = Pick<Finding, 'file' | 'category' | 'title'> & Partial<Finding>;

export interface DismissedEntry {
  /** findingFingerprint(): file, category, title and a hash of the finding's code lines. */
  fp: string;
  /** When it was dismissed (ms since the epoch): the oldest are dropped past MAX_DISMISSED. */
  at: number;
  /** For a person reading the stored state; not part of the match. */
  title: string;
}

/** The lines startLine..endLine (1-based, inclusive) of a file's text; missing lines are left out. */
export function codeLines(text: string, startLine: number, endLine: number): string[] {
  return text.split(/\r?\n/).slice(Math.max(0, startLine - 1), Math.max(0, endLine));
}

/**
 * The finding's identity: file + category + title + sha256 of its code lines. Line endings and
 * trailing spaces do not count (an editor may change them on save); any other edit to those lines does.
 * Line numbers do not count either: code moved down by an edit above it is still the same code.
 */
export function findingFingerprint(f: Fingerprinted, lines: readonly string[]): string {
  const code = lines.map((l) => l.replace(/\s+$/, '')).join('\n');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 32);
  // JSON keeps the parts apart whatever characters a path or title holds.
  return JSON.stringify([f.file, f.category, f.title.trim(), hash]);
}

export class DismissedSet {
  private readonly entries = new Map<string, DismissedEntry>();

  constructor(
    entries: readonly DismissedEntry[] = [],
    private readonly max = MAX_DISMISSED,
  ) {
    for (const e of [...entries].sort((a, b) => a.at - b.at)) this.entries.set(e.fp, e);
    this.trim();
  }

  /** Rebuilds from stored state; anything malformed (an older shape, a hand edit) is skipped. */
  static from(stored: unknown, max = MAX_DISMISSED): DismissedSet {
    const list = Array.isArray(stored) ? stored : [];
    const valid = list.filter(
      (e): e is DismissedEntry =>
        !!e &&
        typeof e === 'object' &&
        typeof (e as DismissedEntry).fp === 'string' &&
        typeof (e as DismissedEntry).at === 'number' &&
        Number.isFinite((e as DismissedEntry).at) &&
        typeof (e as DismissedEntry).title === 'string',
    );
    return new DismissedSet(valid, max);
  }

  /** Remembers the finding with the code it points at now; returns its fingerprint. */
  dismiss(finding: Fingerprinted, lines: readonly string[], now: number): string {
    const fp = findingFingerprint(finding, lines);
    this.entries.delete(fp); // a repeated dismissal counts as the newest
    this.entries.set(fp, { fp, at: now, title: finding.title.slice(0, 200) });
    this.trim();
    return fp;
  }

  isDismissed(finding: Fingerprinted, lines: readonly string[]): boolean {
    return this.entries.has(findingFingerprint(finding, lines));
  }

  /** Forgets one dismissal (an undo); true when it was there. */
  restore(fp: string): boolean {
    return this.entries.delete(fp);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Oldest first, ready for JSON (workspaceState). */
  toJSON(): DismissedEntry[] {
    return [...this.entries.values()];
  }

  private trim(): void {
    // Map order is insertion order, and entries are inserted oldest first: drop from the front.
    for (const fp of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(fp);
    }
  }
}
