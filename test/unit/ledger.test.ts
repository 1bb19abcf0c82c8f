import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { dayOfIso, isDay, localDay, nextDay } from '../../src/core/day';
import { appendRecord, LedgerTail, ledgerPath, listDays, readDay, readRange, usdToMicros } from '../../src/core/ledger';
import type { Clock, LedgerRecord, Logger } from '../../src/core/types';

const NOON = new Date(2026, 10, 23, 12, 0, 0).getTime();
const DAY = localDay(NOON);

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-ledger-'));
}

let seq = 0;
function record(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    v: 1,
    id: `call-${++seq}`,
    ts: new Date(NOON).toISOString(),
    window: 'w1',
    command: 'review',
    tier: 'pro',
    provider: 'gemini',
    model: 'pro',
    inputTokens: 1200,
    cachedInputTokens: 0,
    outputTokens: 300,
    reasoningTokens: 100,
    costUsd: 0.01,
    costSource: 'bundled',
    estimateUsd: 0.2,
    latencyMs: 900,
    ttftMs: 120,
    outcome: 'ok',
    ...overrides,
  };
}

const line = (r: LedgerRecord): string => `${JSON.stringify(r)}\n`;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, debug() {}, error() {}, warn: (m: string) => warnings.push(m) };
}

describe('day helpers', () => {
  test('localDay uses local time, not UTC', () => {
    assert.equal(localDay(new Date(2026, 0, 5, 0, 0, 1).getTime()), '2026-01-05');
    assert.equal(localDay(new Date(2026, 0, 5, 23, 59, 59).getTime()), '2026-01-05');
    const clock: Clock = { now: () => new Date(2026, 11, 31, 23, 0).getTime() };
    assert.equal(localDay(undefined, clock), '2026-12-31');
  });

  test('nextDay crosses months and years; isDay rejects impossible dates', () => {
    assert.equal(nextDay('2026-12-31'), '2027-01-01');
    assert.equal(nextDay('2028-02-28'), '2028-02-29');
    assert.ok(isDay('2026-11-23'));
    assert.ok(!isDay('2026-02-30'));
    assert.ok(!isDay('2026-1-3'));
    assert.equal(dayOfIso(new Date(NOON).toISOString()), DAY);
    assert.equal(dayOfIso('not a date'), undefined);
  });
});

describe('money in micro-dollars', () => {
  test('float noise does not round up, real fractions do', () => {
    assert.equal(usdToMicros(0.29), 290_000);
    assert.equal(usdToMicros(0.1 + 0.2), 300_000);
    assert.equal(usdToMicros(0.0000001), 1);
    assert.equal(usdToMicros(0), 0);
    let micros = 0;
    for (let i = 0; i < 1000; i++) micros += usdToMicros(0.001);
    assert.equal(micros, usdToMicros(1));
  });
});

describe('appendRecord / readDay', () => {
  test('round-trips records into the file of their local day', () => {
    const dir = tmpDir();
    const a = record();
    const b = record({ command: 'tone', tier: 'lite', costUsd: 0.0002, ttftMs: null, reason: 'x' });
    appendRecord(dir, a);
    appendRecord(dir, b);
    assert.ok(fs.existsSync(ledgerPath(dir, DAY)));
    const { records, warnings } = readDay(dir, DAY);
    assert.deepEqual(records, [a, b]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(readDay(dir, '2020-01-01'), { records: [], warnings: [] });
  });

  test('refuses to write an invalid record', () => {
    const dir = tmpDir();
    assert.throws(() => appendRecord(dir, record({ costUsd: Number.NaN })), /invalid ledger record/);
    assert.throws(() => appendRecord(dir, { ...record(), outcome: 'bogus' } as unknown as LedgerRecord));
    assert.equal(fs.existsSync(ledgerPath(dir, DAY)), false);
  });

  test('a torn last line is skipped with a warning', () => {
    const dir = tmpDir();
    const a = record();
    appendRecord(dir, a);
    fs.appendFileSync(ledgerPath(dir, DAY), line(record()).slice(0, 40));
    const { records, warnings } = readDay(dir, DAY);
    assert.deepEqual(records, [a]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /line 2: torn last line skipped/);
  });

  test('a torn line in the middle (crash, then more appends) is skipped; later records survive', () => {
    const dir = tmpDir();
    const [a, b, c] = [record(), record(), record()];
    appendRecord(dir, a);
    fs.appendFileSync(ledgerPath(dir, DAY), line(record()).slice(0, 55)); // crash mid-write
    appendRecord(dir, b); // terminates the fragment with its own '\n' first
    appendRecord(dir, c);
    const { records, warnings } = readDay(dir, DAY);
    assert.deepEqual(records, [a, b, c]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /line 2: torn or invalid line skipped/);
  });

  test('a record glued to a torn fragment by a writer that did not repair is still recovered', () => {
    const dir = tmpDir();
    const b = record();
    fs.appendFileSync(ledgerPath(dir, DAY), line(record()).slice(0, 30) + line(b));
    const { records, warnings } = readDay(dir, DAY);
    assert.deepEqual(records, [b]);
    assert.match(warnings[0]!, /torn fragment before a record/);
  });

  test('lines that are JSON but not a record, and blank lines', () => {
    const dir = tmpDir();
    const a = record();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(ledgerPath(dir, DAY), `{"v":2,"id":"future"}\n\n${line(a)}{"v":1,"id":"x","costUsd":-1}\n`);
    const { records, warnings } = readDay(dir, DAY);
    assert.deepEqual(records, [a]);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /line 1/);
    assert.match(warnings[1]!, /line 4/);
  });

  test('listDays and readRange', () => {
    const dir = tmpDir();
    const days = ['2026-11-20', '2026-11-21', '2026-11-23'];
    for (const d of days) appendRecord(dir, record({ id: d }), d);
    fs.writeFileSync(path.join(dir, 'reservations-2026-11-22.json'), '{}');
    assert.deepEqual(listDays(dir), days);
    assert.deepEqual(
      readRange(dir, '2026-11-21', '2026-11-23').records.map((r) => r.id),
      ['2026-11-21', '2026-11-23'],
    );
    assert.deepEqual(listDays(path.join(dir, 'missing')), []);
  });
});

describe('LedgerTail', () => {
  test('reads only the bytes appended since the last poll and keeps totals', () => {
    const dir = tmpDir();
    const clock: Clock = { now: () => NOON };
    const tail = new LedgerTail({ dir, clock });
    assert.deepEqual(tail.poll().records, []);
    const file = ledgerPath(dir, DAY);

    const a = record({ command: 'review', model: 'pro', tier: 'pro', costUsd: 0.1 });
    appendRecord(dir, a);
    assert.deepEqual(tail.poll().records, [a]);
    assert.equal(tail.bytesRead, fs.statSync(file).size);

    const sizeBefore = fs.statSync(file).size;
    const b = record({ command: 'tone', model: 'flash-lite', tier: 'lite', costUsd: 0.2 });
    const c = record({ command: 'tone', model: 'flash-lite', tier: 'lite', costUsd: 0, outcome: 'refused' });
    appendRecord(dir, b);
    appendRecord(dir, c);
    const readBefore = tail.bytesRead;
    assert.deepEqual(tail.poll().records, [b, c]);
    assert.equal(tail.bytesRead - readBefore, fs.statSync(file).size - sizeBefore);
    assert.equal(tail.offset, fs.statSync(file).size);

    const idle = tail.bytesRead;
    assert.deepEqual(tail.poll().records, []);
    assert.equal(tail.bytesRead, idle);

    const t = tail.totals();
    assert.equal(t.day, DAY);
    assert.equal(t.calls, 3);
    assert.equal(tail.spentMicros(), 300_000);
    assert.equal(t.spentUsd, 0.3);
    assert.deepEqual(t.byCommand, { review: { spentUsd: 0.1, calls: 1 }, tone: { spentUsd: 0.2, calls: 2 } });
    assert.deepEqual(t.byModel['flash-lite'], { spentUsd: 0.2, calls: 2 });
    assert.deepEqual(t.byTier.pro, { spentUsd: 0.1, calls: 1 });
    assert.deepEqual(t.byOutcome, { ok: 2, refused: 1 });
  });

  test('a partial last line waits for the next poll without a warning', () => {
    const dir = tmpDir();
    const logger = recordingLogger();
    const tail = new LedgerTail({ dir, clock: { now: () => NOON }, logger });
    const a = record({ command: 'revue ü' }); // multi-byte text split across polls
    const bytes = Buffer.from(line(a), 'utf8');
    const byteCut = bytes.indexOf(Buffer.from('ü', 'utf8')) + 1; // between the two bytes of 'ü'
    fs.writeFileSync(ledgerPath(dir, DAY), bytes.subarray(0, byteCut));
    const first = tail.poll();
    assert.deepEqual(first.records, []);
    assert.deepEqual(first.warnings, []);
    fs.appendFileSync(ledgerPath(dir, DAY), bytes.subarray(byteCut));
    const second = tail.poll();
    assert.deepEqual(second.records, [a]);
    assert.deepEqual(second.warnings, []);
    assert.deepEqual(logger.warnings, []);
  });

  test('a torn fragment is reported once a later complete line follows it', () => {
    const dir = tmpDir();
    const logger = recordingLogger();
    const tail = new LedgerTail({ dir, clock: { now: () => NOON }, logger });
    const a = record({ costUsd: 0.5 });
    appendRecord(dir, a);
    fs.appendFileSync(ledgerPath(dir, DAY), line(record({ costUsd: 9 })).slice(0, 50));
    const first = tail.poll();
    assert.deepEqual(first.records, [a]);
    assert.deepEqual(first.warnings, []);
    const b = record({ costUsd: 0.25 });
    appendRecord(dir, b);
    const second = tail.poll();
    assert.deepEqual(second.records, [b]);
    assert.equal(second.warnings.length, 1);
    assert.match(second.warnings[0]!, /line 2: torn or invalid/);
    assert.equal(logger.warnings.length, 1);
    assert.equal(tail.spentMicros(), 750_000);
  });

  test('rolls over at local midnight: totals restart, a fragment left on the old day is reported', () => {
    const dir = tmpDir();
    let now = new Date(2026, 10, 23, 23, 59, 0).getTime();
    const tail = new LedgerTail({ dir, clock: { now: () => now } });
    appendRecord(dir, record({ ts: new Date(now).toISOString(), costUsd: 1 }));
    assert.equal(tail.poll().records.length, 1);
    fs.appendFileSync(ledgerPath(dir, '2026-11-23'), '{"v":1,"id":"torn');

    now = new Date(2026, 10, 24, 0, 1, 0).getTime();
    const fresh = record({ ts: new Date(now).toISOString(), costUsd: 0.25 });
    appendRecord(dir, fresh);
    const polled = tail.poll();
    assert.equal(polled.rolledOver, true);
    assert.deepEqual(polled.records, [fresh]);
    assert.equal(polled.warnings.length, 1);
    assert.match(polled.warnings[0]!, /ledger-2026-11-23\.jsonl .*day over/);
    assert.equal(tail.day, '2026-11-24');
    assert.equal(tail.spentMicros(), 250_000);
    assert.equal(tail.totals().calls, 1);
    assert.equal(tail.offset, fs.statSync(ledgerPath(dir, '2026-11-24')).size);
  });

  test('a replaced or truncated file is recounted from the start', () => {
    const dir = tmpDir();
    const tail = new LedgerTail({ dir, clock: { now: () => NOON } });
    appendRecord(dir, record({ costUsd: 1 }));
    appendRecord(dir, record({ costUsd: 1 }));
    tail.poll();
    assert.equal(tail.spentMicros(), 2_000_000);
    const kept = record({ costUsd: 0.5 });
    fs.writeFileSync(ledgerPath(dir, DAY), line(kept));
    const polled = tail.poll();
    assert.deepEqual(polled.records, [kept]);
    assert.match(polled.warnings[0]!, /recounted/);
    assert.equal(tail.spentMicros(), 500_000);
  });
});
