// A branch review's findings carry HEAD line numbers; a document open with unsaved edits is mapped
// from HEAD's text to the buffer's text (git cannot see it), with a line diff computed in-process.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentLineMap, lineHunks, splitLines } from '../../src/core/review/documentLineMap';
import { ALL_CHANGED } from '../../src/core/review/lineMap';

const HEAD = ['function parse(s) {', '  return parseInt(s);', '}', '', 'const retries = -1;', ''].join('\n');

describe('HEAD text → unsaved document line map', () => {
  test('an unsaved insertion above a finding moves it down; lines above stay', () => {
    const now = HEAD.replace('function', '// note\n// more\nfunction');
    const m = documentLineMap(HEAD, now);
    assert.deepEqual(m.line(1), { line: 3 });
    assert.deepEqual(m.range(2, 2), { start: 4, end: 4, changed: false });
    assert.deepEqual(m.range(5, 5), { start: 7, end: 7, changed: false });
    // Inserted between lines 2 and 3: line 2 stays, line 5 moves, a range across it is changed.
    const mid = documentLineMap(HEAD, HEAD.replace('}', 'x;\n}'));
    assert.deepEqual(mid.line(2), { line: 2 });
    assert.deepEqual(mid.line(5), { line: 6 });
    assert.deepEqual(mid.range(1, 3), { start: 1, end: 4, changed: true });
  });

  test('an unsaved deletion above a finding moves it up; the deleted line is changed', () => {
    const m = documentLineMap(HEAD, HEAD.replace('  return parseInt(s);\n', ''));
    assert.deepEqual(m.line(1), { line: 1 });
    assert.deepEqual(m.line(2), { changed: true, near: 2 });
    assert.deepEqual(m.range(5, 5), { start: 4, end: 4, changed: false });
  });

  test('an edited finding line is changed, in its place; the others are not', () => {
    const m = documentLineMap(HEAD, HEAD.replace('-1', '-2'));
    assert.deepEqual(m.range(5, 5), { start: 5, end: 5, changed: true });
    assert.deepEqual(m.range(2, 2), { start: 2, end: 2, changed: false });
    // Edited and lines added above: changed, at its new place.
    const both = documentLineMap(HEAD, `// top\n${HEAD.replace('-1', '-2')}`);
    assert.deepEqual(both.range(5, 5), { start: 6, end: 6, changed: true });
  });

  test('a CRLF document against an LF HEAD blob: unchanged lines are unchanged', () => {
    const crlf = HEAD.replace(/\n/g, '\r\n');
    const m = documentLineMap(HEAD, crlf);
    assert.deepEqual(m.range(1, 5), { start: 1, end: 5, changed: false });
    const moved = documentLineMap(HEAD, `// note\r\n${crlf}`);
    assert.deepEqual(moved.range(5, 5), { start: 6, end: 6, changed: false });
    assert.deepEqual(splitLines('a\r\nb\rc\n'), ['a', 'b', 'c']);
  });

  test('a missing final newline does not change the last line', () => {
    assert.deepEqual(documentLineMap('a\nb\n', 'a\nb').range(2, 2), { start: 2, end: 2, changed: false });
  });

  test('no HEAD text (new since HEAD): every line stays, all changed', () => {
    assert.equal(documentLineMap(undefined, HEAD), ALL_CHANGED);
  });

  test('hunks number an empty side by the line before it, as git does', () => {
    // git diff -U0 writes an insertion after line 1 as "@@ -1,0 +2,2 @@", a deletion of line 2 as "@@ -2 +1,0 @@".
    assert.deepEqual(lineHunks(['a', 'b'], ['a', 'x', 'y', 'b']), [
      { oldStart: 1, oldLines: 0, newStart: 2, newLines: 2, lines: ['+x', '+y'] },
    ]);
    assert.deepEqual(lineHunks(['a', 'b', 'c'], ['a', 'c']), [
      { oldStart: 2, oldLines: 1, newStart: 1, newLines: 0, lines: ['-b'] },
    ]);
    assert.deepEqual(lineHunks(['a'], ['a']), []);
  });
});
