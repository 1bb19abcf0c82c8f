import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../src/core/config';
import { makeExcluder } from '../../src/core/exclude';

test('default exclusions catch env files, keys and secrets folders anywhere', () => {
  const excluded = makeExcluder(defaultConfig().exclude);
  for (const p of [
    '/w/.env',
    '/w/app/.env.local',
    '/w/certs/server.pem',
    '/w/tls/a.key',
    '/home/u/.ssh/id_rsa',
    '/home/u/.ssh/id_rsa.pub',
    '/w/config/secrets/db.json',
    'C:\\w\\.env',
  ]) {
    assert.equal(excluded(p), true, p);
  }
  for (const p of ['/w/src/main.ts', '/w/README.md', '/w/keyboard.ts', '/w/environment.ts', '/w/docs/secrets.md']) {
    assert.equal(excluded(p), false, p);
  }
});

test('an empty exclusion list excludes nothing; custom globs apply', () => {
  assert.equal(makeExcluder([])('/w/.env'), false);
  const excluded = makeExcluder(['**/*.sql']);
  assert.equal(excluded('/w/db/dump.sql'), true);
  assert.equal(excluded('/w/.env'), false);
});

test('a provider base URL with credentials is refused, naming the setting', async () => {
  const { parseConfig } = await import('../../src/core/config');
  const result = parseConfig({
    providers: [{ id: 'x', kind: 'openai', baseUrl: 'https://user:sk-secret@proxy.example.com/v1' }],
  });
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.message, /tiered\.providers\[0\]\.baseUrl.*user name or password/);
  const clean = parseConfig({ providers: [{ id: 'x', kind: 'openai', baseUrl: 'https://proxy.example.com/v1' }] });
  assert.doesNotMatch(clean.ok ? '' : clean.message, /baseUrl/);
});
