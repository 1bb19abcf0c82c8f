// Where a line of the committed (HEAD) version of a file is in the working tree, from the unified
// diff HEAD → working tree: a branch review's findings carry HEAD line numbers, the editor shows
// the working tree, which may have uncommitted edits on top.
import { parseUnifiedDiff, type DiffHunk } from './input';

/** A HEAD line (1-based) in the working tree: its line there, or `changed` with the nearest line. */
export type MappedLine = { line: number; changed?: undefined } | { changed: true; near: number };

export interface MappedRange {
  /** Working-tree lines (1-based, inclusive). */
  start: number;
  end: number;
  /** Some line of the range was modified or removed, or lines were added inside it. */
  changed: boolean;
}

export interface LineMap {
  line(n: number): MappedLine;
  range(start: number, end: number): MappedRange;
}

/** The same lines, all changed: a file deleted in the working tree, or binary there. */
export const ALL_CHANGED: LineMap = {
  line: (n) => ({ changed: true, near: n }),
  range: (start, end) => ({ start, end, changed: true }),
};

const UNCHANGED: LineMap = {
  line: (n) => ({ line: n }),
  range: (start, end) => ({ start, end, changed: false }),
};

interface Walked {
  /** First HEAD line the hunk covers and the line after its last. */
  oldFirst: number;
  oldEnd: number;
  /** HEAD line → working-tree line (context) or where it was removed (the line now in its place). */
  lines: Map<number, MappedLine>;
  /** HEAD lines before which the hunk added lines. */
  insertedBefore: Set<number>;
  /** Working-tree line minus HEAD line for the lines after the hunk. */
  deltaAfter: number;
}

function walk(h: DiffHunk): Walked {
  // A side with no lines names the line before the hunk (`@@ -4,2 +3,0 @@`: after working-tree
  // line 3); git follows GNU diff here: "An empty hunk is considered to end at the line that
  // precedes the hunk" (https://www.gnu.org/software/diffutils/manual/html_node/Detailed-Unified.html).
  const oldFirst = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
  let old = oldFirst;
  let now = h.newLines === 0 ? h.newStart + 1 : h.newStart;
  const lines = new Map<number, MappedLine>();
  const insertedBefore = new Set<number>();
  for (const l of h.lines) {
    if (l[0] === ' ') lines.set(old++, { line: now++ });
    else if (l[0] === '-') lines.set(old++, { changed: true, near: now });
    else if (l[0] === '+') {
      insertedBefore.add(old);
      now++;
    }
  }
  return { oldFirst, oldEnd: old, lines, insertedBefore, deltaAfter: now - old };
}

/** The map for one file's hunks (HEAD → working tree, any context size). No hunks: every line stays. */
export function lineMapFromHunks(hunks: readonly DiffHunk[]): LineMap {
  if (hunks.length === 0) return UNCHANGED;
  const walked = hunks.map(walk).sort((a, b) => a.oldFirst - b.oldFirst);
  const line = (n: number): MappedLine => {
    let delta = 0;
    for (const w of walked) {
      if (n < w.oldFirst) break;
      const inside = w.lines.get(n);
      if (inside) return inside;
      if (n >= w.oldEnd) delta = w.deltaAfter;
    }
    return { line: n + delta };
  };
  const range = (start: number, end: number): MappedRange => {
    // Mapped by its ends: the first and last lines of the range that are still there.
    let first: number | undefined;
    let last: number | undefined;
    let changed = false;
    for (let n = start; n <= end; n++) {
      const m = line(n);
      if (m.changed) changed = true;
      else {
        first ??= m.line;
        last = m.line;
      }
      if (n > start && walked.some((w) => w.insertedBefore.has(n))) changed = true;
    }
    if (first !== undefined && last !== undefined) return { start: first, end: last, changed };
    // Every line was removed or rewritten: anchored where the first one was.
    const near = (line(start) as { near: number }).near;
    return { start: near, end: near, changed: true };
  };
  return { line, range };
}

/**
 * Line maps per HEAD path (repository-relative, "/" separators) from `git diff HEAD -- <paths>`
 * output: a path the diff does not name has no uncommitted change and maps to itself.
 */
export function workingTreeLineMaps(diff: string): Map<string, LineMap> {
  const maps = new Map<string, LineMap>();
  for (const f of parseUnifiedDiff(diff)) {
    // Without rename detection a file's HEAD side is its old path; null: added, not a HEAD file.
    if (f.oldPath === null) continue;
    maps.set(f.oldPath, f.newPath === null || f.binary ? ALL_CHANGED : lineMapFromHunks(f.hunks));
  }
  return maps;
}

/** The map for `path`: unchanged when the diff does not name it. */
export function lineMapFor(maps: ReadonlyMap<string, LineMap>, path: string): LineMap {
  return maps.get(path) ?? UNCHANGED;
}
