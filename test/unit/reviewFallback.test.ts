import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TieredError } from '../../src/core/errors';
import {
  DEFAULT_BACKOFF,
  backoffDelay,
  chainFailedMessage,
  nextStep,
  planAttempts,
  type Step,
} from '../../src/core/fallback';

const err = (reason: ConstructorParameters<typeof TieredError>[0], retryAfterMs?: number) =>
  new TieredError(reason, `${reason} happened`, retryAfterMs === undefined ? {} : { retryAfterMs });

/** Drives nextStep over a chain the way a call path would, returning the models tried in order. */
function simulate(
  chain: string[],
  retries: number,
  failures: (model: string, attempt: number) => TieredError | undefined,
) {
  const tried: string[] = [];
  const waits: number[] = [];
  for (let i = 0; i < chain.length; i++) {
    for (let attempt = 0; ; attempt++) {
      tried.push(`${chain[i]}#${attempt}`);
      const e = failures(chain[i]!, attempt);
      if (!e) return { tried, waits, ok: true };
      const step: Step = nextStep(e, attempt, { retries, hasNext: i < chain.length - 1 });
      if (step.action === 'retry') {
        waits.push(step.delayMs);
        continue;
      }
      if (step.action === 'next') break;
      return { tried, waits, ok: false };
    }
  }
  return { tried, waits, ok: false };
}

describe('fallback order', () => {
  test('planAttempts lists each model 1 + retries times, primary first', () => {
    assert.deepEqual(
      planAttempts(['pro', 'pro-stable'], 2).map((a) => `${a.model}#${a.attempt}`),
      ['pro#0', 'pro#1', 'pro#2', 'pro-stable#0', 'pro-stable#1', 'pro-stable#2'],
    );
    assert.deepEqual(
      planAttempts(['a'], 0).map((a) => a.modelIndex),
      [0],
    );
  });

  test('transient failures retry with exponential backoff, then move to the next model, then stop', () => {
    const r = simulate(['pro', 'pro-stable'], 2, () => err('server'));
    assert.equal(r.ok, false);
    assert.deepEqual(r.tried, ['pro#0', 'pro#1', 'pro#2', 'pro-stable#0', 'pro-stable#1', 'pro-stable#2']);
    assert.deepEqual(r.waits, [500, 1000, 500, 1000]);
  });

  test('Retry-After is honoured instead of the exponential wait', () => {
    const step = nextStep(err('rateLimit', 7000), 0, { retries: 2, hasNext: true });
    assert.deepEqual(step.action === 'retry' && step.delayMs, 7000);
  });

  test('a Retry-After longer than we wait moves to the next model, or stops at the end', () => {
    assert.equal(nextStep(err('rateLimit', 120_000), 0, { retries: 2, hasNext: true }).action, 'next');
    assert.equal(nextStep(err('rateLimit', 120_000), 0, { retries: 2, hasNext: false }).action, 'stop');
  });

  test('non-transient but model-specific errors skip retries and try the next model', () => {
    for (const reason of ['modelNotFound', 'quota', 'invalidResponse'] as const) {
      assert.equal(nextStep(err(reason), 0, { retries: 2, hasNext: true }).action, 'next', reason);
    }
  });

  test('cancelled, budget, config and auth stop at once', () => {
    for (const reason of ['cancelled', 'budget', 'config', 'auth'] as const) {
      assert.equal(nextStep(err(reason), 0, { retries: 2, hasNext: true }).action, 'stop', reason);
    }
    assert.equal(nextStep(new Error('boom'), 0, { retries: 2, hasNext: true }).action, 'stop');
  });

  test('a rejected request, a refused model and an answer that ended at the cap move to the next model without a retry', () => {
    for (const reason of ['badRequest', 'denied', 'truncated'] as const) {
      assert.equal(nextStep(err(reason), 0, { retries: 2, hasNext: true }).action, 'next', reason);
      assert.equal(nextStep(err(reason), 0, { retries: 2, hasNext: false }).action, 'stop', reason);
    }
  });

  test('success on a retry stops the sequence there', () => {
    const r = simulate(['pro', 'pro-stable'], 2, (m, a) => (m === 'pro' && a < 1 ? err('network') : undefined));
    assert.ok(r.ok);
    assert.deepEqual(r.tried, ['pro#0', 'pro#1']);
  });

  test('backoff is capped and jitter stays under the cap', () => {
    assert.equal(backoffDelay(10, undefined), DEFAULT_BACKOFF.maxMs);
    const withJitter = { ...DEFAULT_BACKOFF, jitter: 0.5, random: () => 1 };
    assert.equal(backoffDelay(0, undefined, withJitter), 750);
    assert.equal(backoffDelay(10, undefined, withJitter), DEFAULT_BACKOFF.maxMs);
    assert.equal(backoffDelay(0, 0), 0);
  });

  test('the final message names the models tried and that lite is never used', () => {
    const m = chainFailedMessage('pro', ['pro', 'pro-stable'], err('server'));
    assert.match(m, /pro, pro-stable/);
    assert.match(m, /never falls back to a lower tier/);
  });
});
