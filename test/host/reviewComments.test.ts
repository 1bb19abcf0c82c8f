// Deep review findings as comment threads in a real VS Code (code-server), against the local model
// server scripted to answer each review with findings for the "BUG" lines it is shown:
//   "BUG! t" error, "BUG: t" warning, "BUG~ t" hint (all high confidence), "BUG? t" warning of low
//   confidence; "FIX: code" after the title is the replacement.
// The in-host spec (suite/reviewComments.spec.ts) drives threads, Apply, Dismiss, next / previous and
// the branch review; this side checks what reached the wire and takes the README's screenshots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { frameWith, generateRequests, git, runReviewSpec, scriptedFindings } from './reviewFixtures';
import { Workbench } from './ui';

const CALC = [
  'export function divide(a: number, b: number): number {',
  '  return a / b; // BUG! no zero check',
  '}',
  '',
  'export function total(xs: number[]): number {',
  '  let t = 0;',
  '  for (let i = 0; i <= xs.length; i++) t += xs[i]; // BUG: off by one FIX: for (let i = 0; i < xs.length; i++) t += xs[i];',
  '  return t;',
  '}',
  "export const label = 'calc'; // BUG~ name says little FIX: export const calcLabel = 'calc';",
  'export const maybe = 1; // BUG? might be unused',
  '',
].join('\n');

// Committed on the branch "feature" (after main).
const FEATURE_COMMITTED = [
  'export function parse(s: string): number {',
  '  return parseInt(s); // BUG: no radix FIX: return parseInt(s, 10);',
  '}',
  '',
  'export const retries = -1; // BUG: negative retries FIX: export const retries = 3;',
  '',
].join('\n');
// Uncommitted on top of the branch: must not reach the model in a branch review. The two lines
// added at the top move the committed findings down two lines in the editor; line 5 is edited.
const FEATURE_WORKING = '// uncommitted: a note above the parser\n//\n'.concat(
  FEATURE_COMMITTED.replace('retries = -1;', 'retries = -2;'),
  'export const extra = 1; // BUG: uncommitted on top\n',
);

const generate = generateRequests;
const sentText = (s: ModelServer) => generate(s).map((r) => JSON.stringify(r.body));

describe('review comments in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer({ knobs: { text: scriptedFindings } });
    workspace = makeWorkspace({ 'src/calc.ts': CALC, '.gitignore': 'node_modules\n' });
    const dir = workspace.dir;
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
    // As after a clone: origin/main with origin/HEAD pointing at it (the default base).
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    git(dir, 'checkout', '-q', '-b', 'feature');
    fs.writeFileSync(path.join(dir, 'src/feature.ts'), FEATURE_COMMITTED);
    git(dir, 'add', 'src/feature.ts');
    git(dir, 'commit', '-q', '-m', 'feature');
    fs.writeFileSync(path.join(dir, 'src/feature.ts'), FEATURE_WORKING);
    const price = (input: number, output: number) => ({ inputPerMTok: input, outputPerMTok: output });
    server = await startCodeServer({
      workspace: dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'git.enabled': true,
        'git.autoRepositoryDetection': true,
        'tiered.providers': [{ id: 'local-gemini', kind: 'gemini', baseUrl: models.geminiBaseUrl }],
        'tiered.models': {
          'local-pro': {
            provider: 'local-gemini',
            model: 'pro-model',
            tier: 'pro',
            maxOutputTokens: 8192,
            price: price(2, 12),
          },
        },
        'tiered.tiers': { lite: ['local-pro'], pro: ['local-pro'] },
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
    runReviewSpec(server, 'reviewComments', grep, shot, { timeoutMs: 400_000, mochaTimeoutMs: 150_000 });

  test('threads at each finding, Apply in one undoable edit, Dismiss remembered, next / previous', async () => {
    models.clearLog();
    const result = await run('threads|Apply|Dismiss|next', 'host-review-comments.png');
    assert.match(result.output, /4 passing/);
  });

  test('a dismissal outlives the window: a new window re-reviewing the same code does not raise it', async () => {
    await run('outlives', 'host-review-dismissed.png');
  });

  test('branch review sends only the branch’s committed diff, not the uncommitted or unsaved changes on top', async () => {
    models.clearLog();
    await run('branch', 'host-review-branch.png');
    await models.idle();
    const sent = sentText(models);
    assert.equal(sent.length, 1, 'one review call (the error cases send nothing)');
    assert.match(sent[0]!, /no radix/);
    assert.match(sent[0]!, /negative retries/);
    assert.match(sent[0]!, /retries = -1/, 'the committed line, not the working tree');
    assert.doesNotMatch(sent[0]!, /uncommitted on top|uncommitted: a note|retries = -2|unsaved: not on disk/);
    assert.doesNotMatch(sent[0]!, /off by one/, 'calc.ts is unchanged on the branch');
  });

  test('UI: a finding’s comment thread in the editor, the rendered report beside it', async () => {
    const wb = await Workbench.open(server);
    try {
      await wb.page.setViewportSize({ width: 1600, height: 900 });
      // Quick open lists files once the workspace is indexed; on a busy machine that can take a while.
      await wb.openFile('src/calc.ts').catch(async () => {
        await wb.page.keyboard.press('Escape');
        await wb.openFile('src/calc.ts');
      });
      await wb.runCommand('Tiered: Deep Review: File');
      const thread = wb.page.locator('.review-widget', { hasText: 'off by one' });
      await thread.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await thread.textContent()) ?? '', /Warning · bug · high confidence/);
      await wb.page.locator('.review-widget', { hasText: 'no zero check' }).waitFor({ state: 'visible' });
      // The report is a webview (two nested frames): its page has the header figures.
      const report = await frameWith(wb, 'dl.facts');
      assert.match(await report.locator('h1').innerText(), /Review: src\/calc\.ts/);
      // The screenshot shows the threads and the report, not the toasts of this test window.
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.page.locator('.notification-toast').first().waitFor({ state: 'detached' });
      await wb.screenshot('review-comments');
      await (await report.frameElement()).screenshot({ path: resultPath('review-report.png') });

      // The thread's title bar carries the actions package.json contributes: Apply Fix runs with the
      // thread as its argument, rewrites the line and the thread goes.
      // Line 7 is the only one holding "BUG:" (no spaces: the editor renders them as &nbsp;).
      const line7 = wb.page.locator('.view-line', { hasText: 'BUG:' });
      await line7.waitFor({ state: 'visible' });
      await thread.getByRole('button', { name: 'Apply Fix' }).click();
      await thread.waitFor({ state: 'detached', timeout: 20_000 });
      await line7.waitFor({ state: 'detached' });
    } finally {
      await wb.close();
    }
  });
});
