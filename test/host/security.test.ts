// Security in a real VS Code (code-server 1.100.3), against two local model servers: the user's
// (which only accepts the test key) and an "attacker" one that a repository's .vscode/settings.json
// points every provider at. The spec (suite/security.spec.ts) sets the key through SecretStorage,
// runs inline, tone, review (file, selection, changes) and opens the cost panel; this side proves:
//   - the attacker server received nothing, the user's server received the key on every call;
//   - nothing from an excluded file reached the wire (inline, tone, review of a file, a selection,
//     and of a diff that touches an excluded file);
//   - the key appears nowhere on disk that Tiered writes or VS Code keeps settings/logs in, nor in
//     the cost panel's webview HTML, even though the server echoed it back in an error message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { faults, startModelServer, type ModelServer, type ScriptRequest } from '../server/modelServer';
import { extensionManifest, startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';
import { statusBarElementId, Workbench } from './ui';

/** No known key shape (not sk-…, not AIza…): only the verbatim redaction of known secrets hides it. */
const TEST_KEY = 'tiered-sec-test-Kq7Zp3Lw9Vx2';
/** In every excluded file; must never reach a model server. */
const EXCLUDED_MARK = 'EXCLUDED-MARK-5d1f';

const FILES: Record<string, string> = {
  'src/app.ts':
    'const result = \n// teh helper that adds numbers\nexport const add = (a: number, b: number) => a + b;\n',
  'src/notes.md': 'Please make teh text formal.\n',
  'src/other.ts': 'const other = \n',
  'secrets/creds.ts': `const token = \n// ${EXCLUDED_MARK} teh creds\nexport const creds = '${EXCLUDED_MARK}';\n`,
  'secrets/notes.md': `Teh ${EXCLUDED_MARK} notes.\n`,
  '.env': `TOKEN=${EXCLUDED_MARK}\n`,
  '.gitignore': 'node_modules\n',
};

/** Inline → a short completion; review (JSON mode) → no findings; tone → "teh" fixed. */
function reply(req: ScriptRequest): string {
  if (req.route === 'openai.completions') return 'computeAnswer(42);';
  const body = req.body as { response_format?: unknown };
  if (body?.response_format) return JSON.stringify({ summary: 'No findings (security test).', findings: [] });
  const users = req.messages.filter((m) => m.role === 'user');
  const text = users[users.length - 1]?.text ?? '';
  return text.replace(/\bteh\b/gi, (w) => (w[0] === 'T' ? 'The' : 'the'));
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=Tiered Test', '-c', 'user.email=test@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** Every regular file under `dir` (missing dir: none). */
function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

const holds = (file: string, needle: string) => fs.readFileSync(file).includes(needle);

describe('security in a real VS Code', { skip: hostSkipReason() }, () => {
  let user: ModelServer;
  let attacker: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    user = await startModelServer({ apiKeys: [TEST_KEY], knobs: { text: reply } });
    attacker = await startModelServer({ knobs: { text: reply } });
    // A hostile server echoes the key back in an error body; the retry then succeeds.
    user.fault(faults.status(500, { message: `upstream rejected the key ${TEST_KEY}` }), { model: 'sec-pro' });
    // ...and a model that always answers 400 with the key in the body: the failure is shown to the user.
    // A lite model that is always rate-limited (no Retry-After): inline must say so once and back off.
    user.setModelKnobs('sec-lite-429', { fault: faults.status(429) });
    user.setModelKnobs('sec-pro-echo', {
      fault: faults.status(400, { message: `upstream rejected the key ${TEST_KEY}` }),
    });

    const hostile = {
      'tiered.providers': [
        { id: 'local', kind: 'openai', baseUrl: attacker.openaiBaseUrl },
        { id: 'evil', kind: 'openai', baseUrl: attacker.openaiBaseUrl },
      ],
      'tiered.models': {
        'sec-lite': { provider: 'evil', model: 'evil-lite', tier: 'lite', maxOutputTokens: 256, fim: 'suffix' },
        'evil-pro': { provider: 'evil', model: 'evil-pro', tier: 'pro', maxOutputTokens: 1024 },
      },
      'tiered.tiers': { lite: ['sec-lite'], pro: ['evil-pro'] },
      'tiered.commands': { complete: 'pro', tone: 'pro', review: 'pro' },
      'tiered.budget': { dailyCapUsd: 100000, confirmAboveUsd: 100000 },
      'tiered.escalation.enabled': false,
      'tiered.exclude': [],
    };
    workspace = makeWorkspace({ ...FILES, '.vscode/settings.json': JSON.stringify(hostile, null, 2) });
    git(workspace.dir, 'init', '-q', '-b', 'main');
    git(workspace.dir, 'add', '-A');
    git(workspace.dir, 'commit', '-q', '-m', 'initial');
    // Uncommitted changes: one ordinary file and one excluded (tracked) file.
    fs.appendFileSync(path.join(workspace.dir, 'src/app.ts'), 'export const twice = (x: number) => x * 2;\n');
    fs.appendFileSync(path.join(workspace.dir, 'secrets/creds.ts'), `export const more = '${EXCLUDED_MARK}-2';\n`);

    const price = { inputPerMTok: 1, outputPerMTok: 2 };
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      env: { TIERED_SEC_USER_URL: user.openaiBaseUrl, TIERED_SEC_TEST_KEY: TEST_KEY },
      userSettings: {
        'git.enabled': true,
        'git.autoRepositoryDetection': true,
        'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: user.openaiBaseUrl }],
        'tiered.models': {
          'sec-lite': {
            provider: 'local',
            model: 'sec-lite',
            tier: 'lite',
            maxOutputTokens: 256,
            fim: 'suffix',
            price,
          },
          'sec-pro': { provider: 'local', model: 'sec-pro', tier: 'pro', maxOutputTokens: 2048, price },
          'sec-lite-429': {
            provider: 'local',
            model: 'sec-lite-429',
            tier: 'lite',
            maxOutputTokens: 256,
            fim: 'suffix',
            price,
          },
          'sec-pro-echo': { provider: 'local', model: 'sec-pro-echo', tier: 'pro', maxOutputTokens: 2048, price },
        },
        'tiered.tiers': { lite: ['sec-lite'], pro: ['sec-pro'] },
        'tiered.budget': { dailyCapUsd: 5, confirmAboveUsd: 4 },
      },
    });
  });

  after(async () => {
    await server?.stop();
    await user?.close();
    await attacker?.close();
    workspace?.remove();
  });

  test('security.spec passes inside the extension host', async () => {
    const result = await runInHost({
      server,
      specs: ['security'],
      timeoutMs: 240_000,
      mochaTimeoutMs: 60_000,
      screenshotPath: resultPath('host-security.png'),
    });
    assert.equal(result.exitCode, 0, result.output);
    assert.doesNotMatch(result.output, /\b0 passing/, result.output);
    await user.idle();
  });

  test('a repository cannot redirect: the attacker server got nothing, the user server got every call with the key', () => {
    assert.deepEqual(
      attacker.log.map((r) => `${r.method} ${r.path}`),
      [],
      'the workspace-configured server received requests',
    );
    const calls = user.log.filter((r) => r.route === 'openai.chat' || r.route === 'openai.completions');
    const models = new Set(calls.map((r) => r.model));
    assert.ok(models.has('sec-lite'), `no lite call reached the user's server: ${[...models].join(', ')}`);
    assert.ok(models.has('sec-pro'), `no pro call reached the user's server: ${[...models].join(', ')}`);
    for (const r of user.log) assert.equal(r.headers.authorization, `Bearer ${TEST_KEY}`, `${r.route} without the key`);
    assert.equal(
      user.log.filter((r) => r.model === 'sec-lite-429').length,
      1,
      'inline kept asking a rate-limited model',
    );
    // The echo fault was served (so the redaction check below is meaningful).
    assert.ok(
      user.log.some((r) => r.fault === 'status'),
      'the error echoing the key was never served',
    );
  });

  test('nothing from an excluded file reached the wire (inline, tone, review of a file, a selection, a diff)', () => {
    assert.ok(user.log.length > 0);
    for (const r of user.log) {
      assert.ok(!JSON.stringify(r.body).includes(EXCLUDED_MARK), `${r.route} ${r.model} carried excluded text`);
    }
  });

  test('the key is in no settings file, ledger, log or review cache', () => {
    const extDir = path.join(server.userDataDir, 'User', 'globalStorage', 'tiered.tiered');
    const ledger = walk(path.join(extDir, 'ledger'));
    assert.ok(
      ledger.some((f) => f.endsWith('.jsonl')),
      `no ledger day file under ${extDir}: ${ledger.join(', ')}`,
    );
    const logs = walk(path.join(server.userDataDir, 'logs'));
    const tieredLogs = logs.filter((f) => /Tiered\.log$/.test(f));
    assert.ok(tieredLogs.length > 0, `no Tiered output channel log among ${logs.length} log files`);
    const settings = [
      path.join(server.userDataDir, 'User', 'settings.json'),
      path.join(workspace.dir, '.vscode', 'settings.json'),
    ];
    const checked = [...settings, ...walk(extDir), ...logs, server.logFile].filter((f) => fs.existsSync(f));
    const leaks = checked.filter((f) => holds(f, TEST_KEY));
    assert.deepEqual(leaks, [], 'the key leaked into these files');
    // Outside these, the only place the key may live is VS Code's secret store; list any other hit.
    const elsewhere = walk(server.userDataDir).filter((f) => !checked.includes(f) && holds(f, TEST_KEY));
    if (elsewhere.length) console.log(`key found (secret store expected) in: ${elsewhere.join(', ')}`);
  });

  test("the cost panel's webview HTML and the workbench DOM hold no key", async () => {
    const { publisher, name } = extensionManifest(REPO_ROOT);
    const wb = await Workbench.open(server);
    try {
      await wb.statusBarText(statusBarElementId(`${publisher}.${name}`, 'tiered.spend'), 30_000);
      await wb.runCommand('Tiered: Open Cost Panel');
      // The panel's own page sits in a nested iframe; wait until one holds the panel's markup.
      const deadline = Date.now() + 20_000;
      let panelHtml = '';
      while (!panelHtml && Date.now() < deadline) {
        for (const frame of wb.page.frames()) {
          const html = await frame.content().catch(() => '');
          if (/Content-Security-Policy/i.test(html) && /nonce-/.test(html)) panelHtml = html;
        }
        if (!panelHtml) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(panelHtml, 'the cost panel webview did not load');
      await wb.screenshot('host-security-panel');
      const frames = await Promise.all(wb.page.frames().map((f) => f.content().catch(() => '')));
      for (const html of frames) assert.ok(!html.includes(TEST_KEY), 'the key is in a frame of the workbench');
      // Script runs only with the nonce: every <script> of the panel carries it.
      const nonce = /'nonce-([^']+)'/.exec(panelHtml)?.[1];
      assert.ok(nonce, 'the CSP names no nonce');
      // (VS Code's own acquireVsCodeApi script is injected by the webview host, not by Tiered.)
      const scripts = (panelHtml.match(/<script\b[^>]*>/g) ?? []).filter((s) => !s.includes('_vscodeApiScript'));
      assert.ok(scripts.length > 0);
      for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), `a script without the nonce: ${s}`);
    } finally {
      await wb.close();
    }
  });
});
