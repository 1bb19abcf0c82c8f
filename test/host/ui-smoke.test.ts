// What a person sees when VS Code starts with Tiered installed: its spend item in the status bar,
// showing a dollar amount, and no error notification. The screenshot lands in test-results/ for a human to look at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { extensionManifest, startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace } from './fixtures';
import { statusBarElementId, Workbench } from './ui';

describe('workbench UI smoke', { skip: hostSkipReason() }, () => {
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;
  let wb: Workbench | undefined;

  before(async () => {
    ensureExtensionBuilt();
    workspace = makeWorkspace({ 'notes.md': '# Notes\n' });
    server = await startCodeServer({ workspace: workspace.dir, extensionDevelopmentPath: REPO_ROOT });
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    workspace?.remove();
  });

  test("the status bar shows Tiered's spend in dollars, and no error pops up", async () => {
    const { publisher, name } = extensionManifest(REPO_ROOT);
    wb = await Workbench.open(server);
    const text = await wb.statusBarText(statusBarElementId(`${publisher}.${name}`, 'tiered.spend'), 30_000);
    const shot = await wb.screenshot('ui-smoke-status-bar');
    assert.match(text, /\$\d+\.\d{2}/, `status bar item text: ${JSON.stringify(text)}`);
    // A fresh install with default settings has nothing to complain about.
    const errors = (await wb.notifications()).filter((t) => t.severity === 'error');
    assert.deepEqual(errors, [], 'error notifications on a fresh start');
    assert.ok(fs.statSync(shot).size > 10_000, 'screenshot is missing or blank');
  });
});
