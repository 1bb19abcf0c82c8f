// createModelClient: keys (cloud needs one, loopback does not) and the loopback test in core/net.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TieredError } from '../../src/core/errors';
import { isLoopbackUrl } from '../../src/core/net';
import { LOCAL_PLACEHOLDER_KEY, createModelClient } from '../../src/providers';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { chat, providerFor } from './helpers';

describe('createModelClient', () => {
  let server: ModelServer;
  before(async () => (server = await startModelServer()));
  after(() => server.close());

  for (const kind of ['openai', 'gemini'] as const) {
    test(`${kind}: a cloud URL without a key throws auth before anything is sent`, () => {
      const baseUrl = kind === 'openai' ? 'https://api.openai.com/v1' : 'https://generativelanguage.googleapis.com';
      for (const key of [undefined, '', '   ']) {
        assert.throws(
          () => createModelClient({ id: `cloud-${kind}`, kind, baseUrl, timeoutMs: 5000 }, key),
          (e) =>
            TieredError.is(e, 'auth') &&
            e.message === `No API key for provider "cloud-${kind}". Run "Tiered: Set API Key".` &&
            e.details.provider === `cloud-${kind}`,
        );
      }
    });

    test(`${kind}: a loopback URL works without a key (placeholder sent)`, async () => {
      server.reset();
      const client = createModelClient(providerFor(server, kind), undefined);
      const result = await client.stream(chat('local-model', 'hello'));
      assert.equal(result.finishReason, 'stop');
      assert.equal(server.log.length, 1);
      const headers = server.log[0]!.headers;
      if (kind === 'openai') assert.equal(headers.authorization, `Bearer ${LOCAL_PLACEHOLDER_KEY}`);
      else assert.equal(headers['x-goog-api-key'], LOCAL_PLACEHOLDER_KEY);
    });
  }

  test('the client kind follows the provider kind', () => {
    assert.equal(createModelClient(providerFor(server, 'openai'), 'k').kind, 'openai');
    assert.equal(createModelClient(providerFor(server, 'gemini'), 'k').kind, 'gemini');
    assert.equal(typeof createModelClient(providerFor(server, 'gemini'), 'k').countTokens, 'function');
  });
});

describe('isLoopbackUrl', () => {
  test('loopback hosts', () => {
    for (const url of [
      'http://127.0.0.1:11434/v1',
      'http://localhost:1234/v1',
      'http://LOCALHOST:8080',
      'http://[::1]:8080/v1',
      'http://127.1.2.3:9000',
      'http://api.localhost:3000',
      'http://[::ffff:127.0.0.1]:8080',
    ]) {
      assert.equal(isLoopbackUrl(url), true, url);
    }
  });
  test('everything else', () => {
    for (const url of [
      'https://api.openai.com/v1',
      'https://generativelanguage.googleapis.com',
      'http://192.168.1.10:11434/v1',
      'http://10.0.0.1',
      'http://localhost.example.com',
      'http://127.0.0.1.nip.io',
      'not a url',
    ]) {
      assert.equal(isLoopbackUrl(url), false, url);
    }
  });
});
