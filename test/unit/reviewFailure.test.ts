// A failed deep review tells the truth: through the real call path, budget, ledger and OpenAI
// adapter against the local model server, the review throws ReviewFailedError whose attempt holds
// every billed call (failed ones included) and exactly their cost as the ledger has it, with the
// error in plain words (no raw JSON parse error); the message says what happened and what it cost.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config';
import { localDay } from '../../src/core/day';
import { TieredError } from '../../src/core/errors';
import { readRange } from '../../src/core/ledger';
import { formatUsd, sumUsd } from '../../src/core/money/format';
import { runReview } from '../../src/core/review/engine';
import {
  ReviewFailedError,
  ReviewJsonError,
  attemptCost,
  failureMessage,
  reviewError,
} from '../../src/core/review/failure';
import type { ReviewInput } from '../../src/core/review/input';
import { formatReportMarkdown } from '../../src/core/review/reportMarkdown';
import { filterRows, toRow } from '../../src/core/spend/calls';
import { silentLogger, systemClock } from '../../src/core/types';
import { startLocalCallPath, type LocalCallPath } from '../support/localCallPath';

describe('a failed review: the attempt, its cost and its words', () => {
  let local: LocalCallPath;
  let server: LocalCallPath['server'];
  let dir: string;

  before(async () => {
    local = await startLocalCallPath(
      'review-failure',
      { review: { retries: 1 } },
      {
        sleep: async () => undefined, // retry backoff without waiting
      },
    );
    ({ server, dir } = local);
  });
  after(() => local.close());

  const input: ReviewInput = {
    kind: 'file',
    title: 'a.ts',
    files: [{ path: 'src/a.ts', uri: 'file:///w/src/a.ts', text: 'export const x = 1 == y;\n', firstLine: 1 }],
    excluded: ['.env'],
  };
  const records = () => readRange(dir, localDay(), localDay()).records.filter((r) => r.command === 'review');
  const review = () =>
    runReview({ runner: local.calls, config: () => local.config, logger: silentLogger, clock: systemClock }, input);
  const failure = async (): Promise<ReviewFailedError> => {
    try {
      await review();
    } catch (err) {
      assert.ok(err instanceof ReviewFailedError, String(err));
      return err;
    }
    assert.fail('the review should have failed');
  };

  test('invalid JSON after the repair: both calls in the attempt, the ledger cost exactly, plain words', async () => {
    server.setModelKnobs('gpt-pro', { text: () => 'Sure! Here is my review: {"summary": ' });
    const before = records().length;
    const err = await failure();
    const added = records().slice(before);

    // Callers deciding by reason see the same reason as before.
    assert.ok(TieredError.is(err, 'invalidResponse'));
    const { attempt } = err;
    assert.deepEqual(
      attempt.stages.map((s) => [s.stage, s.outcome ?? 'ok']),
      [
        ['review', 'ok'],
        ['repair', 'error'],
      ],
    );
    assert.match(attempt.stages[1]!.reason ?? '', /invalid review JSON/);
    assert.equal(attempt.totals.costUsd, sumUsd(added.map((r) => r.costUsd)));
    assert.ok(attempt.totals.costUsd > 0);
    // The cost panel shows the failed call as "failed"; filtering by that word finds it (and only it).
    assert.deepEqual(
      filterRows(added.map(toRow), { text: 'failed' }).map((r) => r.outcome),
      ['error'],
    );
    assert.equal(attempt.model, 'pro');
    assert.equal(attempt.tier, 'pro');
    assert.deepEqual(attempt.excluded, ['.env']);
    assert.equal(attempt.findings.length, 0);

    assert.equal(attempt.error.what, "the model's answer was not valid review JSON, even after one repair");
    // No parse error text reaches the user: it is in the log with the raw answer.
    assert.doesNotMatch(err.message, /Unexpected|position|JSON at|schema \(/);
    // The Markdown form of the attempt (the report view's text) says so too, with no findings section.
    const md = formatReportMarkdown(attempt);
    assert.match(
      md,
      /> \*\*This review failed\*\*: the model's answer was not valid review JSON, even after one repair\. It cost /,
    );
    assert.match(md, /\| repair \(failed\) \|/);
    assert.doesNotMatch(md, /## Findings/);
    const message = failureMessage(attempt);
    assert.equal(
      message,
      `Deep review of a.ts failed: the model's answer was not valid review JSON, even after one repair. ` +
        `It cost ${formatUsd(attempt.totals.costUsd)} over 2 calls.`,
    );
  });

  test('a stream cut on every try: each billed retry is in the attempt and its cost', async () => {
    server.setModelKnobs('gpt-pro', { text: 'x '.repeat(400), fault: { kind: 'cut', afterChunks: 3 } });
    const before = records().length;
    const err = await failure();
    const added = records().slice(before);
    server.reset();

    assert.ok(added.length >= 2, 'one try and one retry reached the server');
    assert.ok(added.every((r) => r.outcome === 'error'));
    const { attempt } = err;
    assert.equal(attempt.stages.length, added.filter((r) => r.costUsd > 0 || r.outputTokens > 0).length);
    assert.ok(attempt.stages.every((s) => s.stage === 'review' && s.outcome === 'error'));
    assert.equal(attempt.totals.costUsd, sumUsd(added.map((r) => r.costUsd)));
    assert.equal(attempt.error.reason, err.reason);
    assert.match(
      failureMessage(attempt),
      new RegExp(`It cost \\${formatUsd(attempt.totals.costUsd)} over \\d calls\\.$`),
    );
  });

  test('refused before sending: an attempt with no call and nothing spent', async () => {
    const tight = parseConfig({ ...local.raw, budget: { dailyCapUsd: 0.000001 } });
    assert.ok(tight.ok, tight.ok ? '' : tight.message);
    const before = records().length;
    const original = local.config;
    try {
      local.config = tight.config; // the budget reads its cap from the same config
      await review();
      assert.fail('should be refused');
    } catch (err) {
      assert.ok(err instanceof ReviewFailedError && err.reason === 'budget', String(err));
      assert.equal(err.attempt.stages.length, 0);
      assert.equal(attemptCost(err.attempt), 'nothing (no call was billed)');
      assert.match(err.attempt.error.what, /^it would go over today's spending cap: Deep review not sent/);
    } finally {
      local.config = original;
    }
    assert.equal(records().length, before, 'nothing reached the ledger');
  });
});

describe('reviewError', () => {
  test('plain words per reason; the fix-naming message kept where it helps', () => {
    assert.equal(
      reviewError(new TieredError('timeout', 'gpt-pro: Request timed out after 120000 ms')).what,
      'the model took longer than the timeout to answer',
    );
    assert.equal(
      reviewError(new ReviewJsonError('x')).what,
      "the model's answer was not valid review JSON, even after one repair",
    );
    // A generic unreadable answer (a malformed stream) is not called a JSON repair failure.
    assert.equal(
      reviewError(new TieredError('invalidResponse', 'bad SSE')).what,
      "the model's answer could not be read",
    );
    assert.equal(
      reviewError(
        new TieredError('truncated', 'pro spent its whole output cap (raise `tiered.models.pro.maxOutputTokens`).'),
      ).what,
      'the model used its whole output limit without giving an answer: pro spent its whole output cap (raise `tiered.models.pro.maxOutputTokens`)',
    );
  });
});
