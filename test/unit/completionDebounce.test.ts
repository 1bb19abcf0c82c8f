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
    assert.equal(classifyEdit('()'), 'open', 'auto-closed: the cursor sits between the pair');
    assert.equal(classifyEdit('""'), 'punct');
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
