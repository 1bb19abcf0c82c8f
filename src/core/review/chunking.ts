// Splits a large review input into pieces the extractor (lite) can take one at a time. Files stay
// whole when they fit; a file larger than a chunk is split at line (or hunk) boundaries, keeping
// its real line numbers so the extractor's key lines still point at the right place.
import { estimateTextTokens } from '../usage';
import { renderFile, type DiffHunk, type ReviewFile } from './input';

export interface Chunk {
  files: ReviewFile[];
  /** Estimated tokens of the rendered files. */
  tokens: number;
}

export type TokenCounter = (text: string) => number;

/** Packs files in order into chunks of at most `maxTokens` (a part that alone exceeds it stands alone). */
export function chunkFiles(files: ReviewFile[], maxTokens: number, count: TokenCounter = estimateTextTokens): Chunk[] {
  if (maxTokens < 1) throw new RangeError('maxTokens must be positive');
  const chunks: Chunk[] = [];
  let current: Chunk = { files: [], tokens: 0 };
  for (const file of files) {
    for (const part of splitFile(file, maxTokens, count)) {
      const tokens = count(renderFile(part));
      if (current.files.length > 0 && current.tokens + tokens > maxTokens) {
        chunks.push(current);
        current = { files: [], tokens: 0 };
      }
      current.files.push(part);
      current.tokens += tokens;
    }
  }
  if (current.files.length > 0) chunks.push(current);
  return chunks;
}

/** One file as parts of at most `maxTokens` each, split on line or hunk boundaries (an overlong line is cut). */
export function splitFile(file: ReviewFile, maxTokens: number, count: TokenCounter = estimateTextTokens): ReviewFile[] {
  if (count(renderFile(file)) <= maxTokens) return [file];
  return file.hunks ? splitHunks(file, maxTokens, count) : splitText(file, maxTokens, count);
}

function splitText(file: ReviewFile, maxTokens: number, count: TokenCounter): ReviewFile[] {
  const lines = file.text.split('\n');
  const parts: ReviewFile[] = [];
  let start = 0;
  let tokens = 0;
  const flush = (end: number) => {
    if (end > start)
      parts.push({ ...file, text: lines.slice(start, end).join('\n'), firstLine: file.firstLine + start });
  };
  for (let i = 0; i < lines.length; i++) {
    // +2 for the line number gutter each rendered line carries.
    const t = count(lines[i]!) + 2;
    if (t > maxTokens) {
      // One line over the whole budget (minified code): cut it into pieces that keep its number.
      flush(i);
      for (const piece of cutLine(lines[i]!, maxTokens - 2, count)) {
        parts.push({ ...file, text: piece, firstLine: file.firstLine + i });
      }
      start = i + 1;
      tokens = 0;
      continue;
    }
    if (i > start && tokens + t > maxTokens) {
      flush(i);
      start = i;
      tokens = 0;
    }
    tokens += t;
  }
  flush(lines.length);
  return parts.length > 0 ? parts : [file];
}

/** Consecutive pieces of `line`, each within `budget` tokens (never splitting a surrogate pair). */
function cutLine(line: string, budget: number, count: TokenCounter): string[] {
  const pieces: string[] = [];
  for (let pos = 0; pos < line.length;) {
    let n = Math.min(line.length - pos, Math.max(1, Math.floor(Math.max(1, budget) * 3.5)));
    // The estimate is close to linear in length: shrink by the overshoot until the piece fits.
    for (let c = count(line.slice(pos, pos + n)); c > budget && n > 1; c = count(line.slice(pos, pos + n))) {
      n = Math.max(1, Math.min(n - 1, Math.floor((n * budget) / c)));
    }
    const code = line.charCodeAt(pos + n - 1);
    if (n > 1 && code >= 0xd800 && code <= 0xdbff) n--;
    pieces.push(line.slice(pos, pos + n));
    pos += n;
  }
  return pieces;
}

function splitHunks(file: ReviewFile, maxTokens: number, count: TokenCounter): ReviewFile[] {
  const pieces = file.hunks!.flatMap((h) => splitHunk(h, maxTokens, count));
  const parts: ReviewFile[] = [];
  let group: DiffHunk[] = [];
  let tokens = 0;
  for (const h of pieces) {
    const t = h.lines.reduce((sum, l) => sum + count(l) + 2, 4);
    if (group.length > 0 && tokens + t > maxTokens) {
      parts.push({ ...file, hunks: group });
      group = [];
      tokens = 0;
    }
    group.push(h);
    tokens += t;
  }
  if (group.length > 0) parts.push({ ...file, hunks: group });
  return parts;
}

/** Splits one hunk into consecutive hunks, recomputing their start lines and counts. */
export function splitHunk(h: DiffHunk, maxTokens: number, count: TokenCounter = estimateTextTokens): DiffHunk[] {
  const out: DiffHunk[] = [];
  let oldN = h.oldStart;
  let newN = h.newStart;
  let cur: DiffHunk = { oldStart: oldN, oldLines: 0, newStart: newN, newLines: 0, lines: [] };
  let tokens = 4;
  for (const l of h.lines) {
    const t = count(l) + 2;
    if (cur.lines.length > 0 && tokens + t > maxTokens) {
      out.push(cur);
      cur = { oldStart: oldN, oldLines: 0, newStart: newN, newLines: 0, lines: [] };
      tokens = 4;
    }
    cur.lines.push(l);
    tokens += t;
    if (l[0] !== '+') {
      cur.oldLines++;
      oldN++;
    }
    if (l[0] !== '-') {
      cur.newLines++;
      newN++;
    }
  }
  if (cur.lines.length > 0) out.push(cur);
  return out;
}
