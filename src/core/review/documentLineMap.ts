// Where a HEAD line is in a document's current text (an editor buffer with unsaved edits, which
// `git diff` cannot see): a line diff of the two texts, computed here with jsdiff, turned into the
// same -U0 hunks `git diff` gives so `lineMapFromHunks` maps them alike.
import { diffArrays } from 'diff';
import type { DiffHunk } from './input';
import { ALL_CHANGED, lineMapFromHunks, type LineMap } from './lineMap';

/**
 * A text's lines without their endings: a CRLF document and an LF blob compare equal line by
 * line. A final line ending ends the last line rather than starting an empty one.
 */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** -U0 hunks (git's numbering) turning `head` lines into `now` lines; undefined past `timeoutMs`. */
export function lineHunks(head: readonly string[], now: readonly string[], timeoutMs = 2000): DiffHunk[] | undefined {
  // Myers diff on whole lines compared with ===, https://github.com/kpdecker/jsdiff#readme
  // ("diffArrays"); `timeout` makes it give up (return undefined) on huge, very different texts.
  const changes = diffArrays([...head], [...now], { timeout: timeoutMs });
  if (!changes) return undefined;
  const hunks: DiffHunk[] = [];
  let old = 1;
  let cur = 1;
  let open: DiffHunk | undefined;
  for (const c of changes) {
    if (!c.added && !c.removed) {
      open = undefined;
      old += c.count;
      cur += c.count;
      continue;
    }
    if (!open) {
      open = { oldStart: old, oldLines: 0, newStart: cur, newLines: 0, lines: [] };
      hunks.push(open);
    }
    for (const l of c.value) open.lines.push(`${c.added ? '+' : '-'}${l}`);
    if (c.added) {
      open.newLines += c.count;
      cur += c.count;
    } else {
      open.oldLines += c.count;
      old += c.count;
    }
  }
  // A side with no lines names the line before the hunk, as git (GNU diff) writes it:
  // https://www.gnu.org/software/diffutils/manual/html_node/Detailed-Unified.html
  for (const h of hunks) {
    if (h.oldLines === 0) h.oldStart--;
    if (h.newLines === 0) h.newStart--;
  }
  return hunks;
}

/**
 * HEAD → the document's current text. No HEAD text (the file is new since HEAD) or a diff too
 * costly to finish: every line stays where it was, all marked changed.
 */
export function documentLineMap(head: string | undefined, now: string): LineMap {
  if (head === undefined) return ALL_CHANGED;
  const hunks = lineHunks(splitLines(head), splitLines(now));
  return hunks ? lineMapFromHunks(hunks) : ALL_CHANGED;
}
