// Every server fault maps to one reason, for both adapters, and every failing call sent exactly
// ONE request (no SDK retries, no Gemini stream continuation). Counting at rejection time is
// conclusive: both SDKs retry inside the call they were given, before it settles.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ErrorReason } from '../../src/core/errors';
import type { ModelClient } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { defaultReply, faults, startModelServer, type Fault, type ModelServer } from '../server/modelServer';
import { KEY, assertReason, chat, providerFor, rejection } from './helpers';

interface Case {
  name: string;
  fault: Fault;
  /** One reason for both adapters, or one per adapter where the providers' bodies differ. */
  reason: ErrorReason | Record<'openai' | 'gemini', ErrorReason>;
  status?: number;
  retryAfterMs?: number | 'some';
  /** The error must carry text streamed before the failure. */
  partialText?: boolean;
  timeoutMs?: number;
}

const CASES: Case[] = [
  { name: '401', fault: faults.status(401), reason: 'auth', status: 401 },
  // The server's default 403 bodies: OpenAI "You are not allowed to use this model." (model access),
  // Google "Method doesn't allow unregistered callers." (a request without a key).
  { name: '403', fault: faults.status(403), reason: { openai: 'denied', gemini: 'auth' }, status: 403 },
  {
    name: '403 naming the key',
    fault: faults.status(403, { message: 'Incorrect API key provided.' }),
    reason: 'auth',
    status: 403,
  },
  { name: '400', fault: faults.status(400), reason: 'badRequest', status: 400 },
  { name: '404 unknown model', fault: faults.status(404), reason: 'modelNotFound', status: 404 },
  {
    name: '429 with Retry-After seconds',
    fault: faults.status(429, { retryAfter: '7' }),
    reason: 'rateLimit',
    status: 429,
    retryAfterMs: 7000,
  },
  {
    name: '429 with Retry-After date',
    fault: faults.status(429, { retryAfter: new Date(Date.now() + 60_000).toUTCString() }),
    reason: 'rateLimit',
    status: 429,
    retryAfterMs: 'some',
  },
  { name: '429 without Retry-After', fault: faults.status(429), reason: 'rateLimit', status: 429 },
  { name: '429 quota exhausted', fault: faults.status(429, { quota: true }), reason: 'quota', status: 429 },
  { name: '500', fault: faults.status(500), reason: 'server', status: 500 },
  { name: '503', fault: faults.status(503), reason: 'server', status: 503 },
  { name: 'stream cut mid-way', fault: faults.cut(4), reason: 'network', partialText: true },
  {
    name: 'error event mid-stream',
    fault: faults.streamError(3, 503),
    reason: 'server',
    status: 503,
    partialText: true,
  },
  { name: 'malformed JSON event', fault: faults.malformedJson(), reason: 'invalidResponse', partialText: true },
  { name: 'malformed SSE framing', fault: faults.malformedSse(), reason: 'invalidResponse' },
  { name: 'wrong content type', fault: faults.wrongContentType(), reason: 'invalidResponse' },
  { name: 'hang before the first byte', fault: faults.hang(), reason: 'timeout', timeoutMs: 300 },
  { name: 'slow trickle', fault: faults.trickle(60), reason: 'timeout', partialText: true, timeoutMs: 800 },
];

for (const kind of ['openai', 'gemini'] as const) {
  describe(`${kind} adapter faults`, () => {
    let server: ModelServer;
    let client: ModelClient;
    before(async () => {
      server = await startModelServer();
      client = createModelClient(providerFor(server, kind, `faulty-${kind}`), KEY);
    });
    after(() => server.close());
    beforeEach(() => server.reset());

    for (const c of CASES) {
      const reason = typeof c.reason === 'string' ? c.reason : c.reason[kind];
      test(`${c.name} → ${reason}`, async () => {
        server.fault(c.fault);
        const err = await rejection(() =>
          client.stream(chat('m-1', 'tell me something', { timeoutMs: c.timeoutMs ?? 10_000 })),
        );
        assertReason(err, reason);
        assert.equal(server.log.length, 1, 'exactly one request per call');
        assert.equal(err.details.provider, `faulty-${kind}`);
        assert.equal(err.details.status, c.status);
        assert.match(err.message, new RegExp(`"faulty-${kind}"`));
        assert.match(err.message, /"m-1"/);
        assert.ok(!err.message.includes(KEY), 'the key never appears in a message');
        if (c.retryAfterMs === 'some') assert.ok((err.details.retryAfterMs ?? 0) > 0);
        else assert.equal(err.details.retryAfterMs, c.retryAfterMs);
        if (c.partialText) {
          const text = err.details.partial?.text ?? '';
          assert.ok(text.length > 0, 'partial text present');
          assert.ok(
            defaultReply({ model: 'm-1', messages: [{ role: 'user', text: 'tell me something' }] }).startsWith(text) ||
              c.fault.kind === 'trickle',
          );
        }
        await server.idle();
      });
    }

    test('an unknown model on a server with a model list → modelNotFound', async () => {
      const strict = await startModelServer({ models: ['known'] });
      try {
        const c = createModelClient(providerFor(strict, kind), KEY);
        assertReason(await rejection(() => c.stream(chat('unknown', 'hi'))), 'modelNotFound');
        assert.equal((await c.stream(chat('known', 'hi'))).finishReason, 'stop');
      } finally {
        await strict.close();
      }
    });

    test('a refused connection → network', async () => {
      const gone = await startModelServer();
      const c = createModelClient(providerFor(gone, kind), KEY);
      await gone.close();
      assertReason(await rejection(() => c.stream(chat('m-1', 'hi'))), 'network');
    });
  });
}
