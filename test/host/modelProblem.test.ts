// A model the provider rejects for its configuration, in a real VS Code (code-server 1.100.3)
// against the strict model server (test/server): gpt-5-mini with temperature 0.2 (allowed by a
// capabilities override) gets OpenAI's real 400 `unsupported_value`. The spec
// (suite/modelProblem.spec.ts) checks the notice and the ghost text; this side checks the wire: the
// rejected model was asked once only, the next model answered, and after the fix it answers again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer, type ScriptRequest } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';

const reply = (req: ScriptRequest): string => (req.model === 'gpt-5-mini' ? 'fromMini();' : 'fromBackup();');

describe('a 400 from a model in a real VS Code: one notice, the next model answers', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer({ knobs: { ttftMs: 50, text: reply } });
    workspace = makeWorkspace({
      'main.ts': 'const result = \nconst second = \nconst third = \nconst fourth = \n',
    });
    const price = { inputPerMTok: 1, outputPerMTok: 1 };
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: models.openaiBaseUrl }],
        'tiered.models': {
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
          backup: { provider: 'local', model: 'backup-lite', tier: 'lite', maxOutputTokens: 256, price },
          pro: { provider: 'local', model: 'backup-pro', tier: 'pro', maxOutputTokens: 1024, price },
        },
        'tiered.tiers': { lite: ['mini', 'backup'], pro: ['pro'] },
        'tiered.budget': { dailyCapUsd: 100, confirmAboveUsd: 100 },
      },
    });
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('modelProblem.spec passes inside the extension host; the rejected model was asked once until fixed', async () => {
    const result = await runInHost({
      server,
      specs: ['modelProblem'],
      timeoutMs: 180_000,
      mochaTimeoutMs: 60_000,
      screenshotPath: resultPath('host-model-problem.png'),
    });
    await models.idle();
    const summary = models.log.map(
      (r) => `${r.route} ${r.model} ${r.rejected ? `rejected ${r.rejected.status} ${r.rejected.reason}` : 'ok'}`,
    );
    assert.equal(result.exitCode, 0, `${result.output}\n--- model server log ---\n${summary.join('\n')}`);
    assert.match(result.output, /3 passing/);
    const mini = models.log.filter((r) => r.model === 'gpt-5-mini');
    const rejected = mini.filter((r) => r.rejected);
    assert.equal(rejected.length, 1, `gpt-5-mini was rejected ${rejected.length} times:\n${summary.join('\n')}`);
    assert.equal(rejected[0]!.rejected!.status, 400);
    assert.equal(rejected[0]!.temperature, 0.2);
    assert.ok(models.log.filter((r) => r.model === 'backup-lite' && !r.rejected).length >= 3, summary.join('\n'));
    // After the fix: gpt-5-mini asked again, without temperature, and accepted.
    const after = mini.slice(mini.indexOf(rejected[0]!) + 1);
    assert.ok(after.length >= 1, `gpt-5-mini was not asked after the fix:\n${summary.join('\n')}`);
    assert.ok(
      after.every((r) => !r.rejected && r.temperature === undefined),
      summary.join('\n'),
    );
  });
});
