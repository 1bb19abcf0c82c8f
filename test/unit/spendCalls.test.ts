import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRows, recentRows, sortRows, toRow } from '../../src/core/spend/calls';
import { fixtureRecords, record } from '../ui/fixture';

describe('recent calls', () => {
  test('recentRows keeps the newest, newest first, whatever the input order', () => {
    const records = Array.from({ length: 50 }, (_, i) =>
      record({ ts: new Date(Date.UTC(2026, 10, 23, 0, i)).toISOString() }),
    );
    const shuffled = [...records].sort(
      (a, b) =>
        ((a.id.length * 7 + Number(a.id.slice(1)) * 13) % 17) - ((b.id.length * 7 + Number(b.id.slice(1)) * 13) % 17),
    );
    const rows = recentRows(shuffled, 7);
    assert.deepEqual(
      rows.map((r) => r.ts),
      records
        .slice(-7)
        .reverse()
        .map((r) => r.ts),
    );
  });

  test('rows carry what the table shows and nothing else', () => {
    const [row] = recentRows([record({ reason: 'timeout' })], 1);
    assert.deepEqual(Object.keys(row!).sort(), [
      'cachedInputTokens',
      'command',
      'costUsd',
      'id',
      'inputTokens',
      'latencyMs',
      'model',
      'outcome',
      'outputTokens',
      'reason',
      'tier',
      'ts',
    ]);
  });

  test('sort by cost descending, ties keep newest first', () => {
    const rows = recentRows(fixtureRecords(), 100);
    const sorted = sortRows(rows, { key: 'costUsd', descending: true });
    assert.deepEqual(
      sorted.slice(0, 3).map((r) => r.costUsd),
      [0.5, 0.4, 0.002],
    );
    const ones = sorted.filter((r) => r.costUsd === 0.001).map((r) => r.ts);
    assert.deepEqual(ones, [...ones].sort().reverse());
    const byModel = sortRows(rows, { key: 'model', descending: false }).map((r) => r.model);
    assert.deepEqual(byModel, [...byModel].sort());
  });

  test('filter by text and by field', () => {
    const rows = recentRows(fixtureRecords(), 100);
    assert.equal(filterRows(rows, { text: 'REVIEW' }).length, 3);
    assert.equal(filterRows(rows, { text: 'daily cap' }).length, 1);
    assert.equal(filterRows(rows, { outcome: 'refused' }).length, 1);
    assert.equal(filterRows(rows, { tier: 'lite', model: 'flash-lite-next' }).length, 1);
    assert.equal(filterRows(rows, { text: '  ' }).length, rows.length);
  });

  test('a call billed above its reservation keeps the amount over in its row (the panel marks it)', () => {
    const [first, second] = fixtureRecords();
    const over = { ...first!, costUsd: 0.03, estimateUsd: 0.02, overUsd: 0.01 };
    assert.equal(toRow(over).overUsd, 0.01);
    assert.equal(toRow(second!).overUsd, undefined);
  });
});
