// Runs inside the extension host (test/host/setup.test.ts starts the strict model server and
// configures flash-lite + mini (gpt-5-mini with a rejected temperature) on lite, pro + far (a closed
// port) on pro). Cancel in the cost modal sends nothing; after a key is set the "Check setup now?"
// offer runs the check; the report (a Markdown preview) names each model with the right status,
// the rejected parameter with its fix and the unreachable base URL; no key appears in the report,
// the notices or the ledger (issue 11: "`Tiered: Check Setup` against the strict server reports each
// configured model correctly").
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localDay } from '../../../src/core/day';
import type { LedgerRecord } from '../../../src/core/types';

const EXTENSION_ID = 'tiered.tiered';
const REPORT = vscode.Uri.from({ scheme: 'tiered-setup', path: '/Tiered Check Setup.md' });

interface Api {
  context: { readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]> };
}
type Window = typeof vscode.window;
type Mutable = { -readonly [K in keyof Window]: Window[K] };

interface Shown {
  kind: 'info' | 'warning' | 'error';
  message: string;
  modal: boolean;
  detail?: string;
  items: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('Tiered: Check Setup, in a real VS Code', function () {
  this.timeout(90_000);
  const key = process.env.TIERED_SETUP_TEST_KEY ?? '';
  let api: Api;
  const shown: Shown[] = [];
  const saved: Partial<Mutable> = {};
  /** How the cost modal is answered. */
  let modalAnswer: string | undefined;
  /** Answer to "…saved. Check setup now?" */
  let offerAnswer: string | undefined;
  const setupRecords = async () =>
    (await api.context.readLedger(localDay(), localDay())).filter((r) => r.command === 'setup');

  before(async () => {
    assert.ok(key, 'the driver passes the test key');
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    const w = vscode.window as Mutable;
    const recorder =
      (kind: Shown['kind']) =>
      (message: string, ...rest: unknown[]): Promise<string | undefined> => {
        const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as vscode.MessageOptions) : {};
        const items = rest.filter((i): i is string => typeof i === 'string');
        shown.push({ kind, message, modal: options.modal === true, detail: options.detail, items });
        if (options.modal) return Promise.resolve(modalAnswer);
        if (/saved\. Check setup now\?/.test(message)) return Promise.resolve(offerAnswer);
        return Promise.resolve(undefined);
      };
    Object.assign(saved, {
      showErrorMessage: w.showErrorMessage,
      showWarningMessage: w.showWarningMessage,
      showInformationMessage: w.showInformationMessage,
      showInputBox: w.showInputBox,
    });
    w.showInformationMessage = recorder('info') as Window['showInformationMessage'];
    w.showWarningMessage = recorder('warning') as Window['showWarningMessage'];
    w.showErrorMessage = recorder('error') as Window['showErrorMessage'];
    w.showInputBox = (() => Promise.resolve(key)) as Window['showInputBox'];
  });

  after(() => Object.assign(vscode.window, saved));

  it('says what it will spend and asks; Cancel sends nothing', async () => {
    modalAnswer = undefined;
    const result = await vscode.commands.executeCommand('tiered.checkSetup');
    assert.equal(result, undefined);
    const modal = shown.find((s) => s.modal);
    assert.ok(modal, `no modal: ${shown.map((s) => s.message).join(' | ')}`);
    console.log(`modal: ${modal.message} / ${modal.detail}`);
    assert.match(modal.message, /sends 4 tiny requests to 4 models: at most \$\d+\.\d+ in total/);
    assert.match(modal.detail ?? '', /recorded in the ledger as "setup"/);
    assert.deepEqual(modal.items, ['Send Requests']);
    assert.deepEqual(await setupRecords(), [], 'something was sent after Cancel');
  });

  it('after a key is set it offers the check; taking it runs every model and reports each', async () => {
    modalAnswer = 'Send Requests';
    offerAnswer = undefined;
    await vscode.commands.executeCommand('tiered.setApiKey', 'local');
    offerAnswer = 'Check Setup';
    await vscode.commands.executeCommand('tiered.setApiKey', 'gemini');
    const offers = shown.filter((s) => /saved\. Check setup now\?/.test(s.message));
    assert.equal(offers.length, 2);
    assert.deepEqual(offers[1]!.items, ['Check Setup']);
    assert.match(offers[1]!.message, /API key for "gemini" saved/);

    await until('the summary notice', () => shown.some((s) => /models ready/.test(s.message)));
    const notice = shown.find((s) => /models ready/.test(s.message))!;
    assert.equal(notice.message, 'Tiered: 2 of 4 models ready; 2 problems.');
    assert.equal(notice.kind, 'warning');
    assert.deepEqual(notice.items, ['Show Report']);

    const report = (await vscode.workspace.openTextDocument(REPORT)).getText();
    console.log(report);
    const section = (id: string): string => {
      const start = report.indexOf(`## ${id}: `);
      assert.ok(start >= 0, `no section for ${id}`);
      const next = report.indexOf('\n## ', start + 1);
      return report.slice(start, next < 0 ? undefined : next);
    };
    assert.match(section('flash-lite'), /^## flash-lite: ✅ ready/);
    assert.match(section('flash-lite'), /Reasoning control sent: thinkingLevel minimal \(as for complete\)/);
    assert.match(section('flash-lite'), /Time to first token: \d+ ms/);
    assert.match(section('flash-lite'), /Usage: reported/);
    assert.match(section('flash-lite'), /Price source: local server: \$0/);
    assert.match(section('pro'), /^## pro: ✅ ready/);
    assert.match(section('pro'), /thinkingLevel medium \(as for review\)/);
    assert.match(section('pro'), /Price source: your price \(`tiered\.models\.pro\.price`\)/);

    const mini = section('mini');
    assert.match(mini, /^## mini: ❌ problem/);
    assert.match(mini, /the provider rejected `temperature`/);
    assert.match(mini, /\*\*Fix:\*\* Remove `tiered\.models\.mini\.temperature`/);

    const far = section('far');
    assert.match(far, /^## far: ❌ problem/);
    assert.match(far, /http:\/\/127\.0\.0\.1:\d+\/v1 is unreachable/);
    assert.match(far, /\*\*Fix:\*\* Check the base URL of provider "far" in `tiered\.providers`/);
    // The summary table: unreachable, and a parameter refused by a reachable server with the key accepted.
    assert.match(report, /\| \*\*far\*\* \(far-model, pro\) \| ❌ problem \| ❌ no \|/);
    assert.match(report, /\| \*\*mini\*\* \(gpt-5-mini, lite\) \| ❌ problem \| ✅ yes \| ✅ yes \| ❌ no \|/);

    // Budgeted and in the ledger under `setup`, one record per model.
    const records = await setupRecords();
    assert.deepEqual(records.map((r) => r.model).sort(), ['far', 'flash-lite', 'mini', 'pro']);
  });

  it('the report opens as a rendered Markdown preview', async () => {
    await until('the Markdown preview tab', () =>
      vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => /Tiered Check Setup/.test(t.label))),
    );
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Tiered Check Setup/.test(t.label))!;
    console.log(`tab: ${tab.label}`);
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the report shows rendered, not as source');
  });

  it('the walkthrough: four steps, each with its page and a registered command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const walkthrough = ext.packageJSON.contributes.walkthroughs[0] as {
      id: string;
      steps: { title: string; description: string; media: { markdown: string } }[];
    };
    assert.deepEqual(
      walkthrough.steps.map((s) => s.title),
      ['Set an API key', 'Check your setup', 'See where the money goes', 'Set a daily cap'],
    );
    const commands = await vscode.commands.getCommands(true);
    for (const step of walkthrough.steps) {
      const page = vscode.Uri.joinPath(ext.extensionUri, step.media.markdown);
      assert.ok((await vscode.workspace.fs.stat(page)).size > 0, `${step.media.markdown} is missing`);
      for (const [, id] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(commands.includes(id!), `step "${step.title}" links to unregistered ${id}`);
      }
    }
  });

  it('no key in the report, the notices or the ledger', async () => {
    const report = (await vscode.workspace.openTextDocument(REPORT)).getText();
    assert.ok(!report.includes(key), 'the key is in the report');
    for (const s of shown) assert.ok(!`${s.message} ${s.detail ?? ''}`.includes(key), `the key is in: ${s.message}`);
    const ledger = JSON.stringify(await api.context.readLedger(localDay(), localDay()));
    assert.ok(!ledger.includes(key), 'the key is in the ledger');
  });
});
