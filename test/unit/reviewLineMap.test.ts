// A branch review's findings carry HEAD line numbers; the line map moves them to the working tree
// (uncommitted edits on top), or says their lines changed. The diffs are `git diff -U0 HEAD` output.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_CHANGED, lineMapFor, lineMapFromHunks, workingTreeLineMaps } from '../../src/core/review/lineMap';

function diffOf(path: string, ...body: string[]): string {
  return [`diff --git a/${path} b/${path}`, 'index 1111111..2222222 100644', `--- a/${path}`, `+++ b/${path}`, ...body]
    .join('\n')
    .concat('\n');
}

const mapOf = (diff: string, path = 'src/a.ts') => lineMapFor(workingTreeLineMaps(diff), path);

describe('HEAD → working-tree line map', () => {
  test('lines added above a line move it down; lines above the addition stay', () => {
    // Two lines added after HEAD line 1.
    const m = mapOf(diffOf('src/a.ts', '@@ -1,0 +2,2 @@', '+x', '+y'));
    assert.deepEqual(m.line(1), { line: 1 });
    assert.deepEqual(m.line(2), { line: 4 });
    assert.deepEqual(m.line(9), { line: 11 });
    assert.deepEqual(m.range(3, 4), { start: 5, end: 6, changed: false });
  });

  test('lines removed above a line move it up; the removed lines are changed, anchored where they were', () => {
    // HEAD lines 2-3 removed: working tree line 1 is followed by HEAD line 4.
    const m = mapOf(diffOf('src/a.ts', '@@ -2,2 +1,0 @@', '-b', '-c'));
    assert.deepEqual(m.line(1), { line: 1 });
    assert.deepEqual(m.line(5), { line: 3 });
    assert.deepEqual(m.line(2), { changed: true, near: 2 });
    assert.deepEqual(m.range(2, 3), { start: 2, end: 2, changed: true }, 'all removed: changed, at the next line');
  });

  test('a modified line is changed, anchored at its replacement; the lines around it keep their place', () => {
    const m = mapOf(diffOf('src/a.ts', '@@ -3 +3 @@', '-  return -1;', '+  return -2;'));
    assert.deepEqual(m.line(3), { changed: true, near: 3 });
    assert.deepEqual(m.line(2), { line: 2 });
    assert.deepEqual(m.line(4), { line: 4 });
  });

  test('a range half changed maps by its ends to the lines still there and is marked changed', () => {
    // HEAD line 5 rewritten into two lines and line 7 removed, below a line added at the top.
    const m = mapOf(
      diffOf('src/a.ts', '@@ -0,0 +1 @@', '+top', '@@ -5 +6,2 @@', '-e', '+E1', '+E2', '@@ -7 +8,0 @@', '-g'),
    );
    assert.deepEqual(m.range(3, 5), { start: 4, end: 5, changed: true }, 'its end was rewritten');
    assert.deepEqual(m.range(5, 6), { start: 8, end: 8, changed: true }, 'its start was rewritten');
    assert.deepEqual(m.range(6, 8), { start: 8, end: 9, changed: true }, 'its middle was removed');
    assert.deepEqual(m.range(8, 9), { start: 9, end: 10, changed: false });
  });

  test('lines added inside a range change it; added at its edges they do not', () => {
    const m = mapOf(diffOf('src/a.ts', '@@ -3,0 +4 @@', '+inserted'));
    assert.deepEqual(m.range(2, 5), { start: 2, end: 6, changed: true });
    assert.deepEqual(m.range(1, 3), { start: 1, end: 3, changed: false });
    assert.deepEqual(m.range(4, 5), { start: 5, end: 6, changed: false });
  });

  test('no diff: every line stays, nothing changed', () => {
    const m = mapOf('');
    assert.deepEqual(m.line(7), { line: 7 });
    assert.deepEqual(m.range(2, 4), { start: 2, end: 4, changed: false });
    // Another file's edits leave this one alone.
    assert.deepEqual(mapOf(diffOf('src/b.ts', '@@ -1,0 +2 @@', '+x')).line(5), { line: 5 });
    assert.deepEqual(lineMapFromHunks([]).line(3), { line: 3 });
  });

  test('a file deleted in the working tree (or untracked again): its lines stay where they were, all changed', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'deleted file mode 100644',
      'index b414108..0000000',
      '--- a/src/a.ts',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
      '-a',
      '-b',
      '-c',
      '',
    ].join('\n');
    const m = mapOf(diff);
    assert.equal(m, ALL_CHANGED);
    assert.deepEqual(m.line(2), { changed: true, near: 2 });
    assert.deepEqual(m.range(2, 3), { start: 2, end: 3, changed: true });
  });

  test('a file binary in the working tree: all changed', () => {
    const diff = 'diff --git a/src/a.ts b/src/a.ts\nindex 1..2 100644\nBinary files a/src/a.ts and b/src/a.ts differ\n';
    assert.equal(mapOf(diff), ALL_CHANGED);
  });

  test('several files and hunks in one diff, each file by its HEAD path', () => {
    const diff =
      diffOf('src/a.ts', '@@ -1,0 +2,2 @@', '+x', '+y', '@@ -4,2 +5,0 @@', '-4', '-5') +
      diffOf('src/b.ts', '@@ -10 +10,3 @@', '-j', '+J', '+K', '+L');
    const a = mapOf(diff, 'src/a.ts');
    assert.deepEqual(a.line(3), { line: 5 });
    assert.deepEqual(a.line(4), { changed: true, near: 6 });
    assert.deepEqual(a.line(6), { line: 6 }, '+2 above, -2 above');
    const b = mapOf(diff, 'src/b.ts');
    assert.deepEqual(b.line(9), { line: 9 });
    assert.deepEqual(b.line(11), { line: 13 });
  });

  test('hunks with context lines map their context lines too', () => {
    const m = lineMapFromHunks([
      { oldStart: 1, oldLines: 3, newStart: 1, newLines: 4, lines: [' a', '+new', ' b', '-c', '+C'] },
    ]);
    assert.deepEqual(m.line(2), { line: 3 });
    assert.deepEqual(m.line(3), { changed: true, near: 4 });
    assert.deepEqual(m.line(4), { line: 5 });
  });
});
