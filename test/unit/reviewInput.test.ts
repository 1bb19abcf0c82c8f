import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkFiles, splitFile, splitHunk } from '../../src/core/review/chunking';
import {
  changedRanges,
  numberHunks,
  parseUnifiedDiff,
  partitionExcluded,
  renderFile,
  type ReviewFile,
} from '../../src/core/review/input';
import { matchFile, resolveFindings } from '../../src/core/review/resolve';
import type { Finding } from '../../src/core/review/findings';

const DIFF = [
  'diff --git a/src/a.ts b/src/a.ts',
  'index 1111111..2222222 100644',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,4 +1,5 @@',
  ' const a = 1;',
  '-const b = 2;',
  '+const b = 3;',
  '+const c = 4;',
  ' ',
  ' export { a };',
  '@@ -20 +21,2 @@',
  '-old',
  '+new1',
  '+--- not a header',
  'diff --git a/.env b/.env',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/.env',
  '@@ -0,0 +1 @@',
  '+KEY=secret',
  'diff --git a/img.png b/img.png',
  'Binary files a/img.png and b/img.png differ',
].join('\n');

const file = (path: string, lines: number, firstLine = 1): ReviewFile => ({
  path,
  uri: `file:///w/${path}`,
  text: Array.from({ length: lines }, (_, i) => `line ${firstLine + i} of ${path} with some words`).join('\n'),
  firstLine,
});

describe('unified diff', () => {
  test('parses files, hunks, new files and binaries', () => {
    const files = parseUnifiedDiff(DIFF);
    assert.deepEqual(
      files.map((f) => [f.oldPath, f.newPath, f.hunks.length, f.binary]),
      [
        ['src/a.ts', 'src/a.ts', 2, false],
        [null, '.env', 1, false],
        ['img.png', 'img.png', 0, true],
      ],
    );
    const [h1, h2] = files[0]!.hunks;
    assert.deepEqual([h1!.oldStart, h1!.oldLines, h1!.newStart, h1!.newLines], [1, 4, 1, 5]);
    assert.equal(h1!.lines.length, 6);
    assert.deepEqual([h2!.oldStart, h2!.oldLines, h2!.newStart, h2!.newLines], [20, 1, 21, 2]);
    assert.deepEqual(h2!.lines, ['-old', '+new1', '+--- not a header']);
  });

  test('changed ranges and numbering use new-side lines; removed lines carry no number', () => {
    const hunks = parseUnifiedDiff(DIFF)[0]!.hunks;
    assert.deepEqual(changedRanges(hunks), [
      [2, 3],
      [21, 22],
    ]);
    const text = numberHunks(hunks).split('\n');
    assert.ok(text.includes(' 2 +| const b = 3;'), text.join('\n'));
    assert.ok(text.includes('   -| const b = 2;'));
    assert.ok(text.includes(' 4  | '));
  });

  test('excluded files are partitioned out by the predicate', () => {
    const files = parseUnifiedDiff(DIFF).map((f) => ({ path: f.newPath ?? f.oldPath ?? '' }));
    const { kept, excluded } = partitionExcluded(files, (f) => f.path.startsWith('.env'));
    assert.deepEqual(
      kept.map((f) => f.path),
      ['src/a.ts', 'img.png'],
    );
    assert.deepEqual(excluded, ['.env']);
  });
});

describe('chunking', () => {
  const count = (t: string) => t.length; // 1 token a character: easy to reason about

  test('small files pack together, in order, under the limit', () => {
    const files = [file('a', 3), file('b', 3), file('c', 3)];
    const one = renderFile(files[0]!).length;
    const chunks = chunkFiles(files, one * 2 + 10, count);
    assert.deepEqual(
      chunks.map((c) => c.files.map((f) => f.path)),
      [['a', 'b'], ['c']],
    );
    for (const c of chunks) assert.ok(c.tokens <= one * 2 + 10);
  });

  test('a large file splits at line boundaries keeping real line numbers, and loses no line', () => {
    const big = file('big.ts', 200, 11);
    const parts = splitFile(big, 1000, count);
    assert.ok(parts.length > 1);
    assert.equal(parts[0]!.firstLine, 11);
    let expected = 11;
    for (const p of parts) {
      assert.equal(p.firstLine, expected);
      expected += p.text.split('\n').length;
      assert.equal(p.uri, big.uri);
    }
    assert.equal(expected, 211);
    assert.equal(parts.map((p) => p.text).join('\n'), big.text);
  });

  test('a large hunk splits into hunks whose start lines and counts add up', () => {
    const lines = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? `-old ${i}` : i % 3 === 1 ? `+new ${i}` : ` ctx ${i}`,
    );
    const h = { oldStart: 100, oldLines: 40, newStart: 120, newLines: 40, lines };
    const parts = splitHunk(h, 120, count);
    assert.ok(parts.length > 1);
    assert.deepEqual(
      parts.flatMap((p) => p.lines),
      lines,
    );
    assert.equal(
      parts.reduce((s, p) => s + p.oldLines, 0),
      40,
    );
    assert.equal(
      parts.reduce((s, p) => s + p.newLines, 0),
      40,
    );
    for (let i = 1; i < parts.length; i++) {
      assert.equal(parts[i]!.newStart, parts[i - 1]!.newStart + parts[i - 1]!.newLines);
      assert.equal(parts[i]!.oldStart, parts[i - 1]!.oldStart + parts[i - 1]!.oldLines);
    }
    assert.deepEqual(changedRanges(parts), changedRanges([h]));
  });

  test('rejects a non-positive limit', () => {
    assert.throws(() => chunkFiles([file('a', 1)], 0, count), RangeError);
  });
});

describe('resolving findings to files', () => {
  const files = [file('src/core/a.ts', 10), file('src/ui/b.ts', 10, 50)];
  const f = (over: Partial<Finding>): Finding => ({
    file: 'src/core/a.ts',
    startLine: 2,
    endLine: 2,
    severity: 'error',
    category: 'bug',
    title: 't',
    explanation: 'e',
    ...over,
  });

  test('matches exact, re-cased, shortened and basename paths; unknown paths stay unresolved', () => {
    assert.equal(matchFile('src/core/a.ts', files)?.path, 'src/core/a.ts');
    assert.equal(matchFile('./SRC/core/A.ts', files)?.path, 'src/core/a.ts');
    assert.equal(matchFile('ui/b.ts', files)?.path, 'src/ui/b.ts');
    assert.equal(matchFile('b.ts', files)?.path, 'src/ui/b.ts');
    assert.equal(matchFile('other.ts', files), undefined);
  });

  test('keeps a replacement only where the model saw the lines', () => {
    const out = resolveFindings(
      [
        f({ replacement: 'ok' }),
        f({ startLine: 9, endLine: 12, replacement: 'beyond the end' }),
        f({ file: 'src/ui/b.ts', startLine: 50, endLine: 51, replacement: 'in selection' }),
        f({ file: 'src/ui/b.ts', startLine: 10, endLine: 10, replacement: 'before selection' }),
        f({ file: 'nowhere.ts', replacement: 'x' }),
      ],
      files,
    );
    assert.deepEqual(
      out.map((x) => [x.uri !== undefined, x.replacement]),
      [
        [true, 'ok'],
        [true, undefined],
        [true, 'in selection'],
        [true, undefined],
        [false, undefined],
      ],
    );
  });
});
