// Every server fault end to end through the REAL call path: CallPath + Budget (ledger in a temp
// dir) + PriceBook + createModelClient (the official SDKs) against the local model server, for both
// providers. The adapter-level mapping is in test/providers/faults.test.ts; this proves what the
// user gets: the outcome, what the ledger bills, the prescribed fallback (retry with backoff
// honouring Retry-After, then the next model of the SAME tier, never lite), no reservation left
// behind and no unhandled rejection. Sleeps are injected (recorded, not waited).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { Budget } from '../../src/core/budget';
import type { CallResult } from '../../src/core/calls';
import { CallPath } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { localDay } from '../../src/core/day';
import { TieredError, type ErrorReason } from '../../src/core/errors';
import { readRange } from '../../src/core/ledger';
import { PriceBook } from '../../src/core/prices';
import type { LedgerRecord, Logger } from '../../src/core/types';
import { systemClock } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { faults, startModelServer, type Fault, type ModelServer } from '../server/modelServer';

const KEY = 'fault-test-key-0123456789';
const PRICE = { inputPerMTok: 1, outputPerMTok: 2 };
/** Short per-call timeout for the hang and trickle cases (the provider minimum is 1 s). */
const SHORT_TIMEOUT_MS = 400;

interface Case {
  name: string;
  fault: Fault;
  reason: ErrorReason;
  /** What the primary's failure leads to, when it fails every time. */
  then: 'retry-then-next' | 'next' | 'stop';
  /** Expected injected sleeps before moving on (retries on the primary). */
  sleeps?: number[];
  /** Text streamed before the failure is billed (prompt estimate + streamed output). */
  billedPartial?: boolean;
  timeoutMs?: number;
}

const CASES: Case[] = [
  { name: '401', fault: faults.status(401), reason: 'auth', then: 'stop' },
  // A 403 about the key (a 403 for a region or model access is `denied`: next model, test/providers/mapError.test.ts).
  {
    name: '403',
    fault: faults.status(403, { message: 'Incorrect API key provided.' }),
    reason: 'auth',
    then: 'stop',
  },
  { name: '404 unknown model', fault: faults.status(404), reason: 'modelNotFound', then: 'next' },
  {
    name: '429 with Retry-After',
    fault: faults.status(429, { retryAfter: '3' }),
    reason: 'rateLimit',
    then: 'retry-then-next',
    sleeps: [3000, 3000],
  },
  {
    name: '429 without Retry-After',
    fault: faults.status(429),
    reason: 'rateLimit',
    then: 'retry-then-next',
    sleeps: [500, 1000],
  },
  { name: '500', fault: faults.status(500), reason: 'server', then: 'retry-then-next', sleeps: [500, 1000] },
  { name: '503', fault: faults.status(503), reason: 'server', then: 'retry-then-next', sleeps: [500, 1000] },
  {
    name: 'timeout before the first byte',
    fault: faults.hang(),
    reason: 'timeout',
    then: 'retry-then-next',
    sleeps: [500, 1000],
    timeoutMs: SHORT_TIMEOUT_MS,
  },
  {
    name: 'stream cut mid-way',
    fault: faults.cut(4),
    reason: 'network',
    then: 'retry-then-next',
    sleeps: [500, 1000],
    billedPartial: true,
  },
  {
    name: 'malformed JSON event',
    fault: faults.malformedJson(),
    reason: 'invalidResponse',
    then: 'next',
    billedPartial: true,
  },
  { name: 'malformed SSE framing', fault: faults.malformedSse(), reason: 'invalidResponse', then: 'next' },
  { name: 'wrong content type', fault: faults.wrongContentType(), reason: 'invalidResponse', then: 'next' },
  {
    name: 'slow trickle',
    fault: faults.trickle(60),
    reason: 'timeout',
    then: 'retry-then-next',
    sleeps: [500, 1000],
    billedPartial: true,
    timeoutMs: SHORT_TIMEOUT_MS,
  },
];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

function configFor(kind: 'openai' | 'gemini', server: ModelServer): TieredConfig {
  const model = (tier: string, name: string) => ({
    provider: 'p',
    model: name,
    tier,
    maxOutputTokens: 256,
    price: PRICE,
  });
  const parsed = parseConfig({
    providers: [
      { id: 'p', kind, baseUrl: kind === 'openai' ? server.openaiBaseUrl : server.geminiBaseUrl, timeoutMs: 5000 },
    ],
    models: { 'pro-a': model('pro', 'pro-a'), 'pro-b': model('pro', 'pro-b'), 'lite-a': model('lite', 'lite-a') },
    tiers: { lite: ['lite-a'], pro: ['pro-a', 'pro-b'] },
    budget: { dailyCapUsd: 5, confirmAboveUsd: 5 },
  });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  return parsed.config;
}

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };

for (const kind of ['openai', 'gemini'] as const) {
  describe(`${kind}: faults through the call path`, () => {
    let server: ModelServer;
    let dir: string;
    let budget: Budget;
    let sleeps: number[];
    let path: CallPath;

    before(async () => {
      server = await startModelServer({ knobs: { text: 'All good: a short answer from the model.' } });
      process.on('unhandledRejection', onUnhandled);
    });
    after(async () => {
      process.off('unhandledRejection', onUnhandled);
      await server.close();
    });
    beforeEach(() => {
      server.reset();
      dir = mkdtempSync(join(tmpdir(), 'tiered-faults-'));
      const config = configFor(kind, server);
      budget = new Budget({ dir, windowId: 'w', getConfig: () => config.budget });
      sleeps = [];
      path = new CallPath({
        config: () => config,
        budget: budget,
        pricing: new PriceBook(),
        client: async (m) => createModelClient(m.providerConfig, KEY),
        clock: systemClock,
        logger: quiet,
        windowId: 'w',
        sleep: async (ms) => void sleeps.push(ms),
      });
    });
    afterEach(async () => {
      await server.idle();
      // Let any stray promise settle before checking for unhandled rejections.
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(unhandled, [], 'unhandled rejection');
      rmSync(dir, { recursive: true, force: true });
    });

    const review = (timeoutMs?: number) =>
      path.run({
        command: 'review',
        build: () => ({ messages: [{ role: 'user', content: 'Review this: const x = 1;' }], maxOutputTokens: 128 }),
        ...(timeoutMs ? { timeoutMs } : {}),
      });
    const ledger = (): LedgerRecord[] => readRange(dir, localDay(), localDay()).records;
    const generation = () => server.log.filter((r) => r.route !== 'gemini.countTokens').map((r) => r.model);

    /** Settled spend equals the ledger's total and no reservation is left over. */
    async function assertBudgetBalanced(): Promise<void> {
      const s = await budget.status();
      const billed = ledger().reduce((sum, r) => sum + r.costUsd, 0);
      assert.ok(Math.abs(s.spentUsd - billed) < 1e-6, `spent ${s.spentUsd} vs ledger ${billed}`);
      assert.equal(s.reservedUsd, 0, 'a reservation was left behind');
    }

    for (const c of CASES) {
      test(`${c.name} on every try of the primary → ${c.then}`, { timeout: 20_000 }, async () => {
        server.setModelKnobs('pro-a', { fault: c.fault });
        let result: CallResult | undefined;
        let error: unknown;
        try {
          result = await review(c.timeoutMs);
        } catch (err) {
          error = err;
        }
        const tries = c.then === 'retry-then-next' ? 1 + (c.sleeps?.length ?? 0) : 1;
        const expectedModels = [...Array<string>(tries).fill('pro-a'), ...(c.then === 'stop' ? [] : ['pro-b'])];
        assert.deepEqual(generation(), expectedModels, 'requests in order');
        assert.ok(!generation().includes('lite-a'), 'never falls down to lite');
        assert.deepEqual(sleeps, c.sleeps ?? [], 'backoff / Retry-After waits');

        if (c.then === 'stop') {
          assert.ok(TieredError.is(error, c.reason), `expected ${c.reason}, got ${String(error)}`);
          assert.match((error as Error).message, /"p"/, 'the message names the provider');
          assert.ok(!(error as Error).message.includes(KEY));
        } else {
          assert.equal(error, undefined, String(error));
          assert.equal(result?.model.id, 'pro-b');
          assert.equal(result?.tier, 'pro');
        }

        const records = ledger();
        assert.deepEqual(
          records.map((r) => [r.model, r.outcome, r.reason]),
          [
            ...Array.from({ length: tries }, () => ['pro-a', 'error', c.reason]),
            ...(c.then === 'stop' ? [] : [['pro-b', 'ok', undefined]]),
          ],
        );
        for (const r of records.filter((x) => x.outcome === 'error')) {
          if (c.billedPartial) {
            assert.ok(r.outputTokens > 0 && r.inputTokens > 0, `partial stream not billed: ${JSON.stringify(r)}`);
            assert.ok(r.costUsd > 0);
            assert.equal(r.costSource, 'override');
          } else {
            assert.equal(r.costUsd, 0, `a failure before any byte is not billed: ${JSON.stringify(r)}`);
          }
        }
        if (c.then !== 'stop') assert.ok(records.at(-1)!.costUsd > 0, 'the answer is billed');
        await assertBudgetBalanced();
      });
    }

    test('a one-off 429 with Retry-After is retried on the same model after exactly that wait', async () => {
      server.fault(faults.status(429, { retryAfter: '2' }), { model: 'pro-a' });
      const r = await review();
      assert.equal(r.model.id, 'pro-a');
      assert.deepEqual(generation(), ['pro-a', 'pro-a']);
      assert.deepEqual(sleeps, [2000]);
      assert.deepEqual(
        ledger().map((x) => x.outcome),
        ['error', 'ok'],
      );
      await assertBudgetBalanced();
    });

    test('a Retry-After longer than Tiered waits moves to the next pro model at once', async () => {
      server.setModelKnobs('pro-a', { fault: faults.status(429, { retryAfter: '120' }) });
      const r = await review();
      assert.equal(r.model.id, 'pro-b');
      assert.deepEqual(sleeps, []);
      assert.deepEqual(generation(), ['pro-a', 'pro-b']);
    });

    test('the whole pro tier failing stops with a message naming what was tried; lite is never called', async () => {
      server.setModelKnobs('pro-a', { fault: faults.status(503) });
      server.setModelKnobs('pro-b', { fault: faults.status(503) });
      const err = await review().then(
        () => assert.fail('the call succeeded'),
        (e: unknown) => e,
      );
      assert.ok(TieredError.is(err, 'server'), String(err));
      assert.match((err as Error).message, /tried pro-a, pro-b on the pro tier/);
      assert.match((err as Error).message, /never falls back to a lower tier/);
      assert.deepEqual(generation(), ['pro-a', 'pro-a', 'pro-a', 'pro-b', 'pro-b', 'pro-b']);
      assert.equal(ledger().length, 6);
      await assertBudgetBalanced();
    });

    test('inline (complete) does not retry: one try per lite model, then the error', async () => {
      server.setModelKnobs('lite-a', { fault: faults.status(500) });
      const err = await path
        .run({
          command: 'complete',
          build: () => ({ messages: [{ role: 'user', content: 'const x = ' }], maxOutputTokens: 32 }),
          timeoutMs: 2000,
        })
        .then(
          () => assert.fail('the call succeeded'),
          (e: unknown) => e,
        );
      assert.ok(TieredError.is(err, 'server'), String(err));
      assert.deepEqual(generation(), ['lite-a']);
      assert.deepEqual(sleeps, []);
      await assertBudgetBalanced();
    });

    test('an abort during a hang ends the call as cancelled, unbilled, with nothing reserved', async () => {
      server.setModelKnobs('pro-a', { fault: faults.hang() });
      const controller = new AbortController();
      const running = path.run({
        command: 'review',
        build: () => ({ messages: [{ role: 'user', content: 'Review: let y;' }], maxOutputTokens: 64 }),
        signal: controller.signal,
      });
      await server.waitForRequests(1);
      controller.abort();
      await assert.rejects(running, (e: unknown) => TieredError.is(e, 'cancelled'));
      await server.idle();
      assert.deepEqual(generation(), ['pro-a'], 'no retry after a cancel');
      assert.deepEqual(
        ledger().map((r) => r.outcome),
        ['cancelled'],
      );
      await assertBudgetBalanced();
    });
  });
}
