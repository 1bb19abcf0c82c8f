// Inline's reaction to failed requests (issue 10, item 4): a back-off so that the same failing
// request is not re-sent on every pause, each problem told once, model problems not told twice.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TieredError } from '../../src/core/errors';
import { BACKOFF_MS, InlineErrorPolicy, MODEL_PROBLEM_BACKOFF_MS } from '../../src/core/completion/errorPolicy';

function policy() {
  let now = 1_000_000;
  const p = new InlineErrorPolicy(() => now);
  return { p, advance: (ms: number) => (now += ms) };
}

const param400 = () =>
  new TieredError('badRequest', "'temperature' does not support 0.2 with this model.", {
    status: 400,
    param: 'temperature',
    code: 'unsupported_value',
  });

describe('InlineErrorPolicy', () => {
  test('a model rejected for its configuration: back-off, no second notice (the model-problem notice told it)', () => {
    const { p, advance } = policy();
    const d = p.failed(param400());
    assert.equal(d.notice, undefined);
    assert.equal(p.blocked(), true);
    advance(MODEL_PROBLEM_BACKOFF_MS - 1);
    assert.equal(p.blocked(), true);
    advance(1);
    assert.equal(p.blocked(), false);
    assert.equal(p.failed(new TieredError('denied', 'Country, region, or territory not supported')).notice, undefined);
    assert.equal(p.failed(new TieredError('modelNotFound', 'The model does not exist')).notice, undefined);
  });

  test('a 400 about the input size is told once and backs off', () => {
    const { p } = policy();
    const tooLong = new TieredError('badRequest', 'Input is too long for this model', { status: 400 });
    const first = p.failed(tooLong);
    assert.equal(first.notice?.kind, 'warning');
    assert.match(first.notice!.message, /too long/);
    assert.equal(p.blocked(), true);
    assert.equal(p.failed(tooLong).notice, undefined);
  });

  test('truncated: told once with the setting to change, not again after a success, again after reset', () => {
    const { p, advance } = policy();
    const cut = new TieredError(
      'truncated',
      'lite (gpt-5-mini) spent its whole output cap of 128 tokens without an answer (raise `tiered.models.lite.maxOutputTokens` or lower `tiered.reasoning.complete`).',
    );
    const first = p.failed(cut);
    assert.match(first.notice!.message, /spent its whole output cap thinking/);
    assert.match(first.notice!.message, /tiered\.models\.lite\.maxOutputTokens/);
    assert.equal(first.backoffUntil, 1_000_000 + BACKOFF_MS.truncated!);
    p.succeeded();
    advance(BACKOFF_MS.truncated!);
    assert.equal(p.blocked(), false);
    assert.equal(p.failed(cut).notice, undefined, 'truncation told twice');
    p.reset();
    assert.equal(p.blocked(), false, 'a settings change ends the back-off');
    assert.ok(p.failed(cut).notice, 'not told again after a settings change');
  });

  test('transient failures are told again after a success', () => {
    const { p } = policy();
    const down = new TieredError('server', 'upstream 503');
    assert.ok(p.failed(down).notice);
    assert.equal(p.failed(down).notice, undefined);
    p.succeeded();
    assert.ok(p.failed(down).notice);
  });

  test('cancelled does nothing; budget and auth get their own notices', () => {
    const { p } = policy();
    assert.deepEqual(p.failed(new TieredError('cancelled', 'Cancelled.')), {});
    assert.equal(p.blocked(), false);
    assert.equal(p.failed(new TieredError('budget', 'Cap reached.')).notice?.kind, 'budget');
    assert.equal(p.failed(new TieredError('auth', 'No key.')).notice?.kind, 'auth');
    p.forget('budget');
    assert.equal(p.failed(new TieredError('budget', 'Cap reached.')).notice?.kind, 'budget');
  });

  test('a non-Tiered error is logged, not shown, and does not block', () => {
    const { p } = policy();
    const d = p.failed(new Error('boom'));
    assert.match(d.log!, /boom/);
    assert.equal(d.notice, undefined);
    assert.equal(p.blocked(), false);
  });
});
