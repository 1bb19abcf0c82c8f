// What a review looks at, independent of the editor: files (or parts of files) with their line
// numbers, and for uncommitted or branch changes the hunks of a unified diff on the new side.

export type ReviewKind = 'selection' | 'file' | 'changes' | 'branch';

export interface ReviewFile {
  /** Workspace-relative path: the name the model sees and repeats in its findings. */
  path: string;
  /** An opaque id the editor maps back to a document (a URI string). */
  uri: string;
  languageId?: string;
  /** Numbered lines sent to the model (the selection, the file, or a diff's new side). */
  text: string;
  /** File line number (1-based) of `text`'s first line. */
  firstLine: number;
  /** For changes: the file's unified diff hunks; `text` is then ignored in the prompt. */
  hunks?: DiffHunk[];
  /** For changes: the file is new (untracked or added). */
  added?: boolean;
}

export interface ReviewInput {
  kind: ReviewKind;
  /** Short human name: "selection in src/a.ts:10-40", "src/a.ts", "3 changed files". */
  title: string;
  files: ReviewFile[];
  /** Paths left out because they match `tiered.exclude` (never sent). */
  excluded: string[];
  /** Other files left out, with why (deleted, binary, too large). */
  skipped?: string[];
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Raw hunk lines, each starting with ' ', '+' or '-'. */
  lines: string[];
}

export interface DiffFile {
  oldPath: string | null;
  newPath: string | null;
  hunks: DiffHunk[];
  binary: boolean;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function stripPrefix(p: string): string | null {
  const path = p.trim().replace(/^"(.*)"$/, '$1');
  if (path === '/dev/null') return null;
  return path.replace(/^[ab]\//, '');
}

/** Parses `git diff` output (one or many files). Unknown lines are ignored, never fatal. */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: DiffHunk | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('diff --git ')) {
      const m = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
      file = { oldPath: m ? m[1]! : null, newPath: m ? m[2]! : null, hunks: [], binary: false };
      files.push(file);
      hunk = undefined;
      continue;
    }
    if (!file) {
      if (!line.startsWith('--- ')) continue;
      file = { oldPath: null, newPath: null, hunks: [], binary: false };
      files.push(file);
    }
    if (!hunk && line.startsWith('--- ')) {
      file.oldPath = stripPrefix(line.slice(4));
      continue;
    }
    if (!hunk && line.startsWith('+++ ')) {
      file.newPath = stripPrefix(line.slice(4));
      continue;
    }
    if (line.startsWith('Binary files ') || line.startsWith('GIT binary patch')) {
      file.binary = true;
      continue;
    }
    if (line.startsWith('new file mode')) file.oldPath = null;
    if (line.startsWith('deleted file mode')) file.newPath = null;
    const h = HUNK.exec(line);
    if (h) {
      hunk = {
        oldStart: Number(h[1]),
        oldLines: h[2] === undefined ? 1 : Number(h[2]),
        newStart: Number(h[3]),
        newLines: h[4] === undefined ? 1 : Number(h[4]),
        lines: [],
      };
      file.hunks.push(hunk);
      continue;
    }
    if (hunk && (line.startsWith(' ') || line.startsWith('+') || line.startsWith('-'))) {
      // A new file header inside a multi-file diff without `diff --git` lines.
      if (line.startsWith('--- ') && hunkComplete(hunk)) {
        hunk = undefined;
        file = { oldPath: stripPrefix(line.slice(4)), newPath: null, hunks: [], binary: false };
        files.push(file);
        continue;
      }
      hunk.lines.push(line);
    } else if (hunk && line === '' && !hunkComplete(hunk)) {
      // Some tools strip the trailing space of an empty context line.
      hunk.lines.push(' ');
    }
  }
  return files;
}

function hunkComplete(h: DiffHunk): boolean {
  let oldSeen = 0;
  let newSeen = 0;
  for (const l of h.lines) {
    if (l[0] !== '+') oldSeen++;
    if (l[0] !== '-') newSeen++;
  }
  return oldSeen >= h.oldLines && newSeen >= h.newLines;
}

/** Lines on the new side (1-based, inclusive ranges) that a diff added or changed. */
export function changedRanges(hunks: DiffHunk[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const h of hunks) {
    let n = h.newStart;
    for (const l of h.lines) {
      if (l[0] === '+') {
        const last = out[out.length - 1];
        if (last && last[1] === n - 1) last[1] = n;
        else out.push([n, n]);
      }
      if (l[0] !== '-') n++;
    }
  }
  return out;
}

/** Numbers lines as the model sees them: "  12 | code". */
export function numberLines(text: string, firstLine: number): string {
  const lines = text.split('\n');
  const width = String(firstLine + lines.length - 1).length;
  return lines.map((l, i) => `${String(firstLine + i).padStart(width)} | ${l}`).join('\n');
}

/**
 * A diff rendered with new-side line numbers, so findings point at lines of the working file.
 * Removed lines carry no number ("   - old code").
 */
export function numberHunks(hunks: DiffHunk[]): string {
  const max = Math.max(1, ...hunks.map((h) => h.newStart + h.newLines));
  const width = String(max).length;
  const parts: string[] = [];
  for (const h of hunks) {
    parts.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    let n = h.newStart;
    for (const l of h.lines) {
      const mark = l[0]!;
      const code = l.slice(1);
      if (mark === '-') parts.push(`${' '.repeat(width)} -| ${code}`);
      else {
        parts.push(`${String(n).padStart(width)} ${mark === '+' ? '+' : ' '}| ${code}`);
        n++;
      }
    }
  }
  return parts.join('\n');
}

/** The text of one file as it goes into a prompt, with a header the model must repeat. */
export function renderFile(file: ReviewFile): string {
  const lang = file.languageId ? ` (${file.languageId})` : '';
  if (file.hunks) {
    const what = file.added ? 'new file' : 'changes';
    return `=== FILE: ${file.path}${lang} — ${what}, new-side line numbers, '+' added, '-' removed ===\n${numberHunks(file.hunks)}`;
  }
  const lines = file.text.split('\n').length;
  const range = file.firstLine === 1 ? '' : ` lines ${file.firstLine}-${file.firstLine + lines - 1}`;
  return `=== FILE: ${file.path}${lang}${range} ===\n${numberLines(file.text, file.firstLine)}`;
}

export function renderInput(files: ReviewFile[]): string {
  return files.map(renderFile).join('\n\n');
}

/** Splits files into those that may be sent and the excluded ones (by path). */
export function partitionExcluded<T extends { path: string }>(
  files: T[],
  isExcluded: (file: T) => boolean,
): { kept: T[]; excluded: string[] } {
  const kept: T[] = [];
  const excluded: string[] = [];
  for (const f of files) {
    if (isExcluded(f)) excluded.push(f.path);
    else kept.push(f);
  }
  return { kept, excluded };
}
