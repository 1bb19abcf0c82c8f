// VS Code's own configuration files in a real VS Code (code-server 1.100.3): the user's
// settings.json and keybindings.json, the workspace's .vscode files and a .code-workspace file each
// hold a marker; the spec (suite/editorConfig.spec.ts) types in each and asks for ghost text, a tone
// fix and a review. This side proves that no marker reached the model server, while a normal file
// of the same window did get an answer from it (issue 10, item 9).
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';

const INLINE_REPLY = 'computeAnswer(42);';
const MARKS = {
  user: 'USER-SETTINGS-MARK-7f3a',
  keys: 'USER-KEYBINDINGS-MARK-1c9e',
  ws: 'WORKSPACE-SETTINGS-MARK-4b2d',
  tasks: 'TASKS-MARK-9e0f',
  launch: 'LAUNCH-MARK-2a6c',
  workspaceFile: 'CODE-WORKSPACE-MARK-5d81',
};

describe("VS Code's own configuration files are never sent to a model", { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer({ knobs: { ttftMs: 50, text: INLINE_REPLY } });
    workspace = makeWorkspace({
      'main.ts': 'const result = \n',
      '.vscode/settings.json': `{ "zzz.marker": "${MARKS.ws}",\n  "editor.tabSize": 2\n}\n`,
      '.vscode/tasks.json': `{ "version": "2.0.0", "tasks": [{ "label": "${MARKS.tasks}", "type": "shell", "command": "true" }]\n}\n`,
      '.vscode/launch.json': `{ "version": "0.2.0", "configurations": [], "env": "${MARKS.launch}"\n}\n`,
      'app.code-workspace': `{ "folders": [{ "path": "." }], "settings": { "zzz.marker": "${MARKS.workspaceFile}" }\n}\n`,
    });
    const price = { inputPerMTok: 1, outputPerMTok: 1 };
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'zzz.marker': MARKS.user,
        'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: models.openaiBaseUrl }],
        'tiered.models': {
          'cfg-lite': { provider: 'local', model: 'cfg-lite', tier: 'lite', maxOutputTokens: 256, price },
          'cfg-pro': { provider: 'local', model: 'cfg-pro', tier: 'pro', maxOutputTokens: 1024, price },
        },
        'tiered.tiers': { lite: ['cfg-lite'], pro: ['cfg-pro'] },
        'tiered.budget': { dailyCapUsd: 100, confirmAboveUsd: 100 },
      },
    });
    fs.writeFileSync(
      path.join(server.userDataDir, 'User', 'keybindings.json'),
      `[ { "key": "ctrl+alt+9", "command": "${MARKS.keys}" }\n]\n`,
    );
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('editorConfig.spec passes inside the extension host; no marker reached the model server', async () => {
    const result = await runInHost({
      server,
      specs: ['editorConfig'],
      timeoutMs: 180_000,
      mochaTimeoutMs: 60_000,
      screenshotPath: resultPath('host-editor-config.png'),
    });
    await models.idle();
    const summary = models.log.map((r) => `${r.route} ${r.model} ${JSON.stringify(r.body).slice(0, 200)}`);
    // The control: the normal file was asked about (so "nothing sent" below means something).
    assert.ok(
      models.log.some((r) => JSON.stringify(r.body).includes('const result = ')),
      `no request for main.ts:\n${summary.join('\n')}`,
    );
    for (const r of models.log) {
      const body = JSON.stringify(r.body);
      for (const [where, mark] of Object.entries(MARKS)) {
        assert.ok(!body.includes(mark), `${r.route} ${r.model} carried the ${where} file's text`);
      }
      assert.ok(!body.includes('"const answer": '), `${r.route} ${r.model} carried text typed into a config file`);
    }
    assert.equal(result.exitCode, 0, `${result.output}\n--- model server log ---\n${summary.join('\n')}`);
    assert.match(result.output, /8 passing/);
  });
});
