// The shipped artifact: tiered.vsix as `npm run package` builds it, installed the way a user
// installs a downloaded .vsix (`--install-extension`) into a fresh code-server extensions folder.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CODE_SERVER_ENTRY, REPO_ROOT } from './codeServer';

export const VSIX_PATH = path.join(REPO_ROOT, 'tiered.vsix');

/** What goes into the .vsix: a change to any of these makes an existing tiered.vsix stale. */
const PACKAGE_INPUTS = [
  'src',
  'media',
  'docs',
  'package.json',
  'README.md',
  'LICENSE',
  'SECURITY.md',
  '.vscodeignore',
  'esbuild.js',
  'scripts/package.js',
];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((newest, name) => Math.max(newest, newestMtime(path.join(p, name))), stat.mtimeMs);
}

/**
 * tiered.vsix, built by `npm run package` (which `npm test` runs before the tests) or, when missing
 * or older than its inputs (a lone run of this test), built here the same way.
 */
export function ensureVsix(): { path: string; built: boolean } {
  const inputs = Math.max(...PACKAGE_INPUTS.map((p) => newestMtime(path.join(REPO_ROOT, p))));
  if (fs.existsSync(VSIX_PATH) && fs.statSync(VSIX_PATH).mtimeMs >= inputs) return { path: VSIX_PATH, built: false };
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'package.js')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0 || !fs.existsSync(VSIX_PATH)) {
    throw new Error(`npm run package failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { path: VSIX_PATH, built: true };
}

export interface InstalledVsix {
  extensionsDir: string;
  /** The folder the .vsix was unpacked into (<extensionsDir>/<publisher>.<name>-<version>). */
  extensionPath: string;
  /** code-server's output for the install. */
  output: string;
  remove(): void;
}

/**
 * `code-server --install-extension <vsix>` into a fresh extensions folder, with its own user data
 * and HOME/XDG folders so nothing touches the real home. Run in its own process group (setsid)
 * and the group killed afterwards, so nothing it started outlives the install.
 */
export async function installVsix(vsix: string, timeoutMs = 120_000): Promise<InstalledVsix> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-vsix-'));
  const dirs = {
    extensionsDir: path.join(temp, 'extensions'),
    userDataDir: path.join(temp, 'user-data'),
    HOME: path.join(temp, 'home'),
    XDG_CONFIG_HOME: path.join(temp, 'config'),
    XDG_DATA_HOME: path.join(temp, 'data'),
    XDG_CACHE_HOME: path.join(temp, 'cache'),
    XDG_STATE_HOME: path.join(temp, 'state'),
    TMPDIR: path.join(temp, 'tmp'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(VSCODE_|ELECTRON_|NODE_OPTIONS$|NODE_TEST_CONTEXT$)/.test(k)) env[k] = v;
  }
  const { extensionsDir, userDataDir, ...homes } = dirs;
  Object.assign(env, homes);
  const remove = () => fs.rmSync(temp, { recursive: true, force: true, maxRetries: 3 });

  const args = [CODE_SERVER_ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  const child = spawn(process.execPath, [...args, '--install-extension', vsix], {
    cwd: temp,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const code = await new Promise<number | 'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    child.once('exit', (c) => resolve(c ?? 1));
  });
  clearTimeout(timer);
  killGroup();
  if (code !== 0) {
    remove();
    throw new Error(`--install-extension ${code === 'timeout' ? 'timed out' : `exited ${code}`}:\n${output}`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const extensionPath = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  return { extensionsDir, extensionPath, output, remove };
}

/** Every image a README shows: markdown `![alt](src)` and HTML `<img src="...">`. */
export function readmeImages(markdown: string): string[] {
  const md = [...markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const html = [...markdown.matchAll(/<img\s[^>]*src=["']([^"']+)["']/gi)].map((m) => m[1]!);
  return [...md, ...html];
}
