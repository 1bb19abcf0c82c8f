// The learned acceptance model (core/completion/acceptance.ts): permissive at first, moved by the
// user's own outcomes, small and safe to persist.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AcceptanceModel, acceptanceFeatures } from '../../src/core/completion';
import { FEATURES, type PlaceFeatures } from '../../src/core/completion/acceptance';

const place = (over: Partial<PlaceFeatures> = {}): PlaceFeatures => ({
  linePrefix: '  const total = ',
  lineSuffix: '',
  languageId: 'typescript',
  blockStart: false,
  ...over,
});

describe('acceptance model', () => {
  test('starts permissive and cold', () => {
    const m = new AcceptanceModel();
    const p = m.predict(acceptanceFeatures(place()));
    assert.ok(Math.abs(p - 0.9) < 1e-9, `p=${p}`);
    assert.equal(m.warm, false);
  });

  test('learning moves the probability, per kind of place', () => {
    const m = new AcceptanceModel({ warmup: 10 });
    const afterDot = acceptanceFeatures(place({ linePrefix: '  this.' }));
    const blockStart = acceptanceFeatures(place({ linePrefix: '  ', blockStart: true }));
    for (let i = 0; i < 200; i++) {
      m.learn(afterDot, false);
      m.learn(blockStart, true);
    }
    assert.ok(m.warm);
    assert.ok(m.predict(afterDot) < 0.15, `after "." p=${m.predict(afterDot)}`);
    assert.ok(m.predict(blockStart) > 0.6, `block start p=${m.predict(blockStart)}`);
  });

  test('the features tell the cursor apart', () => {
    const a = acceptanceFeatures(place({ linePrefix: 'foo.' }));
    const b = acceptanceFeatures(place({ linePrefix: 'foo(' }));
    const c = acceptanceFeatures(place({ lastOutcome: 'rejected' }));
    const d = acceptanceFeatures(place({ languageId: 'python' }));
    assert.equal(a.length, FEATURES);
    assert.notDeepEqual(a, b);
    assert.notDeepEqual(acceptanceFeatures(place()), c);
    assert.notDeepEqual(acceptanceFeatures(place()), d);
    // Time since the last accept: a recent accept is a smaller value than "never".
    const TIME = 1 + 11 + 3 + 8;
    assert.ok(acceptanceFeatures(place({ sinceAcceptMs: 1000 }))[TIME]! < acceptanceFeatures(place())[TIME]!);
  });

  test('round-trips through JSON; a foreign or broken state gives a fresh model', () => {
    const m = new AcceptanceModel();
    const x = acceptanceFeatures(place());
    for (let i = 0; i < 30; i++) m.learn(x, i % 3 === 0);
    const json = JSON.parse(JSON.stringify(m.toJSON())) as unknown;
    const back = AcceptanceModel.fromJSON(json);
    assert.equal(back.seen, 30);
    assert.ok(Math.abs(back.predict(x) - m.predict(x)) < 1e-3);
    assert.ok(JSON.stringify(m.toJSON()).length < 1024, 'small enough for globalState');
    for (const bad of [
      undefined,
      null,
      'x',
      { v: 2 },
      { v: 1, w: [1, 2], n: 3 },
      { v: 1, w: new Array(FEATURES).fill(NaN), n: 1 },
      { v: 2, w: new Array(FEATURES).fill(0), g: new Array(FEATURES).fill(0), n: 1 },
      { v: 2, w: new Array(FEATURES).fill(0), n: 1 },
    ]) {
      const fresh = AcceptanceModel.fromJSON(bad);
      assert.equal(fresh.seen, 0);
      assert.ok(Math.abs(fresh.predict(x) - 0.9) < 1e-9);
    }
  });

  test('a version-1 state (plain SGD) keeps its weights and learns on in smaller steps', () => {
    const x = acceptanceFeatures(place());
    const w = new Array<number>(FEATURES).fill(0);
    w[0] = -1; // p = 0.27 at every place
    const old = AcceptanceModel.fromJSON({ v: 1, w, n: 400 });
    assert.equal(old.seen, 400);
    assert.ok(Math.abs(old.predict(x) - 1 / (1 + Math.E)) < 1e-9);
    const fresh = new AcceptanceModel();
    const before = [old.predict(x), fresh.predict(x)];
    old.learn(x, true);
    fresh.learn(x, false);
    const moved = [Math.abs(old.predict(x) - before[0]!), Math.abs(fresh.predict(x) - before[1]!)];
    assert.ok(moved[0]! > 0 && moved[0]! < moved[1]! / 3, `a long history moves less: ${moved.join(' vs ')}`);
    assert.equal(old.toJSON().v, 2);
  });

  test('learns a kind of place within tens of outcomes, not hundreds', () => {
    // 30 outcomes at each of two kinds of place: plain SGD at 0.05 left both near the 0.9 prior.
    const m = new AcceptanceModel();
    const afterDot = acceptanceFeatures(place({ linePrefix: '  this.' }));
    const blockStart = acceptanceFeatures(place({ linePrefix: '  ', blockStart: true }));
    for (let i = 0; i < 30; i++) {
      m.learn(afterDot, i % 10 === 0);
      m.learn(blockStart, i % 10 !== 0);
    }
    assert.ok(m.predict(afterDot) < 0.3, `after "." (10 % accepted) p=${m.predict(afterDot)}`);
    assert.ok(m.predict(blockStart) > 0.7, `block start (90 % accepted) p=${m.predict(blockStart)}`);
  });

  test('reset forgets everything: the prior again, cold, in the same object the gate holds', () => {
    const m = new AcceptanceModel({ warmup: 10 });
    const x = acceptanceFeatures(place());
    for (let i = 0; i < 50; i++) m.learn(x, false);
    assert.ok(m.warm && m.predict(x) < 0.2);
    m.reset();
    assert.equal(m.seen, 0);
    assert.equal(m.warm, false);
    assert.ok(Math.abs(m.predict(x) - 0.9) < 1e-9);
    m.learn(x, false);
    assert.ok(m.predict(x) < 0.9 - 0.1, 'learns with fresh (large) steps again');
  });
});
