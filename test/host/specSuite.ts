// The common driver: a fresh code-server with Tiered loaded on a small workspace, one in-host
// spec run in it, which must pass with the expected number of tests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';

export function hostSpecSuite(
  title: string,
  spec: string,
  options: { files: Record<string, string>; passing: number; expect?: RegExp[]; screenshot?: string },
): void {
  describe(title, { skip: hostSkipReason() }, () => {
    let server: CodeServer;
    let workspace: ReturnType<typeof makeWorkspace>;

    before(async () => {
      ensureExtensionBuilt();
      workspace = makeWorkspace(options.files);
      server = await startCodeServer({ workspace: workspace.dir, extensionDevelopmentPath: REPO_ROOT });
    });
    after(async () => {
      await server?.stop();
      workspace?.remove();
    });

    test(`${spec}.spec passes inside the extension host`, async () => {
      const result = await runInHost({
        server,
        specs: [spec],
        timeoutMs: 90_000,
        ...(options.screenshot ? { screenshotPath: resultPath(options.screenshot) } : {}),
      });
      assert.equal(result.exitCode, 0, result.output);
      // The spec's own output proves mocha ran it, not an empty suite.
      assert.match(result.output, new RegExp(`${options.passing} passing`));
      for (const re of options.expect ?? []) assert.match(result.output, re);
    });
  });
}
