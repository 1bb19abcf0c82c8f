// Soft-threshold and cap notices in a real VS Code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace } from './fixtures';
import { runInHost } from './runInHost';

describe('spend notices in a real VS Code', { skip: hostSkipReason() }, () => {
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    workspace = makeWorkspace({ 'a.md': '# notes\n' });
    server = await startCodeServer({ workspace: workspace.dir, extensionDevelopmentPath: REPO_ROOT });
  });
  after(async () => {
    await server?.stop();
    workspace?.remove();
  });

  test('notices.spec passes inside the extension host', async () => {
    const result = await runInHost({ server, specs: ['notices'], timeoutMs: 90_000 });
    assert.equal(result.exitCode, 0, result.output);
    assert.match(result.output, /2 passing/);
  });
});
