// A leaked log must not hold a key: what the output channel writes goes through redact()
// (src/core/redact.ts). Known keys (the ones in SecretStorage) go verbatim, whatever their shape;
// unknown ones by shape and by the name they appear under.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redact } from '../../src/core/redact';

const KNOWN = 'tiered-sec-test-Kq7Zp3Lw9Vx2'; // no recognisable shape: only the verbatim rule catches it

describe('log redaction', () => {
  test('a known key is removed verbatim, however often and wherever it appears', () => {
    const line = `401 from "local": key ${KNOWN} rejected (${KNOWN}); url http://h/?k=${KNOWN}`;
    const out = redact(line, [KNOWN]);
    assert.ok(!out.includes(KNOWN), out);
    assert.equal(out.split('[REDACTED]').length - 1, 3);
  });

  const shaped: Array<[string, string]> = [
    ['OpenAI project key', 'OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx'],
    ['OpenRouter key', 'using sk-or-v1-0123456789abcdef0123456789 now'],
    ['Google API key', 'AIzaSyA1234567890abcdefghijklmnopqrstu'],
    ['bearer header', 'Authorization: Bearer abcdefghijklmnop1234'],
    ['bearer in JSON', '{"authorization":"Bearer tok_1234567890abcdef"}'],
    ['key in a URL', 'GET /v1beta/models/x:generateContent?alt=sse&key=opaque-value-123'],
    ['x-goog-api-key header', 'x-goog-api-key: my-very-secret-key-123'],
    ['x-api-key in JSON', '"x-api-key": "abcdef0123456789"'],
    ['apiKey in a dumped config', '{"baseUrl":"http://x","apiKey":"opaque-value-123"}'],
    ['api_key assignment', 'api_key = opaque-value-123'],
  ];
  for (const [name, line] of shaped) {
    test(`an unknown key is removed by shape: ${name}`, () => {
      const out = redact(line);
      assert.match(out, /\[REDACTED\]/, out);
      assert.ok(!/abcdefghijklmnop|0123456789abcdef|A1234567890|my-very-secret|opaque-value/.test(out), out);
    });
  }

  test('ordinary log text is left alone', () => {
    for (const line of [
      'review pro gemini-3.1-pro-preview in=1200 out=300 $0.012000 (bundled) 2300ms ok',
      'Settings key tiered.apiKey.local changed',
      'Setting `tiered.budget.dailyCapUsd`: expected a number.',
    ]) {
      assert.equal(redact(line), line);
    }
  });
});
