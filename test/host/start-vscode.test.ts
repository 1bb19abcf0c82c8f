// The README's "run the extension" command (scripts/start-vscode.js --offline): it serves the
// workbench, points Tiered's providers at a live local model server, and Ctrl-C stops everything.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { REPO_ROOT } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace } from './fixtures';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function waitForLine(child: ChildProcess, output: () => string, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const check = () => {
      const m = pattern.exec(output());
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(m[1] ?? m[0]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start-vscode exited with ${code}:\n${output()}`));
    });
    check();
  });
}

describe('npm start -- --offline', { skip: hostSkipReason() }, () => {
  const workspace = makeWorkspace({ 'a.ts': 'export {};\n' });
  let child: ChildProcess | undefined;

  after(async () => {
    // If the test failed before its Ctrl-C, stop the command the way a person would: SIGKILL would
    // leave its code-server (its own process group) running.
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    workspace.remove();
  });

  test('serves the workbench with providers on the local server, and Ctrl-C stops it all', async () => {
    ensureExtensionBuilt();
    let out = '';
    child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'scripts', 'start-vscode.js'),
        '--offline',
        '--no-build',
        '--port',
        '0',
        '--folder',
        workspace.dir,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => (out += c));
    child.stderr?.on('data', (c: string) => (out += c));

    await waitForLine(child, () => out, /Ctrl-C stops it/, 120_000);
    const url = /open:\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out)?.[1];
    assert.ok(url, out);
    const settingsFile = /settings:\s+(\S+)/.exec(out)?.[1];
    assert.ok(settingsFile, out);
    assert.equal(decodeURIComponent(new URL(url).searchParams.get('folder') ?? ''), workspace.dir);

    const page = await get(url);
    assert.equal(page.status, 200);
    assert.match(page.body, /workbench/i);

    // Every provider points at the local model server, and that server answers.
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    const providers = settings['tiered.providers'] as { kind: string; baseUrl: string }[];
    assert.deepEqual(providers.map((p) => p.kind).sort(), ['gemini', 'openai']);
    for (const p of providers) assert.match(p.baseUrl, /^http:\/\/127\.0\.0\.1:\d+/);
    const openai = providers.find((p) => p.kind === 'openai')!;
    const models = await get(`${openai.baseUrl}/models`);
    assert.equal(models.status, 200, models.body);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0, out);
    await assert.rejects(get(url), 'VS Code still answers after Ctrl-C');
    await assert.rejects(get(`${openai.baseUrl}/models`), 'the model server still answers after Ctrl-C');
    assert.equal(fs.existsSync(settingsFile), false, 'the temporary user data was left behind');
  });
});
