// What ships: `npm run package` builds tiered.vsix; it installs into a fresh code-server with
// `--install-extension` (as a user installs a downloaded .vsix, no development folder involved)
// and Tiered activates there from the installed copy; its extension page shows the README's images.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCodeServer, type CodeServer } from './codeServer';
import { hostSkipReason, makeWorkspace } from './fixtures';
import { statusBarElementId, Workbench } from './ui';
import { ensureVsix, installVsix, readmeImages, type InstalledVsix } from './vsix';

const EXTENSION_ID = 'tiered.tiered';

/** Every file under dir, relative, with forward slashes. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(path.join(dir, e.name), rel) : [rel];
  });
}

/** vsce stores the README as extension/readme.md; VS Code looks it up case-insensitively. */
function readmePath(extensionPath: string): string | undefined {
  const name = fs.readdirSync(extensionPath).find((f) => /^readme\.md$/i.test(f));
  return name && path.join(extensionPath, name);
}

/** The extension host's log lines about one extension, from every log under the user data folder. */
function extensionHostLog(userDataDir: string): string {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return '';
  return listFiles(logs)
    .filter((f) => /exthost[^/]*\.log$/.test(f))
    .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
    .join('\n');
}

describe('the packaged .vsix', { skip: hostSkipReason() }, () => {
  let vsix: string;
  let installed: InstalledVsix;

  before(async () => {
    vsix = ensureVsix().path;
    installed = await installVsix(vsix);
  });
  after(() => installed?.remove());

  test('installs with --install-extension, unpacking the bundles, icon and README only', () => {
    assert.match(installed.output, /successfully installed/i, installed.output);
    const files = listFiles(installed.extensionPath).filter((f) => f !== '.vsixmanifest');
    for (const f of ['package.json', 'dist/extension.js', 'dist/webview.js', 'media/icon.png']) {
      assert.ok(files.includes(f), `${f} missing from the installed extension: ${files.join(', ')}`);
    }
    assert.ok(readmePath(installed.extensionPath), `no README in the installed extension: ${files.join(', ')}`);
    // No sources, tests, node_modules or source maps: the bundle is self-contained.
    const stray = files.filter((f) => /^(src|test|out|node_modules|scripts)\/|\.map$|\.ts$/.test(f));
    assert.deepEqual(stray, []);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed.extensionPath, 'package.json'), 'utf8'));
    assert.equal(`${manifest.publisher}.${manifest.name}`, EXTENSION_ID);
    assert.equal(manifest.icon, 'media/icon.png');
    // A size budget that catches a stray folder or unminified bundle (the .vsix is ~1.7 MB, 1.1 MB
    // of it OpenAI's o200k vocabulary for exact input counts).
    const kb = fs.statSync(vsix).size / 1024;
    assert.ok(kb < 2500, `tiered.vsix is ${Math.round(kb)} KB`);
  });

  test("the packaged README's images are inlined PNGs (or HTTPS), the only kinds its page can load", () => {
    const readme = fs.readFileSync(readmePath(installed.extensionPath)!, 'utf8');
    const images = readmeImages(readme);
    assert.ok(images.length > 0, 'the README shows at least one image');
    for (const src of images) {
      if (/^https:\/\//.test(src)) continue;
      // VS Code's extension page loads only https: and data: images (its webview CSP).
      const m = /^data:image\/png;base64,(.+)$/.exec(src);
      assert.ok(m, `${src.slice(0, 80)}: neither HTTPS nor an inlined PNG`);
      const png = Buffer.from(m[1]!, 'base64');
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'not a PNG');
      assert.ok(png.length > 1000, 'an empty image');
    }
  });

  describe('in a fresh code-server with only the installed .vsix', () => {
    let server: CodeServer;
    let workspace: ReturnType<typeof makeWorkspace>;
    let wb: Workbench | undefined;

    before(async () => {
      workspace = makeWorkspace({ 'hello.ts': 'export const greeting = "hello";\n' });
      // No extensionDevelopmentPath: the only Tiered here is the one unpacked from the .vsix.
      server = await startCodeServer({ workspace: workspace.dir, extensionsDir: installed.extensionsDir });
    });
    after(async () => {
      await wb?.close();
      await server?.stop();
      workspace?.remove();
    });

    test('activates: its spend item appears and the extension host logs the activation, without error', async () => {
      wb = await Workbench.open(server);
      // The status bar item is created in activate(): it shows only if activation ran.
      const text = await wb
        .statusBarText(statusBarElementId(EXTENSION_ID, 'tiered.spend'), 45_000)
        .catch(async (err) => {
          // Say why: an activation that failed usually says so in a notification.
          const shown = (await wb!.notifications()).map((t) => `${t.severity}: ${t.message}`);
          throw new Error(`no Tiered spend item in the status bar; notifications: ${JSON.stringify(shown)}\n${err}`);
        });
      assert.match(text, /\$\d+\.\d{2}/, `status bar item text: ${JSON.stringify(text)}`);
      const errors = (await wb.notifications()).filter((t) => t.severity === 'error');
      assert.deepEqual(errors, [], 'error notifications on a fresh start');
      let log = '';
      for (let i = 0; i < 50 && !log.includes(EXTENSION_ID); i++) {
        log = extensionHostLog(server.userDataDir);
        await new Promise((r) => setTimeout(r, 100));
      }
      const lines = log.split('\n').filter((l) => l.includes(EXTENSION_ID));
      assert.ok(
        lines.some((l) => /_doActivateExtension|activat/i.test(l)),
        `no activation of ${EXTENSION_ID} in the extension host log:\n${log.slice(-3000)}`,
      );
      assert.ok(!lines.some((l) => /failed|error/i.test(l)), lines.join('\n'));
      // Loaded from the installed copy, not a development folder.
      assert.ok(!log.includes('extensionDevelopmentPath'), 'ran as a development extension');
      await wb.screenshot('vsix-installed.png');
    });

    test("its extension page shows the README's images", async () => {
      assert.ok(wb, 'the activation test opened the workbench');
      const page = wb.page;
      await page.keyboard.press('Control+Shift+X');
      const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Tiered' }).first();
      await row.click();
      // The README renders in a webview (nested frames); wait until its images have loaded.
      let images: { width: number; complete: boolean }[] = [];
      for (let i = 0; i < 60 && !(images.length > 0 && images.every((im) => im.complete)); i++) {
        images = [];
        for (const frame of page.frames()) {
          const found = await frame
            .evaluate(() =>
              document.querySelector('.extension-editor') || !document.querySelector('img')
                ? []
                : Array.from(document.querySelectorAll('img')).map((im) => ({
                    width: im.naturalWidth,
                    complete: im.complete,
                  })),
            )
            .catch(() => []);
          images.push(...found);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      await wb.screenshot('vsix-extension-page.png');
      assert.ok(images.length > 0, 'no README image on the extension page');
      // A broken image is complete with naturalWidth 0.
      assert.ok(
        images.every((im) => im.width > 0),
        `broken README images: ${JSON.stringify(images)}`,
      );
    });
  });
});
