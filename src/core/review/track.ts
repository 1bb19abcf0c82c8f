// Keeps findings on the right lines while the user edits: findings below an edit move by the
// number of lines it added or removed; findings the edit touches are dropped (stale).

export interface LineSpan {
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
}

export interface LineEdit {
  /** The replaced range's first and last line (0-based, inclusive). */
  startLine: number;
  endLine: number;
  /** Line breaks in the inserted text. */
  insertedLineBreaks: number;
}

export function applyLineEdit<T extends LineSpan>(items: readonly T[], edit: LineEdit): { kept: T[]; dropped: T[] } {
  const delta = edit.insertedLineBreaks - (edit.endLine - edit.startLine);
  const kept: T[] = [];
  const dropped: T[] = [];
  for (const item of items) {
    if (item.endLine < edit.startLine) kept.push(item);
    else if (item.startLine > edit.endLine)
      kept.push({ ...item, startLine: item.startLine + delta, endLine: item.endLine + delta });
    else dropped.push(item);
  }
  return { kept, dropped };
}

/** Counts line breaks (\n, \r\n and lone \r each count once). */
export function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

/** The text a quick fix writes over whole lines: the model's replacement in the file's line ending. */
export function replacementText(replacement: string, eol: '\n' | '\r\n'): string {
  const lines = replacement.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return lines.join(eol);
}
