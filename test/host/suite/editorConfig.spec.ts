// Runs inside the extension host (test/host/editorConfig.test.ts starts the model server, puts a
// marker into the user's settings.json and keybindings.json and the workspace's .vscode files).
// A normal file gets ghost text (the set-up works); VS Code's own configuration files get none,
// and a tone fix or a review of them is refused. The driver checks that no marker reached the wire.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { askAndAccept, sleep } from './inlineSteps';
import { localDay } from '../../../src/core/day';
import type { LedgerRecord } from '../../../src/core/types';

const EXTENSION_ID = 'tiered.tiered';
const INLINE_REPLY = 'computeAnswer(42);';

interface Api {
  context: { readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]> };
}
type Window = typeof vscode.window;
type Mutable = { -readonly [K in keyof Window]: Window[K] };

const uri = (rel: string): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open');
  return vscode.Uri.joinPath(f.uri, rel);
};

/** Puts the cursor after `"key": ` style text typed at the end of line 1 and asks for ghost text. */
async function typeAndAsk(editor: vscode.TextEditor, text: string, waitMs: number): Promise<string> {
  const end = editor.document.lineAt(0).range.end;
  await editor.edit((e) => e.insert(end, text));
  const at = editor.document.lineAt(0).range.end;
  editor.selection = new vscode.Selection(at, at);
  await askAndAccept(editor, waitMs);
  return editor.document.getText();
}

async function waitForEditor(what: string, match: (u: vscode.Uri) => boolean): Promise<vscode.TextEditor> {
  const end = Date.now() + 15_000;
  for (;;) {
    const editor = vscode.window.activeTextEditor;
    if (editor && match(editor.document.uri)) return editor;
    if (Date.now() > end) throw new Error(`${what} did not open (active: ${editor?.document.uri.toString()})`);
    await sleep(100);
  }
}

describe("VS Code's own configuration files in a real VS Code", function () {
  this.timeout(60_000);
  let api: Api;
  const shown: string[] = [];
  const saved: Partial<Mutable> = {};
  const completions = async () =>
    (await api.context.readLedger(localDay(), localDay())).filter((r) => r.command === 'complete').length;

  before(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    const w = vscode.window as Mutable;
    const record = (message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    };
    for (const k of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage'] as const) saved[k] = w[k];
    w.showErrorMessage = record as Window['showErrorMessage'];
    w.showWarningMessage = record as Window['showWarningMessage'];
    w.showInformationMessage = record as Window['showInformationMessage'];
  });

  after(() => Object.assign(vscode.window, saved));

  it('a normal file gets ghost text (the set-up works)', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri('main.ts')));
    const text = await typeAndAsk(editor, '', 10_000);
    assert.match(text, new RegExp(`const result = ${INLINE_REPLY.replace(/[()]/g, '\\$&')}`));
    // Accepting may start one more request in main.ts; let the ledger settle before counting.
    let before = await completions();
    for (let stable = 0; stable < 3;) {
      await sleep(500);
      const now = await completions();
      stable = now === before ? stable + 1 : 0;
      before = now;
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('the user settings.json (Open User Settings (JSON)) gets no ghost text and sends nothing', async () => {
    const before = await completions();
    await vscode.commands.executeCommand('workbench.action.openSettingsJson');
    const editor = await waitForEditor('the user settings.json', (u) => u.path.endsWith('/User/settings.json'));
    console.log(`user settings open as ${editor.document.uri.toString()} (${editor.document.languageId})`);
    const text = await typeAndAsk(editor, ' "const answer": ', 3000);
    assert.doesNotMatch(text, /computeAnswer/, 'a suggestion appeared in the user settings.json');
    assert.equal(await completions(), before, 'an inline call was made for the user settings.json');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('the user keybindings.json gets no ghost text and sends nothing', async () => {
    const before = await completions();
    await vscode.commands.executeCommand('workbench.action.openGlobalKeybindingsFile');
    const editor = await waitForEditor('the user keybindings.json', (u) => u.path.endsWith('/User/keybindings.json'));
    const text = await typeAndAsk(editor, ' "const answer": ', 3000);
    assert.doesNotMatch(text, /computeAnswer/, 'a suggestion appeared in keybindings.json');
    assert.equal(await completions(), before, 'an inline call was made for keybindings.json');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  for (const rel of ['.vscode/settings.json', '.vscode/tasks.json', '.vscode/launch.json', 'app.code-workspace']) {
    it(`${rel} gets no ghost text and sends nothing`, async () => {
      const before = await completions();
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri(rel)));
      const text = await typeAndAsk(editor, ' "const answer": ', 3000);
      assert.doesNotMatch(text, /computeAnswer/, `a suggestion appeared in ${rel}`);
      assert.equal(await completions(), before, `an inline call was made for ${rel}`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  }

  it('a tone fix and a review of .vscode/settings.json are refused', async () => {
    const records = async () => (await api.context.readLedger(localDay(), localDay())).length;
    const before = await records();
    const editor = await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(uri('.vscode/settings.json')),
    );
    const doc = editor.document;
    const range = new vscode.Range(new vscode.Position(0, 0), doc.lineAt(doc.lineCount - 1).range.end);
    const original = doc.getText();
    await vscode.commands.executeCommand('tiered.fixTone', { uri: doc.uri, range, tone: 'formal' });
    assert.equal(doc.getText(), original);
    shown.length = 0;
    const report = await vscode.commands.executeCommand('tiered.reviewFile', uri('.vscode/settings.json'));
    assert.equal(report, undefined, 'a review of .vscode/settings.json was made');
    assert.ok(
      shown.some((m) => /exclu/i.test(m)),
      shown.join(' | '),
    );
    assert.equal(await records(), before, 'a call was recorded for .vscode/settings.json');
  });
});
