import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyMonitor, percentile } from '../../src/core/latency';
import type { LedgerRecord } from '../../src/core/types';

class VirtualClock {
  constructor(public t = 1_000_000) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

const chain = [{ id: 'flash-lite' }, { id: 'ollama-qwen' }, { id: 'flash-lite-next' }];

function monitor(clock: VirtualClock, extra: Partial<ConstructorParameters<typeof LatencyMonitor>[0]> = {}) {
  return new LatencyMonitor({ targetMs: 800, minSamples: 5, probeEvery: 10, probeCooldownMs: 60_000, clock, ...extra });
}

function feed(m: LatencyMonitor, clock: VirtualClock, model: string, values: number[]): void {
  for (const v of values) {
    clock.advance(1000);
    m.record(model, v);
  }
}

describe('percentile', () => {
  test('nearest rank', () => {
    const values = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    assert.equal(percentile(values, 0.9), 900);
    assert.equal(percentile([5], 0.9), 5);
    assert.equal(percentile([], 0.9), undefined);
    assert.equal(percentile([3, 1, 2], 0.5), 2);
  });
});

describe('LatencyMonitor', () => {
  test('stays on the primary while its p90 is under the target', () => {
    const clock = new VirtualClock();
    const m = monitor(clock);
    feed(m, clock, 'flash-lite', [300, 400, 500, 600, 700, 750]);
    const p = m.preferred(chain);
    assert.equal(p.switched, false);
    assert.deepEqual(
      p.chain.map((c) => c.id),
      chain.map((c) => c.id),
    );
  });

  test('too few samples say nothing, even when slow', () => {
    const clock = new VirtualClock();
    const m = monitor(clock);
    feed(m, clock, 'flash-lite', [2000, 2000, 2000, 2000]);
    assert.equal(m.preferred(chain).switched, false);
  });

  test('switches to the next model when p90 exceeds the target, and says why', () => {
    const clock = new VirtualClock();
    const m = monitor(clock);
    feed(m, clock, 'flash-lite', [400, 500, 1240, 1300, 1240, 600, 1240]);
    const p = m.preferred(chain);
    assert.equal(p.switched, true);
    assert.equal(p.transition, 'switched');
    assert.deepEqual(
      p.chain.map((c) => c.id),
      ['ollama-qwen', 'flash-lite', 'flash-lite-next'],
    );
    assert.equal(m.describe(), 'complete moved to ollama-qwen: flash-lite p90 TTFT 1300 ms > 800 ms target');
    // The next request stays switched without a new transition.
    const q = m.preferred(chain);
    assert.equal(q.switched, true);
    assert.equal(q.transition, undefined);
  });

  test('skips an alternative that is itself over the target', () => {
    const clock = new VirtualClock();
    const m = monitor(clock);
    feed(m, clock, 'ollama-qwen', [1500, 1500, 1500, 1500, 1500]);
    feed(m, clock, 'flash-lite', [1200, 1200, 1200, 1200, 1200]);
    assert.equal(m.preferred(chain).chain[0]!.id, 'flash-lite-next');
  });

  test('old samples age out of the window', () => {
    const clock = new VirtualClock();
    const m = monitor(clock, { windowMs: 60_000 });
    feed(m, clock, 'flash-lite', [2000, 2000, 2000, 2000, 2000]);
    clock.advance(120_000);
    assert.equal(m.p90('flash-lite'), undefined);
    assert.equal(m.preferred(chain).switched, false);
  });

  test('the window keeps only the last N samples', () => {
    const clock = new VirtualClock();
    const m = monitor(clock, { windowSize: 5 });
    feed(m, clock, 'flash-lite', [3000, 3000, 3000, 3000, 3000, 100, 100, 100, 100, 100]);
    assert.equal(m.p90('flash-lite'), 100);
  });

  test('probes the primary every Nth request while switched', () => {
    const clock = new VirtualClock();
    const m = monitor(clock, { probeCooldownMs: 1e12 });
    feed(m, clock, 'flash-lite', [1000, 1000, 1000, 1000, 1000]);
    assert.equal(m.preferred(chain).switched, true);
    const firsts: string[] = [];
    for (let i = 0; i < 20; i++) {
      clock.advance(100);
      const p = m.preferred(chain);
      firsts.push(p.chain[0]!.id);
      if (p.probe) assert.equal(p.chain[0]!.id, 'flash-lite');
    }
    assert.equal(firsts.filter((f) => f === 'flash-lite').length, 2);
    assert.equal(firsts.filter((f) => f === 'ollama-qwen').length, 18);
  });

  test('probes the primary after the cool-down even with few requests', () => {
    const clock = new VirtualClock();
    const m = monitor(clock, { probeEvery: 1000, probeCooldownMs: 60_000 });
    feed(m, clock, 'flash-lite', [1000, 1000, 1000, 1000, 1000]);
    m.preferred(chain);
    clock.advance(30_000);
    assert.equal(m.preferred(chain).probe, false);
    clock.advance(31_000);
    const p = m.preferred(chain);
    assert.equal(p.probe, true);
    assert.equal(p.chain[0]!.id, 'flash-lite');
    clock.advance(1000);
    assert.equal(m.preferred(chain).probe, false);
  });

  test('returns to the primary once probes measure it under the target again', () => {
    const clock = new VirtualClock();
    const m = monitor(clock, { probeEvery: 3, recoverSamples: 3 });
    feed(m, clock, 'flash-lite', [1500, 1500, 1500, 1500, 1500, 1500]);
    assert.equal(m.preferred(chain).transition, 'switched');
    let recovered = false;
    for (let i = 0; i < 30 && !recovered; i++) {
      clock.advance(500);
      const p = m.preferred(chain);
      if (p.transition === 'recovered') {
        recovered = true;
        assert.equal(p.chain[0]!.id, 'flash-lite');
        assert.match(p.reason, /back on flash-lite/);
        break;
      }
      // The probe is answered fast: the primary has recovered.
      if (p.probe) m.record('flash-lite', 300);
    }
    assert.ok(recovered, 'never recovered');
    assert.equal(m.switched, false);
    // The slow samples from before the switch are still in the window, but recovery held.
    assert.equal(m.preferred(chain).switched, false);
  });

  test('recovery is judged on the last probes: one slow probe does not hold it, nor flip it back', () => {
    const clock = new VirtualClock();
    const m = monitor(clock, { probeEvery: 2, recoverSamples: 3 });
    feed(m, clock, 'flash-lite', [1500, 1500, 1500, 1500, 1500]);
    m.preferred(chain);
    const probeAnswers = [1600, 200, 250, 300];
    const transitions: string[] = [];
    for (let i = 0; i < 40 && probeAnswers.length > 0; i++) {
      clock.advance(500);
      const p = m.preferred(chain);
      if (p.transition) transitions.push(p.transition);
      if (p.probe) m.record('flash-lite', probeAnswers.shift()!);
    }
    // the recovery shows on the request after the third fast probe
    clock.advance(500);
    const after = m.preferred(chain);
    assert.equal(after.transition, 'recovered');
    assert.deepEqual(transitions, []);
    for (let i = 0; i < 10; i++) {
      clock.advance(500);
      assert.equal(m.preferred(chain).switched, false);
    }
  });

  test('stays switched while probes are still slow', () => {
    const clock = new VirtualClock();
    const m = monitor(clock, { probeEvery: 2, recoverSamples: 3 });
    feed(m, clock, 'flash-lite', [1500, 1500, 1500, 1500, 1500]);
    m.preferred(chain);
    for (let i = 0; i < 40; i++) {
      clock.advance(500);
      const p = m.preferred(chain);
      assert.notEqual(p.transition, 'recovered');
      if (p.probe) m.record('flash-lite', 1100);
    }
    assert.equal(m.switched, true);
    assert.match(m.describe(), /p90 TTFT 1100 ms > 800 ms/);
  });

  test('a request cancelled before its first token counts only when already over the target', () => {
    const clock = new VirtualClock();
    const m = monitor(clock);
    for (let i = 0; i < 5; i++) m.recordAbort('flash-lite', 300);
    assert.equal(m.sampleCount('flash-lite'), 0);
    for (let i = 0; i < 5; i++) m.recordAbort('flash-lite', 900);
    assert.equal(m.sampleCount('flash-lite'), 5);
    assert.equal(m.preferred(chain).switched, true);
  });

  test('observe reads ledger records', () => {
    const clock = new VirtualClock(Date.parse('2026-11-23T10:00:00Z'));
    const m = monitor(clock);
    const rec = (ttftMs: number | null, outcome: LedgerRecord['outcome'], latencyMs = 500): LedgerRecord => ({
      v: 1,
      id: 'x',
      ts: new Date(clock.now() - 5000).toISOString(),
      window: 'w',
      command: 'complete',
      tier: 'lite',
      provider: 'gemini',
      model: 'flash-lite',
      inputTokens: 10,
      cachedInputTokens: 0,
      outputTokens: 5,
      reasoningTokens: 0,
      costUsd: 0,
      costSource: 'bundled',
      estimateUsd: 0,
      latencyMs,
      ttftMs,
      outcome,
    });
    m.observe(rec(1000, 'ok'));
    m.observe(rec(null, 'cancelled', 2000));
    m.observe(rec(null, 'cancelled', 100));
    m.observe(rec(null, 'error', 5000));
    assert.equal(m.sampleCount('flash-lite'), 2);
  });

  test('a one-model chain never switches; a changed target applies', () => {
    const clock = new VirtualClock();
    const m = monitor(clock);
    feed(m, clock, 'flash-lite', [1000, 1000, 1000, 1000, 1000]);
    assert.equal(m.preferred([{ id: 'flash-lite' }]).switched, false);
    m.setTarget(1200);
    assert.equal(m.preferred(chain).switched, false);
    m.setTarget(900);
    assert.equal(m.preferred(chain).switched, true);
  });

  test('a chain whose primary changed drops the old switch', () => {
    const clock = new VirtualClock();
    const m = monitor(clock);
    feed(m, clock, 'flash-lite', [1000, 1000, 1000, 1000, 1000]);
    assert.equal(m.preferred(chain).switched, true);
    const other = [{ id: 'flash-lite-next' }, { id: 'flash-lite' }];
    assert.equal(m.preferred(other).chain[0]!.id, 'flash-lite-next');
    assert.equal(m.preferred(other).switched, false);
  });
});
