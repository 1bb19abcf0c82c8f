// Starts code-server (VS Code 1.100.3, installed by scripts/setup-test-host.sh) on loopback for the
// in-host tests and for `scripts/start-vscode.js`. Every run gets its own user data, extensions and
// HOME, so nothing leaks between runs or into the user's home; the process group is killed on stop
// because stopping only the top process leaves file watchers and extension hosts behind.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The checkout: the nearest folder above this file (compiled to out/test/host) with a package.json. */
export const REPO_ROOT = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export const CODE_SERVER_ENTRY = path.join(
  REPO_ROOT,
  '.test-host',
  'code-server',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);

export interface CodeServerOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /** Linked into the extensions folder so the extension loads as an installed one. */
  extensionDevelopmentPath?: string;
  /** Use this extensions folder instead of a fresh one (it is then left alone on stop). */
  extensionsDir?: string;
  /** Merged over the test defaults in User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** Fixed port; default: one the OS picks when code-server binds (read back from its log). */
  port?: number;
  /** Keep the temporary folder after stop (for debugging). */
  keepTemp?: boolean;
  /** Give up waiting for the HTTP port after this long. */
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT/ — the workbench opens `folder` from here. */
  url: string;
  port: number;
  /** Process (and process group) id of code-server. */
  pid: number;
  /** Remote authority for vscode-remote:// URIs (HOST:PORT). */
  authority: string;
  /** The folder opened by default. */
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout and stderr. */
  logFile: string;
  /** Workbench URL that opens `folder` (default: the workspace). */
  workbenchUrl(folder?: string): string;
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and the tests deterministic (see VSCODE_HOST.md). */
export const DEFAULT_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'editor.wordBasedSuggestions': 'off',
  'files.hotExit': 'off',
  'files.autoSave': 'off',
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
};

export function codeServerInstalled(): boolean {
  return fs.existsSync(CODE_SERVER_ENTRY);
}

export function extensionManifest(extensionPath: string): { publisher: string; name: string; version: string } {
  return JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

const live = new Map<ChildProcess, string | undefined>();
// If the test process dies without stopping its servers (a crash, the test runner's timeout), take
// their process groups (and temporary folders, best effort) with it: they run in their own session,
// so nothing else would.
function killAll(): void {
  for (const [child, temp] of live) {
    killGroup(child, 'SIGKILL');
    try {
      if (temp) fs.rmSync(temp, { recursive: true, force: true });
    } catch {
      // a dying process may still be writing there; leave it to the OS's tmp cleaning
    }
  }
  live.clear();
}
process.once('exit', killAll);
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    // Only the default action was replaced: exit as the signal would have, unless someone else
    // (e.g. playwright closing its browsers) also listens and decides.
    if (process.listenerCount(signal) === 0) process.exit(128 + os.constants.signals[signal]);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment code-server gets: the caller's, minus anything tying it to another VS Code. */
function childEnv(tempRoot: string, extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_|NODE_OPTIONS$|NODE_TEST_CONTEXT$)/.test(k)) continue;
    env[k] = v;
  }
  const dirs = { HOME: 'home', XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data', XDG_CACHE_HOME: 'cache' };
  for (const [k, d] of Object.entries(dirs)) {
    env[k] = path.join(tempRoot, d);
    fs.mkdirSync(env[k]!, { recursive: true });
  }
  env.XDG_STATE_HOME = path.join(tempRoot, 'state');
  env.XDG_RUNTIME_DIR = path.join(tempRoot, 'runtime');
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  env.TMPDIR = path.join(tempRoot, 'tmp');
  fs.mkdirSync(env.TMPDIR, { recursive: true });
  return { ...env, ...extra };
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  if (!codeServerInstalled()) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}: run scripts/setup-test-host.sh`);
  }
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-host-'));
  const userDataDir = path.join(tempRoot, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(tempRoot, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...opts.userSettings }, null, 2),
  );
  if (opts.extensionDevelopmentPath) {
    const manifest = extensionManifest(opts.extensionDevelopmentPath);
    const link = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(path.resolve(opts.extensionDevelopmentPath), link, 'dir');
  }

  // Port 0 lets code-server's own listen() take a free port: a port probed free here and bound
  // seconds later, once code-server has loaded, could meanwhile go to another test file's server or
  // outgoing connection when test files run side by side.
  const logFile = path.join(tempRoot, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr',
    `127.0.0.1:${opts.port ?? 0}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    opts.workspace,
  ];
  // detached: the child calls setsid(), so it leads its own process group and stop() can kill
  // the whole group (extension hosts, watchers, pty hosts) with one signal.
  const child = spawn(process.execPath, args, {
    cwd: tempRoot,
    env: childEnv(tempRoot, opts.env),
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  live.set(child, opts.keepTemp ? undefined : tempRoot);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const pgid = child.pid;
    killGroup(child, 'SIGTERM');
    for (let i = 0; i < 50 && pgid !== undefined && groupAlive(pgid); i++) await sleep(100);
    if (pgid !== undefined && groupAlive(pgid)) killGroup(child, 'SIGKILL');
    for (let i = 0; i < 20 && pgid !== undefined && groupAlive(pgid); i++) await sleep(100);
    live.delete(child);
    if (!opts.keepTemp) fs.rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  };
  const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  let port = opts.port;
  let ready = false;
  while (!ready && Date.now() < deadline && !exited) {
    // code-server logs "HTTP server listening on http://127.0.0.1:PORT/" once it has bound.
    port ??= Number(/HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(readLog())?.[1]) || undefined;
    ready = port !== undefined && (await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200;
    if (!ready) await sleep(150);
  }
  if (!ready || port === undefined) {
    const tail = readLog().split('\n').slice(-30).join('\n');
    await stop();
    const where = port === undefined ? 'before binding a port' : `on http://127.0.0.1:${port}/`;
    throw new Error(`code-server did not become ready ${where} (${exited ? 'it exited' : 'timeout'}):\n${tail}`);
  }

  const authority = `127.0.0.1:${port}`;
  const url = `http://${authority}/`;
  return {
    url,
    port,
    pid: child.pid ?? -1,
    authority,
    workspace: opts.workspace,
    userDataDir,
    extensionsDir,
    logFile,
    workbenchUrl: (folder = opts.workspace) => `${url}?folder=${encodeURIComponent(folder)}`,
    stop,
  };
}
