import { capabilitiesOf } from '../../src/core/calls/capabilities';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { daysBetween, deprecationsFor, warningsDue } from '../../src/core/deprecation';
import { defaultConfig, parseConfig, type TieredConfig } from '../../src/core/config';
import { PriceBook, type PriceInfo } from '../../src/core/prices';
import type { ResolvedModel } from '../../src/core/router';

function config(models: Record<string, unknown>, tiers?: Record<string, string[]>): TieredConfig {
  const r = parseConfig({
    models,
    tiers: tiers ?? { lite: ['a', 'b'], pro: ['p'] },
    commands: { complete: 'lite', tone: 'lite', review: 'pro' },
  });
  if (!r.ok) throw new Error(r.message);
  return r.config;
}

/** A PriceBook stand-in whose bundled data flags the given provider model names. */
function book(flagged: string[]): Pick<PriceBook, 'describe'> {
  return {
    describe: (m: ResolvedModel) =>
      ({
        modelId: m.id,
        model: m.model,
        providerId: m.provider,
        deprecationPassed: false,
        bundledDeprecated: flagged.includes(m.model),
        known: false,
        source: 'unknown',
        rates: null,
        tiers: [],
        message: '',
      }) as PriceInfo,
  };
}

const m = (model: string, tier: string, deprecation?: string) => ({
  provider: 'gemini',
  model,
  tier,
  maxOutputTokens: 100,
  ...(deprecation ? { deprecation } : {}),
});

describe('daysBetween', () => {
  test('calendar days, across month ends', () => {
    assert.equal(daysBetween('2026-11-23', '2026-12-23'), 30);
    assert.equal(daysBetween('2026-11-23', '2026-11-23'), 0);
    assert.equal(daysBetween('2026-11-23', '2026-11-20'), -3);
    assert.equal(daysBetween('2026-02-28', '2026-03-01'), 1);
  });
});

describe('deprecationsFor', () => {
  const cfg = config({
    a: m('lite-a', 'lite', '2026-12-10'),
    b: m('lite-b', 'lite'),
    p: m('pro-p', 'pro', '2027-06-01'),
    old: m('old-x', 'pro', '2026-11-01'),
  });

  test('lists dated models with days left and the commands that use them, soonest first', () => {
    const list = deprecationsFor(cfg, book([]), '2026-11-23');
    assert.deepEqual(
      list.map((d) => [d.modelId, d.date, d.daysLeft, d.commands]),
      [
        ['old', '2026-11-01', -22, []],
        ['a', '2026-12-10', 17, ['complete', 'tone']],
        ['p', '2027-06-01', 190, ['review']],
      ],
    );
    assert.equal(list[1]!.source, 'settings');
    assert.match(list[1]!.message, /"a" \(lite-a\) shuts down on 2026-12-10 \(in 17 days\); used by complete, tone/);
    assert.match(list[0]!.message, /was shut down on 2026-11-01; not used by any command/);
  });

  test('the price data flag adds undated entries; a table date wins over the flag', () => {
    const list = deprecationsFor(cfg, book(['lite-b', 'lite-a']), '2026-11-23');
    const b = list.find((d) => d.modelId === 'b')!;
    assert.equal(b.source, 'price-data');
    assert.equal(b.date, undefined);
    assert.match(b.message, /marked deprecated in the bundled price data; used by complete, tone/);
    assert.equal(list.find((d) => d.modelId === 'a')!.source, 'settings');
    assert.equal(list.at(-1)!.modelId, 'b', 'undated entries come last');
  });

  test('with the real price data and the capabilities table: listed when flagged or dated by the vendor', () => {
    const real = new PriceBook();
    const def = defaultConfig();
    const list = deprecationsFor(def, real, '2026-11-23');
    for (const id of Object.keys(def.models)) {
      const resolved = {
        ...def.models[id]!,
        id,
        providerConfig: def.providers.find((p) => p.id === def.models[id]!.provider)!,
      };
      const flagged = real.describe(resolved, new Date('2026-11-23T12:00:00Z')).bundledDeprecated;
      const dated = capabilitiesOf(resolved)?.shutdown !== undefined;
      assert.equal(
        list.some((d) => d.modelId === id),
        flagged || dated,
        id,
      );
    }
  });

  test("the vendor's shutdown date in the capabilities table fires the warning for a model in use", () => {
    const cfg = parseConfig({
      models: {
        old: { provider: 'gemini', model: 'gemini-2.5-pro', tier: 'pro', maxOutputTokens: 100 },
        mine: {
          provider: 'gemini',
          model: 'gemini-2.5-pro',
          tier: 'pro',
          maxOutputTokens: 100,
          deprecation: '2027-01-01',
        },
      },
      tiers: { lite: ['old'], pro: ['old', 'mine'] },
    });
    assert.ok(cfg.ok);
    const list = deprecationsFor(cfg.config, new PriceBook(), '2026-11-30');
    const old = list.find((d) => d.modelId === 'old')!;
    assert.equal(old.source, 'table');
    assert.equal(old.date, '2026-12-01');
    assert.match(old.message, /shuts down tomorrow, 2026-12-01; used by complete, tone, review/);
    assert.equal(list.find((d) => d.modelId === 'mine')!.date, '2027-01-01', "the user's date wins");
    assert.deepEqual(
      warningsDue(list, 30, '2026-11-30', {}).map((d) => d.modelId),
      ['old'],
    );
  });
});

describe('warningsDue', () => {
  const cfg = config({
    a: m('lite-a', 'lite', '2026-12-10'),
    b: m('lite-b', 'lite', '2027-01-30'),
    p: m('pro-p', 'pro'),
    old: m('old-x', 'pro', '2026-11-01'),
  });
  const list = deprecationsFor(cfg, book(['pro-p']), '2026-11-23');

  test('within warnDays, undated flags, only for used models', () => {
    assert.deepEqual(
      warningsDue(list, 30, '2026-11-23', {}).map((d) => d.modelId),
      ['a', 'p'],
    );
    assert.deepEqual(
      warningsDue(list, 90, '2026-11-23', {}).map((d) => d.modelId),
      ['a', 'b', 'p'],
    );
    assert.deepEqual(
      warningsDue(list, 10, '2026-11-23', {}).map((d) => d.modelId),
      ['p'],
    );
  });

  test('once per model per day', () => {
    const warned = { a: '2026-11-23', p: '2026-11-22' };
    assert.deepEqual(
      warningsDue(list, 30, '2026-11-23', warned).map((d) => d.modelId),
      ['p'],
    );
  });
});
