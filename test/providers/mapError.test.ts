// Error mapping details that the wire tests do not reach: Retry-After parsing, quota vs rate limit
// wording, and key redaction in quoted server text.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createModelClient } from '../../src/providers';
import { parseRetryAfter } from '../../src/providers/mapError';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { assertReason, chat, providerFor, rejection } from './helpers';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  test('delay-seconds', () => {
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('12', now), 12_000);
    assert.equal(parseRetryAfter('1.5', now), 1500);
  });
  test('HTTP date, relative to now; a past date is 0', () => {
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now), 0);
  });
  test('absent or unreadable', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});

describe('status mapping details', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer()));
  after(() => server.close());
  beforeEach(() => server.reset());

  for (const kind of ['openai', 'gemini'] as const) {
    test(`${kind}: 402 and credit wording are quota; other 4xx are badRequest; 408 is timeout`, async () => {
      const client = createModelClient(providerFor(server, kind), 'k-123456789');
      server.fault({ kind: 'status', status: 402 });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'quota');
      server.fault({ kind: 'status', status: 429, message: 'Your credit balance is too low.' });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'quota');
      server.fault({ kind: 'status', status: 422 });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'badRequest');
      server.fault({ kind: 'status', status: 408 });
      assertReason(await rejection(() => client.stream(chat('m', 'x'))), 'timeout');
    });

    test(`${kind}: a key echoed by the server is redacted from the message`, async () => {
      const key = 'sk-live-abcdefghijklmnop';
      const client = createModelClient(providerFor(server, kind), key);
      server.fault({ kind: 'status', status: 401, message: `Incorrect API key provided: ${key}` });
      const err = await rejection(() => client.stream(chat('m', 'x')));
      assertReason(err, 'auth');
      assert.ok(!err.message.includes(key), err.message);
      assert.match(err.message, /Incorrect API key provided/);
    });
  }

  test('openai: an error event without a code inside a 200 stream is a server error, with the partial', async () => {
    const client = createModelClient(providerFor(server, 'openai'), 'k-123456789');
    server.fault({ kind: 'streamError', afterChunks: 3, status: 0 });
    const err = await rejection(() => client.stream(chat('m', 'tell me more')));
    assertReason(err, 'server');
    assert.equal(err.details.status, undefined);
    assert.ok((err.details.partial?.text ?? '').length > 0);
    assert.match(err.message, /failed mid-stream/);
  });
});
