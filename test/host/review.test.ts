// Deep review in a real VS Code (code-server) against the local model server, which answers every
// review with findings scripted from the prompt: each numbered line holding "BUG" becomes a finding
// ("BUG!" an error, "BUG:" a warning; "FIX: code" a replacement). The in-host spec
// (suite/review.spec.ts) drives the commands; this side checks what reached the wire.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace } from './fixtures';
import { frameWith, generateRequests, git, runReviewSpec, scriptedFindings } from './reviewFixtures';
import { Workbench } from './ui';

const CALC_HEAD = [
  'export function divide(a: number, b: number): number {',
  '  return a / b; // BUG! no zero check',
  '}',
  '',
  'export function total(xs: number[]): number {',
  '  let t = 0;',
  '  for (let i = 0; i <= xs.length; i++) t += xs[i]; // BUG: off by one FIX: for (let i = 0; i < xs.length; i++) t += xs[i];',
  '  return t;',
  '}',
  '',
].join('\n');
// Uncommitted: one added line with a finding.
const CALC_WORKING = `${CALC_HEAD}\nexport const half = (x: number) => x / 0; // BUG: divides by zero\n`;
const NEW_FILE = 'export const ok = 1;\nexport const bad = JSON.parse(input); // BUG: input is undefined\n';
const SECRET = 'SECRET_VALUE_1234';

const generate = generateRequests;

describe('deep review in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer({ knobs: { text: scriptedFindings } });
    // The slow pro model streams a long answer for ~20 s, so the spec can cancel it mid-stream.
    models.setModelKnobs('slow-pro-model', { tokensPerSecond: 60, text: `{"summary": "${'x'.repeat(4800)}"` });
    // The bad pro model answers prose: not review JSON, not even after the repair.
    models.setModelKnobs('bad-pro-model', { text: 'Sure! The code looks fine to me.' });
    workspace = makeWorkspace({
      'src/calc.ts': CALC_HEAD,
      'src/other.ts': 'export const answer = 42;\n',
      '.env': 'TOKEN=placeholder\n',
      '.gitignore': 'node_modules\n',
    });
    git(workspace.dir, 'init', '-q', '-b', 'main');
    git(workspace.dir, 'add', '-A');
    git(workspace.dir, 'commit', '-q', '-m', 'initial');
    fs.writeFileSync(path.join(workspace.dir, 'src/calc.ts'), CALC_WORKING);
    fs.writeFileSync(path.join(workspace.dir, 'src/new.ts'), NEW_FILE);
    fs.writeFileSync(path.join(workspace.dir, '.env'), `TOKEN=${SECRET}\n`);
    const price = (input: number, output: number) => ({ inputPerMTok: input, outputPerMTok: output });
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'git.enabled': true,
        'git.autoRepositoryDetection': true,
        'tiered.providers': [
          { id: 'local-gemini', kind: 'gemini', baseUrl: models.geminiBaseUrl },
          { id: 'local-openai', kind: 'openai', baseUrl: models.openaiBaseUrl },
        ],
        'tiered.models': {
          'local-lite': {
            provider: 'local-openai',
            model: 'lite-model',
            tier: 'lite',
            maxOutputTokens: 1024,
            price: price(0.1, 0.4),
          },
          'local-pro': {
            provider: 'local-gemini',
            model: 'pro-model',
            tier: 'pro',
            maxOutputTokens: 8192,
            price: price(2, 12),
          },
          'local-pro-slow': {
            provider: 'local-openai',
            model: 'slow-pro-model',
            tier: 'pro',
            maxOutputTokens: 8192,
            price: price(2, 12),
          },
          'local-pro-bad': {
            provider: 'local-openai',
            model: 'bad-pro-model',
            tier: 'pro',
            maxOutputTokens: 8192,
            price: price(2, 12),
          },
        },
        'tiered.tiers': { lite: ['local-lite'], pro: ['local-pro'] },
        'tiered.budget': { dailyCapUsd: 50, confirmAboveUsd: 100 },
        'tiered.inline': { enabled: false },
      },
    });
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  const run = (grep: string, shot: string) =>
    runReviewSpec(server, 'review', grep, shot, { timeoutMs: 150_000, mochaTimeoutMs: 60_000 });

  test('file review: diagnostics, quick fix, cache, confirmation', async () => {
    models.clearLog();
    const result = await run('reviews a file|quick fix|asks before', 'host-review-file.png');
    assert.match(result.output, /3 passing/);
    await models.idle();
    const calls = generate(models);
    // First review, then the confirmed one; the cached re-run and the declined one sent nothing.
    assert.deepEqual(
      calls.map((c) => c.model),
      ['pro-model', 'pro-model'],
    );
    for (const c of calls) {
      const cfg = (c.body as { generationConfig?: Record<string, unknown> }).generationConfig ?? {};
      assert.equal(cfg.responseMimeType, 'application/json');
      assert.ok(cfg.responseJsonSchema, 'the findings schema is sent as Gemini responseJsonSchema');
    }
    assert.ok(
      models.log.some((r) => r.route === 'gemini.countTokens'),
      "the provider's count endpoint was used",
    );
  });

  test('a refused review sends nothing, not even a token count', async () => {
    models.clearLog();
    await run('refused', 'host-review-refused.png');
    await models.idle();
    assert.deepEqual(
      models.log.map((r) => r.route),
      [],
    );
  });

  test('uncommitted changes: staged + unstaged + untracked, excluded files never sent', async () => {
    models.clearLog();
    await run('uncommitted', 'host-review-changes.png');
    await models.idle();
    const calls = generate(models);
    assert.equal(calls.length, 1);
    for (const r of models.log)
      assert.ok(!JSON.stringify(r.body).includes(SECRET), `${r.route} carried the excluded .env`);
  });

  test('UI: the confirmation dialog shows the estimate; Cancel sends nothing, Run Review runs it', async () => {
    // The specs above changed user settings through the API; set what this test needs on disk.
    const settingsFile = path.join(server.userDataDir, 'User', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    settings['tiered.budget'] = { dailyCapUsd: 50, confirmAboveUsd: 0.01 };
    settings['tiered.tiers'] = { lite: ['local-lite'], pro: ['local-pro'] };
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    fs.writeFileSync(path.join(workspace.dir, 'src/ui.ts'), 'export const x = 1; // BUG: needs a name\n');
    models.clearLog();
    const wb = await Workbench.open(server);
    try {
      await wb.openFile('src/ui.ts');
      await wb.runCommand('Tiered: Deep Review: File');
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 20_000 });
      const text = (await dialog.textContent()) ?? '';
      assert.match(text, /Deep review of src\/ui\.ts on local-pro: about \$[\d.]+, at most \$[\d.]+/);
      assert.match(text, /Left of today's cap: \$[\d.]+ of \$50/);
      await wb.screenshot('host-review-confirm');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await wb.page.locator('.notification-toast', { hasText: 'nothing was spent' }).waitFor({ state: 'visible' });
      assert.equal(generate(models).length, 0, 'cancelled at the dialog: nothing sent');

      await wb.runCommand('Tiered: Deep Review: File');
      await dialog.waitFor({ state: 'visible', timeout: 20_000 });
      await dialog.getByRole('button', { name: 'Run Review' }).click();
      await wb.page.locator('.tabs-container .tab', { hasText: 'Review: src/ui.ts' }).waitFor({ state: 'visible' });
      await models.idle();
      assert.deepEqual(
        generate(models).map((r) => r.model),
        ['pro-model'],
      );
      // The finding reaches the Problems count in the status bar.
      await wb.page.locator('.statusbar-item[id="status.problems"]', { hasText: '1' }).waitFor({ state: 'visible' });
      await wb.screenshot('host-review-after');
      // The report is a webview with no script: a finding's link is a command URI. Clicking it
      // selects the finding's line in the editor (the status bar counts the selection).
      const report = await frameWith(wb, 'dl.facts');
      await report.locator('a', { hasText: 'line 1' }).click();
      await wb.page
        .locator('.statusbar-item[id="status.editor.selection"]', { hasText: 'selected' })
        .waitFor({ state: 'visible', timeout: 20_000 });
      // The header's "Open as Markdown" link (a command URI the view allows) opens the Markdown beside.
      await report.locator('a', { hasText: 'Open as Markdown' }).click();
      await wb.page
        .locator('.tabs-container .tab', { hasText: 'Review src_ui.ts.md' })
        .waitFor({ state: 'visible', timeout: 20_000 });
    } finally {
      await wb.close();
    }
  });

  test('a failed review tells the truth and is the last report', async () => {
    models.clearLog();
    await run('a failed review', 'host-review-failed.png');
    await models.idle();
    assert.deepEqual(
      generate(models).map((r) => r.model),
      ['bad-pro-model', 'bad-pro-model'], // the review and its one repair, nothing more
    );
  });

  test('cancel mid-review closes the stream', async () => {
    models.clearLog();
    await run('cancel mid-review', 'host-review-cancel.png');
    await models.idle();
    const slow = models.log.filter((r) => r.model === 'slow-pro-model');
    assert.equal(slow.length, 1, 'no retry after a cancel');
    assert.equal(slow[0]!.clientClosedEarly, true, 'the stream was closed by the extension');
    assert.ok(slow[0]!.chunksSent > 0);
  });
});
