// Beyond features in a real VS Code (code-server) against the local model server acting as a
// LiteLLM proxy: the spec (suite/beyond.spec.ts) checks the deprecation warning, the key budget in
// the status bar and routing suggestions applied to user settings; this file checks that the key
// went to /key/info as a bearer token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';

/** YYYY-MM-DD, `days` from today (local). */
function dayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

describe('beyond features in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer({ litellmKeys: { 'sk-team': { maxBudget: 10, spend: 2.5 } } });
    workspace = makeWorkspace({ 'README.md': 'beyond\n' });
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'tiered.providers': [{ id: 'team', kind: 'openai', baseUrl: models.openaiBaseUrl }],
        'tiered.models': {
          'lite-old': {
            provider: 'team',
            model: 'lite-old',
            tier: 'lite',
            maxOutputTokens: 256,
            deprecation: dayFromToday(10),
          },
          pro: { provider: 'team', model: 'pro', tier: 'pro', maxOutputTokens: 1024, deprecation: dayFromToday(200) },
        },
        'tiered.tiers': { lite: ['lite-old'], pro: ['pro'] },
        'tiered.commands': { complete: 'lite', tone: 'lite', review: 'pro' },
        'tiered.litellm.providers': ['team'],
        'tiered.inline': { enabled: false },
      },
    });
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('beyond.spec passes inside the extension host; the key budget came from /key/info', async () => {
    const result = await runInHost({
      server,
      specs: ['beyond'],
      timeoutMs: 150_000,
      screenshotPath: resultPath('host-beyond.png'),
    });
    assert.equal(result.exitCode, 0, result.output);
    assert.match(result.output, /3 passing/);
    const keyInfo = models.requests('litellm.keyInfo');
    assert.ok(keyInfo.length > 0, 'no request reached /key/info');
    assert.ok(keyInfo.some((r) => r.headers.authorization === 'Bearer sk-team'));
  });
});
