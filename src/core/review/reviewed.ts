// The text a review saw at each line of a file: a fix is applied only while the code still reads
// like that, so the model's replacement never lands on code it did not review.
import type { ReviewInput } from './input';

/** Line number (1-based, new side) → the text the model was shown, for every part of `uri` in the input. */
export function reviewedLineMap(input: ReviewInput, uri: string): Map<number, string> {
  const lines = new Map<number, string>();
  for (const file of input.files) {
    if (file.uri !== uri) continue;
    if (file.hunks) {
      for (const h of file.hunks) {
        let n = h.newStart;
        for (const l of h.lines) {
          if (l[0] === '-') continue;
          lines.set(n++, l.slice(1));
        }
      }
    } else {
      file.text.split('\n').forEach((text, i) => lines.set(file.firstLine + i, text));
    }
  }
  return lines;
}

/** Lines start..end (1-based, inclusive) as reviewed, joined with "\n"; undefined if any was not shown. */
export function reviewedText(lines: ReadonlyMap<number, string>, start: number, end: number): string | undefined {
  const out: string[] = [];
  for (let n = start; n <= end; n++) {
    const text = lines.get(n);
    if (text === undefined) return undefined;
    out.push(text);
  }
  return out.join('\n');
}
