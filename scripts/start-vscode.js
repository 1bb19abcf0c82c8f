#!/usr/bin/env node
// Runs Tiered in a real VS Code (code-server, in the browser) from this working tree:
//   node scripts/start-vscode.js [--offline] [--port 8080] [--folder PATH] [--no-build]
// --offline also starts the local model server (test/server) and points every Tiered provider at
// it, so inline completion, tone fixes and reviews work with no key and no internet.
// Prints the URL to open; Ctrl-C stops everything.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'test');

function usage(code) {
  console.log(`Usage: node scripts/start-vscode.js [options]
  --offline        start the local model server and point Tiered's providers at it (no keys, no internet)
  --port N         port for VS Code (default 8080, or a free one if taken)
  --folder PATH    folder to open (default: .test-host/demo-workspace, created with sample files)
  --no-build       use dist/ and out/ as they are (skip node esbuild.js and the tsc of test/)
  --ttft MS        offline server: delay before the first token (default 250)
  --tps N          offline server: tokens per second (default 80)`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { offline: false, port: 8080, folder: undefined, build: true, ttft: 250, tps: 80 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(1);
      return v;
    };
    if (a === '--offline') opts.offline = true;
    else if (a === '--port') opts.port = Number(value());
    else if (a === '--folder') opts.folder = path.resolve(value());
    else if (a === '--no-build') opts.build = false;
    else if (a === '--ttft') opts.ttft = Number(value());
    else if (a === '--tps') opts.tps = Number(value());
    else if (a === '--help' || a === '-h') usage(0);
    else {
      console.error(`unknown option ${a}`);
      usage(1);
    }
  }
  return opts;
}

function run(cmd, args, what) {
  console.log(`> ${what}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
}

function newestMtime(dir, suffix) {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(full, suffix));
    else if (e.name.endsWith(suffix)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The launcher and model server are TypeScript under test/; compile them when out/ is missing or older. */
function ensureCompiled(needServer) {
  const dirs = ['host', ...(needServer ? ['server'] : [])];
  const stale = dirs.some((d) => {
    const src = newestMtime(path.join(ROOT, 'test', d), '.ts');
    const out = newestMtime(path.join(OUT, d), '.js');
    return out === 0 || out < src;
  });
  if (!stale) return;
  // tsc emits even when some unrelated file has type errors; what matters is that our files exist.
  console.log('> compiling test/ (npx tsc -p tsconfig.test.json)');
  spawnSync('npx', ['tsc', '-p', 'tsconfig.test.json'], { cwd: ROOT, stdio: 'ignore' });
}

function demoWorkspace() {
  const dir = path.join(ROOT, '.test-host', 'demo-workspace');
  const files = {
    'src/orders.ts': [
      '// Try inline completion: type at the end of a line and wait for the grey suggestion; Tab accepts.',
      'export interface Order {',
      '  id: string;',
      '  items: { sku: string; qty: number; unitPrice: number }[];',
      '}',
      '',
      'export function orderTotal(order: Order): number {',
      '  ',
      '}',
      '',
    ].join('\n'),
    'src/cart.ts': [
      '// Try Deep Review: File (command palette): findings appear in the Problems panel, with quick fixes.',
      '// teh cart is loaded from the server and cached here',
      'export async function loadCart(id: any) {',
      '  console.log("loading cart", id);',
      '  const res = fetch(`/api/carts/${id}`);',
      '  if (id.length == 0) return [];',
      '  // TODO: cache carts per user',
      '  return res;',
      '}',
      '',
    ].join('\n'),
    'docs/release-notes.md': [
      '# Release notes',
      '',
      'Select a paragraph (or a code comment, as in src/cart.ts) and use the light bulb (Ctrl+.) for a tone fix.',
      '',
      'we fixed the thing that was broken and also made stuff faster, probably.',
      '',
    ].join('\n'),
  };
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(dir, rel);
    if (fs.existsSync(full)) continue;
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return dir;
}

/**
 * User settings for --offline: both providers point at the local server; the models, tiers and
 * commands are Tiered's defaults (src/core/config.ts DEFAULT_MODELS). A loopback base URL costs $0
 * unless a model has a price, so each default model gets a demo price per tier here (clearly not a
 * real quote) so that spend, caps and the cost panel have something to show.
 */
function offlineSettings(server) {
  const { DEFAULT_MODELS } = require(path.join(ROOT, 'out', 'src', 'core', 'config.js'));
  const prices = { lite: { inputPerMTok: 0.1, outputPerMTok: 0.4 }, pro: { inputPerMTok: 2, outputPerMTok: 12 } };
  const models = Object.fromEntries(
    Object.entries(DEFAULT_MODELS).map(([id, m]) => [
      id,
      { ...m, ...(prices[m.tier] ? { price: prices[m.tier] } : {}) },
    ]),
  );
  return {
    'tiered.providers': [
      { id: 'gemini', kind: 'gemini', baseUrl: server.geminiBaseUrl, timeoutMs: 120000 },
      { id: 'openai', kind: 'openai', baseUrl: server.openaiBaseUrl, timeoutMs: 120000 },
    ],
    'tiered.models': models,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, '.test-host', 'code-server', 'node_modules', 'code-server'))) {
    run('bash', [path.join('scripts', 'setup-test-host.sh')], 'installing code-server (scripts/setup-test-host.sh)');
  }
  if (opts.build) run(process.execPath, ['esbuild.js'], 'building the extension (node esbuild.js)');
  if (opts.build) ensureCompiled(opts.offline);

  const { startCodeServer } = require(path.join(OUT, 'host', 'codeServer.js'));
  const stops = [];
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping...');
    for (const stop of stops.reverse()) await stop().catch((e) => console.error(e));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGHUP', () => void stopAll(0));

  try {
    let userSettings = {};
    if (opts.offline) {
      const serverModule = path.join(OUT, 'server', 'modelServer.js');
      if (!fs.existsSync(serverModule)) {
        throw new Error(
          `${path.relative(ROOT, serverModule)} is missing (test/server not written or not compiled yet): run without --offline`,
        );
      }
      const { startModelServer } = require(serverModule);
      const { DEMO_KNOBS } = require(path.join(OUT, 'server', 'demo', 'index.js'));
      const model = await startModelServer({
        // DEMO_KNOBS: answers that fit each request (test/server/demo): ghost text for the code at
        // the cursor, tone rewrites, review findings. Reasoning is simulated fast so a review at
        // the default thinking level does not sit silent.
        knobs: {
          ttftMs: opts.ttft,
          tokensPerSecond: opts.tps,
          tokensPerChunk: 2,
          reasoningTokensPerSecond: 2000,
          ...DEMO_KNOBS,
        },
        onLog: (e) =>
          console.log(
            `[model server] ${e.method} ${e.path}${e.model ? ` ${e.model}` : ''} -> ${e.status ?? '-'} ${e.durationMs ?? '?'}ms`,
          ),
      });
      stops.push(() => model.close());
      userSettings = offlineSettings(model);
      console.log(`Local model server: ${model.url} (OpenAI ${model.openaiBaseUrl}, Gemini ${model.geminiBaseUrl})`);
    }

    const folder = opts.folder ?? demoWorkspace();
    // No port, or a taken one: code-server binds a free port itself (startCodeServer reads it back).
    const port = opts.port > 0 && (await portFree(opts.port)) ? opts.port : undefined;
    const vscode = await startCodeServer({
      workspace: folder,
      extensionDevelopmentPath: ROOT,
      userSettings,
      port,
      startTimeoutMs: 60000,
    });
    if (opts.port > 0 && vscode.port !== opts.port) console.log(`port ${opts.port} is taken; using ${vscode.port}`);
    stops.push(() => vscode.stop());
    console.log('');
    console.log(`VS Code with Tiered from ${ROOT}`);
    const mode = opts.offline
      ? 'offline (local model server, demo prices)'
      : 'your providers (set a key with "Tiered: Set API Key")';
    console.log(`  open:     ${vscode.workbenchUrl(folder)}`);
    console.log(`  folder:   ${folder}`);
    console.log(`  mode:     ${mode}`);
    console.log(`  settings: ${path.join(vscode.userDataDir, 'User', 'settings.json')}`);
    console.log(`  logs:     ${vscode.logFile} (extension logs under ${path.join(vscode.userDataDir, 'logs')})`);
    console.log('Ctrl-C stops it.');
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stopAll(1);
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = require('node:net').createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

main();
