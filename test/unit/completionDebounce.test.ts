import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdaptiveDebounce, classifyEdit } from '../../src/core/completion';

/** Deterministic spread of gaps: a log-uniform fan around `median`. */
function gaps(median: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => median * Math.exp(((i / (n - 1)) * 2 - 1) * 1.2));
}

function feed(d: AdaptiveDebounce, pattern: Array<[string, number]>, repeat: number): number {
  let t = 0;
  for (let r = 0; r < repeat; r++) {
    for (const [key, gap] of pattern) {
      d.noteKey(t, key);
      t += gap;
    }
  }
  return t;
}

describe('adaptive debounce', () => {
  test('classifies edits by the key that ends them', () => {
    assert.equal(classifyEdit('a'), 'word');
    assert.equal(classifyEdit('\n    '), 'line');
    assert.equal(classifyEdit('('), 'open');
    assert.equal(classifyEdit(' '), 'space');
    assert.equal(classifyEdit(';'), 'punct');
    assert.equal(classifyEdit(''), 'delete');
    assert.equal(classifyEdit(';', true), 'lineDone', 'a statement ends its line');
    assert.equal(classifyEdit('}', true), 'lineDone');
    assert.equal(classifyEdit('{', true), 'lineDone');
    assert.equal(classifyEdit(',', true), 'lineDone');
    assert.equal(classifyEdit('(', true), 'open', 'a call goes on');
    assert.equal(classifyEdit('a', true), 'word');
    assert.equal(classifyEdit('\n  ', true), 'line');
    assert.equal(classifyEdit('()', true), 'open', 'auto-closed: the cursor sits between the pair');
    assert.equal(classifyEdit('""', true), 'punct');
  });

  /** 30 lines of 12 letters 150 ms apart and ";" at the line's end, then `after` (key, gap after it). */
  function typeLines(after: Array<[string, number]>): AdaptiveDebounce {
    const d = new AdaptiveDebounce();
    const line: Array<[string, number]> = [
      ...Array.from({ length: 12 }, (): [string, number] => ['a', 150]),
      [';', 150],
    ];
    let t = 0;
    for (let n = 0; n < 30; n++) {
      for (const [key, gap] of [...line, ...after]) {
        d.noteKey(t, key, true);
        t += gap;
      }
    }
    d.noteLatency(400);
    return d;
  }

  test('a finished line followed by Enter: sends at once (the answer starts on the next line and survives the Enter)', () => {
    // Enter 150 ms after ";" (auto-indent), then a 1.2 s pause: the gap right after ";" is short,
    // as inside a word.
    const d = typeLines([['\n  ', 1200]]);
    assert.equal(d.delayFor('lineDone'), 0, 'nothing to wait for: Enter keeps the answer');
    assert.ok(d.delayFor('word') >= 150, `inside a line it waits past the typing gaps: ${d.delayFor('word')} ms`);
  });

  test('a typist who goes on typing after a finished line (no Enter) gets the usual wait there', () => {
    // A trailing comment on the same line instead of Enter.
    const d = typeLines([
      [' ', 150],
      ['/', 150],
    ]);
    assert.ok(d.delayFor('lineDone') > 0, `${d.delayFor('lineDone')} ms`);
  });

  test('uses the cold default until it has seen enough typing', () => {
    const d = new AdaptiveDebounce({ coldMs: 300 });
    d.noteKey(0, 'a');
    assert.equal(d.delayFor('word'), 300);
  });

  test('a slower model makes it wait longer before sending', () => {
    const pattern = gaps(250, 40).map((g, i) => ['a', i % 8 === 7 ? 2500 : g] as [string, number]);
    const fast = new AdaptiveDebounce();
    const slow = new AdaptiveDebounce();
    feed(fast, pattern, 3);
    feed(slow, pattern, 3);
    fast.noteLatency(50);
    slow.noteLatency(600);
    assert.ok(slow.delayFor('word') > fast.delayFor('word'), `${slow.delayFor('word')} > ${fast.delayFor('word')}`);
  });

  test('the wait follows the typist: past most of their typing gaps, longer for a slower typist', () => {
    // Typing bursts around `median` ms a key, and a 2.5 s pause every 8 keys.
    const typist = (median: number): number[] => gaps(median, 40).map((g, i) => (i % 8 === 7 ? 2500 : g));
    const delays = [80, 150, 200].map((median) => {
      const d = new AdaptiveDebounce();
      feed(
        d,
        typist(median).map((g) => ['a', g] as [string, number]),
        3,
      );
      d.noteLatency(300);
      const bursts = typist(median)
        .filter((g) => g < 2500)
        .sort((a, b) => a - b);
      const delay = d.delayFor('word');
      assert.ok(delay >= bursts[Math.floor(bursts.length * 0.8)]!, `median ${median}: ${delay} ms`);
      assert.ok(delay < 2500 - 300, 'still answers within the pause');
      return delay;
    });
    assert.ok(delays[0]! < delays[1]! && delays[1]! < delays[2]!, delays.join(' < '));
  });

  test('remaining wait counts from the last keystroke', () => {
    const d = new AdaptiveDebounce({ coldMs: 300 });
    d.noteKey(1000, 'a');
    assert.equal(d.remainingWait(1100), 200);
    assert.equal(d.remainingWait(1400), 0);
  });
});
