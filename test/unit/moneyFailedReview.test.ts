// A failed deep review is recorded and shown as failed, never as `ok`: through the real call path,
// budget, ledger and OpenAI adapter against the local model server, a review whose answer is still
// not valid JSON after its one repair ends in a ledger record with outcome 'error' and the reason,
// and the cost panel's rows and totals count it as failed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localDay } from '../../src/core/day';
import { TieredError } from '../../src/core/errors';
import { readRange } from '../../src/core/ledger';
import { runReview } from '../../src/core/review/engine';
import type { ReviewInput } from '../../src/core/review/input';
import { aggregateByDay, summarize } from '../../src/core/spend/aggregate';
import { toRow } from '../../src/core/spend/calls';
import { silentLogger, systemClock } from '../../src/core/types';
import { startLocalCallPath, type LocalCallPath } from '../support/localCallPath';

const FINDINGS = JSON.stringify({
  summary: 'One loop bound is wrong.',
  findings: [
    {
      file: 'src/a.ts',
      startLine: 1,
      endLine: 1,
      severity: 'warning',
      category: 'bug',
      title: 'Off by one',
      explanation: 'The loop reads one element past the end.',
    },
  ],
});

describe('a failed review in the ledger and the panel', () => {
  let local: LocalCallPath;
  let server: LocalCallPath['server'];
  let dir: string;

  before(async () => {
    local = await startLocalCallPath('failed-review');
    ({ server, dir } = local);
  });
  after(() => local.close());

  const input: ReviewInput = {
    kind: 'selection',
    title: 'a.ts (selection)',
    files: [
      {
        path: 'src/a.ts',
        uri: 'file:///w/src/a.ts',
        text: 'for (let i = 0; i <= a.length; i++) use(a[i]);',
        firstLine: 1,
      },
    ],
    excluded: [],
  };
  const records = () => readRange(dir, localDay(), localDay()).records.filter((r) => r.command === 'review');
  const review = () =>
    runReview({ runner: local.calls, config: () => local.config, logger: silentLogger, clock: systemClock }, input);

  test('still invalid after the repair: the last stage record says error and why; the panel counts it failed', async () => {
    server.setModelKnobs('gpt-pro', { text: () => 'Sure! No JSON today.' });
    const before = records().length;
    await assert.rejects(
      review(),
      (err: unknown) => TieredError.is(err, 'invalidResponse') && /repair/.test(err.message),
    );
    const added = records().slice(before);
    assert.deepEqual(
      added.map((r) => r.outcome),
      ['ok', 'error'], // the first answer was sent back for repair; the repair is the review's failure
    );
    const last = added[1]!;
    assert.match(last.reason ?? '', /invalid review JSON/);
    assert.ok(last.costUsd > 0, 'the failed answer is billed like any other');
    // The panel's recent-calls row and its totals line ("· 1 failed") show it as failed.
    assert.equal(toRow(last).outcome, 'error');
    assert.match(toRow(last).reason ?? '', /invalid review JSON/);
    const summary = summarize(aggregateByDay(added, { priceAtPro: () => undefined }), {
      from: localDay(),
      to: localDay(),
    });
    assert.equal(summary.outcomes.error, 1);
  });

  test('a repair that succeeds stays ok', async () => {
    let n = 0;
    server.setModelKnobs('gpt-pro', { text: () => (n++ === 0 ? 'not json' : FINDINGS) });
    const before = records().length;
    const report = await review();
    assert.equal(report.findings.length, 1);
    assert.deepEqual(
      records()
        .slice(before)
        .map((r) => r.outcome),
      ['ok', 'ok'],
    );
  });
});
