// Ties the model's findings back to the reviewed files: the model may shorten or re-case a path,
// or point outside what it was shown; a replacement is kept only where it can be applied safely.
import type { Finding } from './findings';
import type { ReviewFile } from './input';
import type { ReportedFinding } from './report';

function norm(p: string): string {
  return p
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .replace(/^[ab]\//, '');
}

/** The reviewed file a finding's path names, or undefined. */
export function matchFile(path: string, files: ReviewFile[]): ReviewFile | undefined {
  const p = norm(path);
  const exact = files.find((f) => norm(f.path) === p);
  if (exact) return exact;
  const lower = p.toLowerCase();
  const ci = files.filter((f) => norm(f.path).toLowerCase() === lower);
  if (ci.length === 1) return ci[0];
  const suffix = files.filter((f) => norm(f.path).endsWith(`/${p}`) || p.endsWith(`/${norm(f.path)}`));
  if (suffix.length === 1) return suffix[0];
  const base = p.split('/').pop()!;
  const byBase = files.filter((f) => norm(f.path).split('/').pop() === base);
  if (byBase.length === 1) return byBase[0];
  const distinct = new Set(files.map((f) => f.uri));
  return distinct.size === 1 ? files[0] : undefined;
}

/** Lines the model was shown of a file (for diffs: the new side of its hunks). */
export function visibleLines(file: ReviewFile): Array<[number, number]> {
  if (file.hunks)
    return file.hunks.map((h) => [h.newStart, h.newStart + Math.max(h.newLines, 1) - 1] as [number, number]);
  const count = file.text.split('\n').length;
  return [[file.firstLine, file.firstLine + count - 1]];
}

function inside(ranges: Array<[number, number]>, start: number, end: number): boolean {
  return ranges.some(([a, b]) => start >= a && end <= b);
}

/**
 * Resolves each finding's file (all parts of a split file share a uri) and drops a replacement
 * whose lines the model did not see, or, with `allowed`, that are not in that set of lines.
 */
export function resolveFindings(
  findings: Finding[],
  files: ReviewFile[],
  allowed?: (path: string, line: number) => boolean,
): ReportedFinding[] {
  return findings.map((f) => {
    const file = matchFile(f.file, files);
    if (!file) {
      // Unknown file: reported, but no diagnostic and no fix.
      const { replacement: _dropped, ...rest } = f;
      return rest;
    }
    const parts = files.filter((x) => x.uri === file.uri);
    const ranges = parts.flatMap(visibleLines);
    let replacement = f.replacement;
    if (replacement !== undefined) {
      const seen = inside(ranges, f.startLine, f.endLine);
      const ok = allowed ? f.startLine === f.endLine && allowed(file.path, f.startLine) : true;
      if (!seen || !ok) replacement = undefined;
    }
    const out: ReportedFinding = { ...f, file: file.path, uri: file.uri };
    if (replacement === undefined) delete out.replacement;
    else out.replacement = replacement;
    return out;
  });
}
