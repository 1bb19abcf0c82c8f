// What the review saw at each line: Apply Fix compares the editor's lines with it, so a fix is
// refused when the working file differs from what was reviewed (a branch review with changes on top).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReviewInput } from '../../src/core/review/input';
import { reviewedLineMap, reviewedText } from '../../src/core/review/reviewed';

const input: ReviewInput = {
  kind: 'branch',
  title: 'feature vs main',
  excluded: [],
  files: [
    {
      path: 'a.ts',
      uri: 'file:///a.ts',
      text: '',
      firstLine: 1,
      hunks: [
        { oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, lines: [' one', '-two', '+TWO', ' three'] },
        { oldStart: 10, oldLines: 1, newStart: 10, newLines: 2, lines: [' ten', '+eleven'] },
      ],
    },
    { path: 'b.ts', uri: 'file:///b.ts', text: 'x\ny\nz', firstLine: 5 },
    // A second part of the same file (a split input): its lines join the first part's.
    { path: 'b.ts', uri: 'file:///b.ts', text: 'w', firstLine: 8 },
  ],
};

describe('reviewed lines', () => {
  test('a diff gives its new side: context and added lines, not removed ones', () => {
    const lines = reviewedLineMap(input, 'file:///a.ts');
    assert.deepEqual(
      [...lines],
      [
        [1, 'one'],
        [2, 'TWO'],
        [3, 'three'],
        [10, 'ten'],
        [11, 'eleven'],
      ],
    );
    assert.equal(reviewedText(lines, 1, 3), 'one\nTWO\nthree');
    assert.equal(reviewedText(lines, 10, 11), 'ten\neleven');
  });

  test('lines the model was not shown give undefined (the fix then checks the code at show time)', () => {
    const lines = reviewedLineMap(input, 'file:///a.ts');
    assert.equal(reviewedText(lines, 3, 4), undefined);
    assert.equal(reviewedText(lines, 12, 12), undefined);
    assert.equal(reviewedLineMap(input, 'file:///none.ts').size, 0);
  });

  test('whole text from its first line, every part of a file', () => {
    const lines = reviewedLineMap(input, 'file:///b.ts');
    assert.equal(reviewedText(lines, 5, 7), 'x\ny\nz');
    assert.equal(reviewedText(lines, 8, 8), 'w');
    assert.equal(reviewedText(lines, 7, 8), 'z\nw');
  });
});
