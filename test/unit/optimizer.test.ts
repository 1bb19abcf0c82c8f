import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyEdits,
  commandStats,
  describeDelta,
  editLabel,
  repriceUsd,
  suggestRouting,
  type InlineStatsByDay,
  type OptimizerInput,
} from '../../src/core/optimizer';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import type { Rates } from '../../src/core/prices';
import type { LedgerRecord, Outcome } from '../../src/core/types';

const RATES: Record<string, Rates> = {
  a: { inputPerMTok: 0.1, cachedInputPerMTok: 0.025, outputPerMTok: 0.4 },
  b: { inputPerMTok: 0.05, cachedInputPerMTok: 0.01, outputPerMTok: 0.2 },
  p: { inputPerMTok: 1.25, cachedInputPerMTok: 0.3, outputPerMTok: 10 },
  q: { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 12 },
};
const rates = (id: string): Rates | undefined => RATES[id];

function makeConfig(): TieredConfig {
  const model = (tier: string) => ({ provider: 'gemini', model: `m-${tier}`, tier, maxOutputTokens: 1000 });
  const r = parseConfig({
    models: { a: model('lite'), b: model('lite'), p: model('pro'), q: model('pro') },
    tiers: { lite: ['a', 'b'], pro: ['p', 'q'] },
    commands: { complete: 'lite', tone: 'lite', review: 'pro' },
  });
  if (!r.ok) throw new Error(r.message);
  return r.config;
}

let seq = 0;
function rec(
  command: string,
  tier: string,
  model: string,
  outcome: Outcome,
  over: Partial<LedgerRecord> = {},
): LedgerRecord {
  const base = {
    v: 1 as const,
    id: `r${seq++}`,
    ts: '2026-11-18T10:00:00.000Z',
    window: 'w',
    command,
    tier,
    provider: 'gemini',
    model,
    inputTokens: 1000,
    cachedInputTokens: 0,
    outputTokens: 200,
    reasoningTokens: 0,
    estimateUsd: 0,
    latencyMs: 900,
    ttftMs: 300,
    outcome,
    ...over,
  };
  return { ...base, costUsd: over.costUsd ?? repriceUsd(base, RATES[model]!), costSource: 'bundled' };
}

function many(n: number, make: (i: number) => LedgerRecord): LedgerRecord[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

function input(records: LedgerRecord[], extra: Partial<OptimizerInput> = {}): OptimizerInput {
  return { records, from: '2026-11-16', to: '2026-11-22', config: makeConfig(), rates, ...extra };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('commandStats', () => {
  test('spend, calls, rates and cost per accepted result', () => {
    const records = [
      ...many(6, () => rec('tone', 'lite', 'a', 'ok')),
      ...many(2, () => rec('tone', 'lite', 'a', 'escalated')),
      ...many(2, () => rec('tone', 'pro', 'p', 'ok')),
      rec('tone', 'lite', 'a', 'error'),
      rec('tone', 'lite', 'a', 'cancelled'),
      rec('tone', 'lite', 'a', 'refused', { costUsd: 0, inputTokens: 0, outputTokens: 0 }),
    ];
    const tone = commandStats(records, makeConfig(), undefined, '2026-11-16', '2026-11-22').find(
      (c) => c.command === 'tone',
    )!;
    assert.equal(tone.calls, 12);
    assert.equal(tone.refused, 1);
    assert.equal(tone.ok, 8);
    assert.equal(tone.accepted, 8);
    assert.equal(tone.byTier.lite!.escalationRate, 2 / 9);
    assert.equal(tone.byTier.lite!.errorRate, 1 / 9);
    const spend = sum(records.map((r) => r.costUsd));
    assert.ok(Math.abs(tone.spendUsd - spend) < 1e-12);
    assert.ok(Math.abs(tone.costPerAcceptedUsd! - spend / 8) < 1e-12);
    assert.equal(tone.acceptanceRate, null);
  });

  test('inline acceptance from the stats of the period only', () => {
    const inline: InlineStatsByDay = {
      '2026-11-15': { a: { shown: 1000, accepted: 1000 } },
      '2026-11-17': { a: { shown: 100, accepted: 30 }, b: { shown: 50, accepted: 5 } },
      '2026-11-22': { a: { shown: 50, accepted: 10 } },
    };
    const records = many(10, () => rec('complete', 'lite', 'a', 'ok'));
    const complete = commandStats(records, makeConfig(), inline, '2026-11-16', '2026-11-22').find(
      (c) => c.command === 'complete',
    )!;
    assert.equal(complete.shown, 200);
    assert.equal(complete.accepted, 45);
    assert.equal(complete.acceptanceRate, 45 / 200);
    assert.ok(Math.abs(complete.costPerAcceptedUsd! - complete.spendUsd / 45) < 1e-12);
    assert.equal(complete.byModel.find((m) => m.modelId === 'a')!.acceptanceRate, 40 / 150);
  });
});

describe('suggestRouting', () => {
  test('thin data: suggests nothing and says so', () => {
    const records = [
      ...many(5, () => rec('tone', 'lite', 'a', 'escalated')),
      ...many(5, () => rec('tone', 'pro', 'p', 'ok')),
    ];
    const report = suggestRouting(input(records));
    assert.deepEqual(report.suggestions, []);
    assert.ok(
      report.notes.some((n) => /^tone: 5 finished call\(s\) on lite .*too little data/.test(n)),
      report.notes.join('\n'),
    );
    const empty = suggestRouting(input([]));
    assert.deepEqual(empty.suggestions, []);
    assert.match(empty.notes[0]!, /No calls in the ledger from 2026-11-16 to 2026-11-22/);
  });

  test('a lite command that escalates often moves up, with the repriced cost', () => {
    const lite = [
      ...many(24, () => rec('tone', 'lite', 'a', 'ok')),
      ...many(16, () => rec('tone', 'lite', 'a', 'escalated')),
    ];
    const upper = many(16, () => rec('tone', 'pro', 'p', 'ok'));
    const report = suggestRouting(input([...lite, ...upper]));
    const s = report.suggestions.find((x) => x.id === 'tier-up:tone');
    assert.ok(s, report.notes.join('\n'));
    assert.equal(s.kind, 'tier-up');
    assert.deepEqual(s.edit, { setting: 'commands', key: 'tone', value: 'pro' });
    assert.equal(editLabel(s.edit), 'tiered.commands.tone = "pro"');
    assert.match(s.reason, /escalated 40% of its lite calls \(16 of 40\)/);
    const current = sum([...lite, ...upper].map((r) => r.costUsd));
    const after = 24 * repriceUsd(lite[0]!, RATES.p!) + sum(upper.map((r) => r.costUsd));
    assert.ok(Math.abs(s.currentUsd - current) < 1e-12);
    assert.ok(Math.abs(s.expectedDeltaUsd! - (after - current)) < 1e-12);
    assert.match(describeDelta(s), /^costs \$0\.\d{4} more \(\+\d+%\)$/);
  });

  test('escalations at or under the threshold: keep, and say so', () => {
    const records = [
      ...many(32, () => rec('tone', 'lite', 'a', 'ok')),
      ...many(8, () => rec('tone', 'lite', 'a', 'escalated')),
    ];
    const report = suggestRouting(input(records));
    assert.equal(report.suggestions.filter((s) => s.target === 'tone').length, 0);
    assert.ok(
      report.notes.some((n) => /^tone: lite is doing its job \(40 calls, 20% escalated/.test(n)),
      report.notes.join('\n'),
    );
  });

  test('a pro command moves down only with evidence from its own lite runs and small inputs', () => {
    const pro = many(30, () => rec('review', 'pro', 'p', 'ok', { inputTokens: 3000, outputTokens: 800 }));
    const liteEvidence = [
      ...many(24, () => rec('review', 'lite', 'a', 'ok', { inputTokens: 2000 })),
      rec('review', 'lite', 'a', 'escalated', { inputTokens: 2000 }),
    ];
    const report = suggestRouting(input([...pro, ...liteEvidence]));
    const s = report.suggestions.find((x) => x.id === 'tier-down:review');
    assert.ok(s, report.notes.join('\n'));
    assert.deepEqual(s.edit, { setting: 'commands', key: 'review', value: 'lite' });
    const current = sum(pro.map((r) => r.costUsd));
    const expected = 30 * repriceUsd(pro[0]!, RATES.a!) + (1 / 25) * current - current;
    assert.ok(Math.abs(s.expectedDeltaUsd! - expected) < 1e-12);
    assert.ok(s.expectedDeltaUsd! < 0);
    assert.match(describeDelta(s), /^saves \$/);

    // No lite evidence: no suggestion, a note.
    const none = suggestRouting(input(pro));
    assert.equal(none.suggestions.length, 0);
    assert.ok(none.notes.some((n) => /^review: no evidence that lite would do \(0 lite call/.test(n)));

    // Large inputs: no suggestion.
    const big = many(30, () => rec('review', 'pro', 'p', 'ok', { inputTokens: 20_000 }));
    const large = suggestRouting(input([...big, ...liteEvidence]));
    assert.equal(large.suggestions.length, 0);
    assert.ok(large.notes.some((n) => /^review: inputs average 20000 tokens/.test(n)));

    // Lite evidence that escalates too often: no suggestion.
    const shaky = [
      ...many(20, () => rec('review', 'lite', 'a', 'ok')),
      ...many(5, () => rec('review', 'lite', 'a', 'escalated')),
    ];
    assert.equal(suggestRouting(input([...pro, ...shaky])).suggestions.length, 0);
  });

  test('a cheaper model of the same tier at similar quality moves first', () => {
    const records = [
      ...many(30, (i) => rec('complete', 'lite', 'a', i < 1 ? 'error' : 'ok')),
      ...many(25, (i) => rec('complete', 'lite', 'b', i < 1 ? 'error' : 'ok', { ttftMs: 350 })),
    ];
    const report = suggestRouting(input(records));
    const s = report.suggestions.find((x) => x.id === 'reorder:lite');
    assert.ok(s, report.notes.join('\n'));
    assert.deepEqual(s.edit, { setting: 'tiers', key: 'lite', value: ['b', 'a'] });
    const primary = records.filter((r) => r.model === 'a');
    const current = sum(primary.map((r) => r.costUsd));
    const after = sum(primary.map((r) => repriceUsd(r, RATES.b!)));
    assert.ok(Math.abs(s.expectedDeltaUsd! - (after - current)) < 1e-12);
    assert.match(s.reason, /cost 50% less/);
  });

  test('no reorder when the cheaper model fails more, is accepted less, is slower, or is thin', () => {
    const primary = many(30, () => rec('complete', 'lite', 'a', 'ok'));
    const failing = many(25, (i) => rec('complete', 'lite', 'b', i < 4 ? 'error' : 'ok'));
    const r1 = suggestRouting(input([...primary, ...failing]));
    assert.equal(r1.suggestions.length, 0);
    assert.ok(r1.notes.some((n) => /^lite: b is cheaper than a but fails or escalates more often/.test(n)));

    const good = many(25, () => rec('complete', 'lite', 'b', 'ok'));
    const inline: InlineStatsByDay = {
      '2026-11-18': { a: { shown: 200, accepted: 60 }, b: { shown: 100, accepted: 10 } },
    };
    const r2 = suggestRouting(input([...primary, ...good], { inline }));
    assert.equal(r2.suggestions.length, 0);
    assert.ok(r2.notes.some((n) => /accepted less often/.test(n)));

    const slow = many(25, () => rec('complete', 'lite', 'b', 'ok', { ttftMs: 1200 }));
    const r3 = suggestRouting(input([...primary, ...slow]));
    assert.equal(r3.suggestions.length, 0);
    assert.ok(r3.notes.some((n) => /slower to first token/.test(n)));

    const thin = many(3, () => rec('complete', 'lite', 'b', 'ok'));
    const r4 = suggestRouting(input([...primary, ...thin]));
    assert.equal(r4.suggestions.length, 0);
    assert.ok(r4.notes.some((n) => /^lite: b would cost 50% less than a, but it answered only 3 call/.test(n)));
  });

  test('inline acceptance counts too few to judge are noted', () => {
    const records = many(30, () => rec('complete', 'lite', 'a', 'ok'));
    const report = suggestRouting(input(records, { inline: { '2026-11-18': { a: { shown: 12, accepted: 3 } } } }));
    assert.ok(report.notes.some((n) => /^complete: 12 inline suggestion\(s\) shown .*acceptance not judged/.test(n)));
  });

  test('an unknown price gives an unknown cost change, not a wrong one', () => {
    const lite = [
      ...many(20, () => rec('tone', 'lite', 'a', 'ok')),
      ...many(20, () => rec('tone', 'lite', 'a', 'escalated')),
    ];
    const report = suggestRouting(input(lite, { rates: (id) => (id === 'p' ? undefined : RATES[id]) }));
    const s = report.suggestions.find((x) => x.id === 'tier-up:tone')!;
    assert.equal(s.expectedDeltaUsd, null);
    assert.match(describeDelta(s), /unknown/);
  });

  test('shadow calls are never moved', () => {
    const records = many(40, () => rec('shadow', 'lite', 'a', 'escalated'));
    const report = suggestRouting(input(records));
    assert.equal(report.suggestions.filter((s) => s.target === 'shadow').length, 0);
  });
});

describe('applyEdits', () => {
  test('merges several edits into whole setting objects', () => {
    const current = {
      commands: { complete: 'lite', tone: 'lite', review: 'pro' },
      tiers: { lite: ['a', 'b'], pro: ['p', 'q'] },
    };
    const out = applyEdits(current, [
      { setting: 'commands', key: 'tone', value: 'pro' },
      { setting: 'commands', key: 'review', value: 'lite' },
      { setting: 'tiers', key: 'lite', value: ['b', 'a'] },
    ]);
    assert.deepEqual(out, {
      commands: { complete: 'lite', tone: 'pro', review: 'lite' },
      tiers: { lite: ['b', 'a'], pro: ['p', 'q'] },
    });
    assert.deepEqual(current.commands.tone, 'lite', 'input untouched');
    assert.deepEqual(applyEdits(current, []), {});
  });
});
