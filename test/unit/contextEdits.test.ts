import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EditHistory, type EditHistoryOptions } from '../../src/core/completion/context/edits';

/** A document as lines that applies changes the way VS Code reports them and feeds a history. */
class Doc {
  lines: string[];
  constructor(
    readonly history: EditHistory,
    readonly docKey: string,
    text: string,
  ) {
    this.lines = text.split('\n');
  }

  /** Replaces [line:col, endLine:endCol) with `text`, at time `at`. */
  edit(line: number, col: number, endLine: number, endCol: number, text: string, at = 0): void {
    const offset = (l: number, c: number): number => this.lines.slice(0, l).join('\n').length + (l > 0 ? 1 : 0) + c;
    const all = this.lines.join('\n');
    this.lines = (all.slice(0, offset(line, col)) + text + all.slice(offset(endLine, endCol))).split('\n');
    this.history.record(
      { docKey: this.docKey, path: this.docKey, startLine: line, oldEndLine: endLine, text },
      at,
      (from, to) => this.lines.slice(from, to + 1).join('\n'),
    );
  }

  /** Types `text` one character at a time at the end of `line`. */
  type(line: number, text: string, at = 0): void {
    for (const ch of text) {
      const col = this.lines[line]!.length;
      this.edit(line, col, line, col, ch, at);
      if (ch === '\n') line++;
    }
  }
}

const make = (opts?: EditHistoryOptions): EditHistory => new EditHistory(opts);
const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `line${i}`).join('\n');

describe('recent edit history', () => {
  test('consecutive keystrokes on one line make one hunk holding the line as typed, with a line around it', () => {
    const h = make();
    const d = new Doc(h, 'a.ts', numbered(10));
    d.type(4, ' = total + 1;');
    const edits = h.recent();
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.text, 'line3\nline4 = total + 1;\nline5');
    assert.equal(edits[0]!.path, 'a.ts');
  });

  test('typing down a block (new lines) grows the same hunk until it is too long', () => {
    const h = make({ maxLines: 6, contextLines: 1 });
    const d = new Doc(h, 'a.ts', numbered(10));
    d.type(2, '\nfoo();\nbar();');
    assert.equal(h.size, 1);
    assert.equal(h.recent()[0]!.text, 'line1\nline2\nfoo();\nbar();\nline3');
    d.type(4, '\nbaz();\nqux();\nquux();');
    assert.ok(h.size >= 2, 'a hunk grew past maxLines');
    for (const e of h.recent()) assert.ok(e.text.split('\n').length <= 6, e.text);
  });

  test('edits in distant places are separate hunks, oldest first', () => {
    const h = make();
    const d = new Doc(h, 'a.ts', numbered(40));
    d.type(5, 'A', 1);
    d.type(30, 'B', 2);
    assert.deepEqual(
      h.recent().map((e) => [e.text.split('\n')[1], e.at]),
      [
        ['line5A', 1],
        ['line30B', 2],
      ],
    );
  });

  test('coming back to an earlier hunk folds it into a new newest one (never shown twice)', () => {
    const h = make();
    const d = new Doc(h, 'a.ts', numbered(40));
    d.type(5, 'A', 1);
    d.type(30, 'B', 2);
    d.type(5, 'C', 3);
    const edits = h.recent();
    assert.equal(edits.length, 2);
    assert.match(edits[1]!.text, /line5AC/);
    assert.equal(edits[1]!.at, 3);
    assert.match(edits[0]!.text, /line30B/);
  });

  test('lines inserted above a hunk move it, so a later edit at its new place merges with it', () => {
    const h = make();
    const d = new Doc(h, 'a.ts', numbered(40));
    d.type(20, 'X');
    d.type(2, 'Y'); // a separate hunk
    d.edit(0, 0, 0, 0, 'new0\nnew1\nnew2\n'); // three lines above both
    assert.equal(d.lines[23], 'line20X');
    d.type(23, 'Z');
    const texts = h.recent().map((e) => e.text);
    assert.equal(texts.filter((t) => t.includes('line20')).length, 1, texts.join('\n--\n'));
    assert.match(texts.at(-1)!, /line20XZ/);
  });

  test('deleting the lines of a hunk folds it into the deletion', () => {
    const h = make();
    const d = new Doc(h, 'a.ts', numbered(20));
    d.type(8, 'X');
    d.type(15, 'Y');
    d.edit(6, 0, 10, 0, ''); // removes lines 6..9 (the X hunk included)
    const texts = h.recent().map((e) => e.text);
    assert.equal(
      texts.some((t) => t.includes('line8X')),
      false,
      texts.join('\n--\n'),
    );
    assert.equal(texts.length, 2);
  });

  test('keeps only the last maxHunks hunks', () => {
    const h = make({ maxHunks: 3 });
    const d = new Doc(h, 'a.ts', numbered(100));
    for (let i = 0; i < 6; i++) d.type(i * 10, `E${i}`, i);
    assert.deepEqual(
      h.recent().map((e) => e.at),
      [3, 4, 5],
    );
  });

  test('a big paste shows only its first maxLines lines', () => {
    const h = make({ maxLines: 4 });
    const d = new Doc(h, 'a.ts', numbered(5));
    d.edit(2, 0, 2, 0, 'p0\np1\np2\np3\np4\np5\n');
    const text = h.recent()[0]!.text;
    assert.equal(text.split('\n').length, 4);
    assert.equal(text, 'line1\np0\np1\np2');
  });

  test('forget drops the hunks of a closed document; retain drops those of newly excluded ones', () => {
    const h = make();
    const a = new Doc(h, 'a.ts', numbered(10));
    const b = new Doc(h, 'b.ts', numbered(10));
    const c = new Doc(h, '.env', numbered(10));
    a.type(1, 'A');
    b.type(1, 'B');
    c.type(1, 'C');
    h.forget('a.ts');
    assert.deepEqual(
      h.recent().map((e) => e.path),
      ['b.ts', '.env'],
    );
    h.retain((key) => key !== '.env');
    assert.deepEqual(
      h.recent().map((e) => e.path),
      ['b.ts'],
    );
  });

  test('recent(skip) leaves out the hunk the caller rejects (the one under the cursor)', () => {
    const h = make();
    const d = new Doc(h, 'a.ts', numbered(40));
    d.type(5, 'A');
    d.type(30, 'B');
    const edits = h.recent((docKey, start, end) => docKey === 'a.ts' && start <= 30 && end >= 30);
    assert.equal(edits.length, 1);
    assert.match(edits[0]!.text, /line5A/);
  });

  test('hunks of two documents do not merge even on the same line numbers', () => {
    const h = make();
    const a = new Doc(h, 'a.ts', numbered(10));
    const b = new Doc(h, 'b.ts', numbered(10));
    a.type(3, 'A');
    b.type(3, 'B');
    a.type(3, 'C');
    assert.deepEqual(
      h.recent().map((e) => e.path),
      ['b.ts', 'a.ts'],
    );
    assert.match(h.recent()[1]!.text, /line3AC/);
  });
});
