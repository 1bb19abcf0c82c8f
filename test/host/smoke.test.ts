// Tiered in a real VS Code (code-server 1.100.3): the in-host smoke spec must pass. (That a failing
// spec fails the run is checked in harness.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';

describe('extension host smoke', { skip: hostSkipReason() }, () => {
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    workspace = makeWorkspace({ 'hello.ts': 'export const greeting = "hello";\n' });
    server = await startCodeServer({ workspace: workspace.dir, extensionDevelopmentPath: REPO_ROOT });
  });

  after(async () => {
    await server?.stop();
    workspace?.remove();
  });

  test('smoke.spec passes inside the extension host', async () => {
    const result = await runInHost({
      server,
      specs: ['smoke'],
      timeoutMs: 90_000,
      screenshotPath: resultPath('host-smoke.png'),
    });
    assert.equal(result.exitCode, 0, result.output);
    // The spec's own titles in the output prove mocha ran it, not an empty suite.
    assert.match(result.output, /registers every command it contributes/);
    assert.match(result.output, /3 passing/);
  });
});
