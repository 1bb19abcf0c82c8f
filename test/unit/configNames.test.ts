// Settings names that collide with Object.prototype, and the tier order that escalation follows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig, tiersInOrder } from '../../src/core/config';
import { route, tierAbove } from '../../src/core/router';

describe('settings names', () => {
  test('a tier or model named like an Object.prototype member is checked like any other name', () => {
    const unknownTier = parseConfig({ commands: { complete: 'constructor' } });
    assert.equal(unknownTier.ok, false);
    assert.match(!unknownTier.ok ? unknownTier.message : '', /tiered\.commands\.complete.*unknown tier "constructor"/);
    const unknownModel = parseConfig({ tiers: { lite: ['toString'], pro: ['pro'] } });
    assert.equal(unknownModel.ok, false);
    assert.match(!unknownModel.ok ? unknownModel.message : '', /unknown model id "toString"/);
    // Defined properly, such names route like any other.
    const ok = parseConfig({
      models: {
        toString: { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'constructor', maxOutputTokens: 64 },
      },
      tiers: { constructor: ['toString'] },
      commands: { complete: 'constructor' },
    });
    assert.ok(ok.ok, !ok.ok ? ok.message : '');
    assert.deepEqual(
      route(ok.config, 'complete').chain.map((m) => m.id),
      ['toString'],
    );
  });
});

describe('tier order', () => {
  test("a user's full tier object keeps its order: lite < mid < pro, escalation never steps down", () => {
    const tiers = tiersInOrder({ lite: ['flash-lite'], mid: ['pro-stable'], pro: ['pro'] }) as Record<string, string[]>;
    assert.deepEqual(Object.keys(tiers), ['lite', 'mid', 'pro']);
    const cfg = parseConfig({ tiers });
    assert.ok(cfg.ok);
    assert.equal(tierAbove(cfg.config, 'lite'), 'mid');
    assert.equal(tierAbove(cfg.config, 'mid'), 'pro');
    assert.equal(tierAbove(cfg.config, 'pro'), undefined);
  });

  test('a partial object keeps the defaults first and appends new tiers', () => {
    assert.deepEqual(Object.keys(tiersInOrder({ mid: ['x'] }) as object), ['lite', 'pro', 'mid']);
    assert.equal(tiersInOrder(undefined), undefined);
  });
});
