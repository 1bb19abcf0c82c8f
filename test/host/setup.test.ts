// `Tiered: Check Setup` in a real VS Code (code-server 1.100.3) against the strict model server
// (test/server): a good Gemini default model (gemini-3.1-flash-lite) and a Gemini pro model, an
// OpenAI-flavour gpt-5-mini whose capabilities override makes Tiered send `temperature: 0.2`
// (OpenAI's real 400 `unsupported_value`), and a model on a closed port. The spec
// (suite/setup.spec.ts) sets the keys, takes the "Check setup now?" offer, accepts the cost modal
// and reads the report; this side checks the wire and that the key is in no log or ledger.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { freePort, startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';
import { statusBarElementId, Workbench } from './ui';

/** No known key shape: only verbatim redaction of a known secret hides it. */
const TEST_KEY = 'tiered-setup-test-Hn4Rw8Ty2Qm6';

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

describe('Tiered: Check Setup in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    // Only the test key is accepted: "key accepted" in the report means this key got through.
    models = await startModelServer({ apiKeys: [TEST_KEY], knobs: { ttftMs: 30 } });
    const closedPort = await freePort();
    workspace = makeWorkspace({ 'a.md': '# notes\n' });
    const price = { inputPerMTok: 1, outputPerMTok: 2 };
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      env: { TIERED_SETUP_TEST_KEY: TEST_KEY },
      userSettings: {
        'tiered.providers': [
          { id: 'gemini', kind: 'gemini', baseUrl: models.baseUrl('gemini') },
          { id: 'local', kind: 'openai', baseUrl: models.openaiBaseUrl, server: 'openai' },
          { id: 'far', kind: 'openai', baseUrl: `http://127.0.0.1:${closedPort}/v1`, timeoutMs: 5000 },
        ],
        'tiered.models': {
          'flash-lite': { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'lite', maxOutputTokens: 1024 },
          mini: {
            provider: 'local',
            model: 'gpt-5-mini',
            tier: 'lite',
            maxOutputTokens: 256,
            temperature: 0.2,
            // The user claims the model takes a temperature: the provider's 400 says otherwise.
            capabilities: { temperature: 'accepted' },
            price,
          },
          pro: { provider: 'gemini', model: 'gemini-3.1-pro-preview', tier: 'pro', maxOutputTokens: 16384, price },
          far: { provider: 'far', model: 'far-model', tier: 'pro', maxOutputTokens: 1024 },
        },
        'tiered.tiers': { lite: ['flash-lite', 'mini'], pro: ['pro', 'far'] },
        'tiered.budget': { dailyCapUsd: 10 },
      },
    });
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('setup.spec passes inside the extension host', async () => {
    const result = await runInHost({
      server,
      specs: ['setup'],
      timeoutMs: 180_000,
      mochaTimeoutMs: 90_000,
      screenshotPath: resultPath('host-setup.png'),
    });
    await models.idle();
    // The spec prints the report it read: kept for a look at what a user sees.
    fs.writeFileSync(resultPath('host-setup-output.txt'), result.output);
    const summary = models.log.map(
      (r) => `${r.route} ${r.model} ${r.rejected ? `rejected ${r.rejected.status} ${r.rejected.reason}` : r.status}`,
    );
    assert.equal(result.exitCode, 0, `${result.output}\n--- model server log ---\n${summary.join('\n')}`);
    assert.match(result.output, /5 passing/);
  });

  test('one request per reachable model, with its own parameters; Cancel sent nothing', () => {
    const chats = models.log.filter((r) => r.model !== undefined);
    const count = (model: string) => chats.filter((r) => r.model === model).length;
    const summary = chats.map((r) => `${r.route} ${r.model} ${r.status}`).join('\n');
    // Once each: the cancelled run sent nothing, the pinned run did not fall back or retry.
    assert.equal(count('gemini-3.1-flash-lite'), 1, summary);
    assert.equal(count('gemini-3.1-pro-preview'), 1, summary);
    assert.equal(count('gpt-5-mini'), 1, summary);
    assert.equal(chats.length, 3, summary);
    const mini = chats.find((r) => r.model === 'gpt-5-mini')!;
    assert.equal(mini.rejected?.status, 400, 'the strict server rejects the temperature');
    assert.equal(mini.temperature, 0.2);
    // The reasoning level each model gets from its commands: lite → least, pro (review) → medium.
    assert.equal(chats.find((r) => r.model === 'gemini-3.1-flash-lite')!.effort, 'minimal');
    assert.equal(chats.find((r) => r.model === 'gemini-3.1-pro-preview')!.effort, 'medium');
    for (const r of chats) {
      const sent = r.flavour === 'gemini' ? (r.headers['x-goog-api-key'] ?? r.query.key) : r.headers.authorization;
      assert.ok(String(sent).includes(TEST_KEY), `${r.model} was sent without the key set in the spec`);
    }
  });

  test('first run (a user window): the offer shows once; Get Started opens the Tiered walkthrough', async () => {
    const toastText = /Tiered is installed\. Check that your models answer/;
    const wb = await Workbench.open(server);
    try {
      let toasts = await wb.notifications();
      for (let i = 0; i < 60 && !toasts.some((t) => toastText.test(t.message)); i++) {
        await new Promise((r) => setTimeout(r, 250));
        toasts = await wb.notifications();
      }
      assert.ok(
        toasts.some((t) => toastText.test(t.message)),
        `no first-run offer: ${JSON.stringify(toasts)}`,
      );
      await wb.page.locator('.notification-toast').getByRole('button', { name: 'Get Started' }).click();
      const tab = wb.page.locator('.tabs-container .tab', { hasText: 'Walkthrough: Tiered' });
      await tab.waitFor({ timeout: 15_000 });
      await wb.page.getByText('Get started with Tiered').first().waitFor({ timeout: 15_000 });
      for (const step of ['Set an API key', 'Check your setup']) {
        assert.ok(await wb.page.getByText(step, { exact: true }).first().isVisible(), `step "${step}" not shown`);
      }
      await wb.screenshot('host-setup-walkthrough');
      // Reloaded, the same installation is not offered it again (the globalState flag; code-server
      // keeps it in the browser profile, so this is the same window reloaded, not a new profile).
      await wb.page.reload();
      await wb.statusBarText(statusBarElementId('tiered.tiered', 'tiered.spend'), 30_000);
      await wb.page.waitForTimeout(1000);
      const after = await wb.notifications();
      assert.ok(
        !after.some((t) => toastText.test(t.message)),
        `offered again after a reload: ${JSON.stringify(after)}`,
      );
    } finally {
      await wb.close();
    }
  });

  test('the key is in no ledger or log', () => {
    const extDir = path.join(server.userDataDir, 'User', 'globalStorage', 'tiered.tiered');
    const ledger = walk(path.join(extDir, 'ledger')).filter((f) => f.endsWith('.jsonl'));
    assert.ok(ledger.length > 0, 'no ledger day file');
    assert.ok(
      ledger.some((f) => fs.readFileSync(f, 'utf8').includes('"command":"setup"')),
      'no setup call in the ledger',
    );
    const logs = walk(path.join(server.userDataDir, 'logs'));
    assert.ok(
      logs.some((f) => /Tiered\.log$/.test(f)),
      `no Tiered output channel log among ${logs.length} log files`,
    );
    const leaks = [...walk(extDir), ...logs, server.logFile].filter(
      (f) => fs.existsSync(f) && fs.readFileSync(f).includes(TEST_KEY),
    );
    assert.deepEqual(leaks, [], 'the key leaked into these files');
  });
});
