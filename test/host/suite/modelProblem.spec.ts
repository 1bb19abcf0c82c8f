// Runs inside the extension host (test/host/modelProblem.test.ts starts the strict model server and
// configures a lite chain `mini` (gpt-5-mini with temperature 0.2, which OpenAI answers with a 400)
// then `backup`). Inline ghost text comes from backup; exactly one notice names mini and the setting
// to change; its Open Settings action opens the user settings JSON; once the setting is fixed, mini
// answers again (issue 10: "A 400 from a model produces one notice naming the model and the setting,
// and the next model of the tier answers").
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { askAndAccept, sleep } from './inlineSteps';
import { localDay } from '../../../src/core/day';
import type { LedgerRecord } from '../../../src/core/types';

const EXTENSION_ID = 'tiered.tiered';

interface Api {
  context: {
    config(): { models: Record<string, { temperature?: number }> };
    readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]>;
  };
}
type Window = typeof vscode.window;
type Mutable = { -readonly [K in keyof Window]: Window[K] };

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const uri = (rel: string): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open');
  return vscode.Uri.joinPath(f.uri, rel);
};

/** Cursor at the end of `line`; asks for ghost text until it is accepted (as Tab) or `waitMs` passes. */
async function inlineAt(editor: vscode.TextEditor, line: number, waitMs: number): Promise<string> {
  const end = editor.document.lineAt(line).range.end;
  editor.selection = new vscode.Selection(end, end);
  await askAndAccept(editor, waitMs);
  return editor.document.lineAt(line).text;
}

interface Shown {
  message: string;
  items: string[];
  answer(choice: string | undefined): void;
}

describe('A model rejected by its provider, in a real VS Code', function () {
  this.timeout(60_000);
  let api: Api;
  const shown: Shown[] = [];
  const saved: Partial<Mutable> = {};
  const completions = async () =>
    (await api.context.readLedger(localDay(), localDay())).filter((r) => r.command === 'complete');

  before(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    // Notices are recorded; each stays open (unanswered) until a test answers it.
    const w = vscode.window as Mutable;
    const record = (message: string, ...items: unknown[]) =>
      new Promise<string | undefined>((resolve) =>
        shown.push({ message, items: items.filter((i): i is string => typeof i === 'string'), answer: resolve }),
      );
    for (const k of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage'] as const) saved[k] = w[k];
    w.showErrorMessage = record as Window['showErrorMessage'];
    w.showWarningMessage = record as Window['showWarningMessage'];
    w.showInformationMessage = record as Window['showInformationMessage'];
  });

  after(() => {
    for (const s of shown) s.answer(undefined);
    Object.assign(vscode.window, saved);
  });

  it('ghost text comes from the next model of the tier; one notice names the model and its setting', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri('main.ts')));
    assert.equal(await inlineAt(editor, 0, 10_000), 'const result = fromBackup();');
    // More pauses in typing, on other lines: each is answered by backup, mini is not asked again.
    assert.equal(await inlineAt(editor, 1, 8000), 'const second = fromBackup();');
    assert.equal(await inlineAt(editor, 2, 8000), 'const third = fromBackup();');
    const notices = shown.filter((s) => s.message.includes('"mini"') && s.message.includes('rejected'));
    assert.equal(notices.length, 1, `notices: ${shown.map((s) => s.message).join(' | ')}`);
    const notice = notices[0]!;
    console.log(`notice: ${notice.message}`);
    assert.match(notice.message, /"mini" \(gpt-5-mini on local\) was rejected/);
    assert.match(notice.message, /temperature/, "the provider's own message is quoted");
    assert.match(notice.message, /Change tiered\.models\.mini; "backup" answers meanwhile\./);
    assert.deepEqual(notice.items, ['Open Settings', 'Show Log']);
    // (gpt-5-mini's published shutdown date brings a deprecation notice too: not an error.)
    const errors = shown.filter((s) => s !== notice && !/shuts down/.test(s.message));
    assert.deepEqual(
      errors.map((s) => s.message),
      [],
      'inline told the same problem again',
    );
    const minis = (await completions()).filter((r) => r.model === 'mini');
    assert.equal(minis.length, 1, `mini was asked ${minis.length} times`);
  });

  it('its Open Settings action opens the user settings JSON', async () => {
    const notice = shown.find((s) => s.message.includes('"mini"') && s.message.includes('rejected'));
    assert.ok(notice);
    notice.answer('Open Settings');
    await until('the user settings.json', () =>
      Boolean(vscode.window.activeTextEditor?.document.uri.path.endsWith('/User/settings.json')),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('once the setting is fixed, the model answers again, with no new notice', async () => {
    const section = vscode.workspace.getConfiguration('tiered');
    const models = { ...(section.inspect<Record<string, Record<string, unknown>>>('models')?.globalValue ?? {}) };
    const { temperature: _dropped, capabilities: _caps, ...fixed } = models['mini'] ?? {};
    await section.update('models', { ...models, mini: fixed }, vscode.ConfigurationTarget.Global);
    await until('mini without temperature', () => api.context.config().models['mini']?.temperature === undefined);
    const count = shown.length;
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri('main.ts')));
    assert.equal(await inlineAt(editor, 3, 10_000), 'const fourth = fromMini();');
    assert.equal(
      shown.length,
      count,
      `new notices: ${shown
        .slice(count)
        .map((s) => s.message)
        .join(' | ')}`,
    );
  });
});
