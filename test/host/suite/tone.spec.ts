// Runs inside the extension host against the local model server (test/host/tone.test.ts starts it
// and points `tiered.providers` at it). The server fixes "teh" → "the" in every <cN> tag; the lite
// model answers texts containing "stubborn" unchanged, so those escalate to pro.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localDay } from '../../../src/core/day';
import type { LedgerRecord } from '../../../src/core/types';

const EXTENSION_ID = 'tiered.tiered';

interface ToneApi {
  context: {
    readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]>;
    config(): { tiers: Record<string, string[]> };
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Code actions for a range. Other providers (the TypeScript server warming up) can cancel the
 * aggregate request; ask again then.
 */
async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        range,
        vscode.CodeActionKind.RefactorRewrite.value,
      );
    } catch (err) {
      if (attempt >= 5 || !(err instanceof Error) || !/Canceled/i.test(err.message)) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const folder = (): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open');
  return f.uri;
};

async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), rel));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Selects the whole document and returns the range. */
function selectAll(editor: vscode.TextEditor): vscode.Range {
  const doc = editor.document;
  const range = new vscode.Range(new vscode.Position(0, 0), doc.lineAt(doc.lineCount - 1).range.end);
  editor.selection = new vscode.Selection(range.start, range.end);
  return range;
}

async function toneRecords(api: ToneApi): Promise<LedgerRecord[]> {
  const day = localDay();
  return (await api.context.readLedger(day, day)).filter((r) => r.command === 'tone');
}

let api: ToneApi;

/** Routes the lite tier to `tone-slow` (the driver makes it answer after 10 s) while `fn` runs. */
async function withSlowLite(fn: () => Promise<void>): Promise<void> {
  const settings = vscode.workspace.getConfiguration('tiered');
  const tiers = settings.inspect('tiers')?.globalValue;
  const lite = (): string | undefined => api.context.config().tiers['lite']?.[0];
  await settings.update('tiers', { lite: ['tone-slow'], pro: ['tone-pro'] }, vscode.ConfigurationTarget.Global);
  try {
    await until(() => lite() === 'tone-slow');
    await fn();
  } finally {
    await settings.update('tiers', tiers, vscode.ConfigurationTarget.Global);
    await until(() => lite() === 'tone-lite');
  }
}

describe('Tone fixes in a real VS Code', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension<ToneApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    assert.ok(api, 'activate() returned no API');
  });

  it('registers the tone commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('tiered.fixTone'), 'tiered.fixTone is not registered (is activateTone wired?)');
    assert.ok(commands.includes('tiered.cancelToneFix'));
  });

  it('the lightbulb offers Fix tone… and Fix grammar on a selection with comments', async function () {
    this.timeout(60_000);
    const editor = await open('greet.ts');
    const range = selectAll(editor);
    const actions = await codeActions(editor.document.uri, range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Tiered: Fix tone…'), titles.join(', '));
    assert.ok(titles.includes('Tiered: Fix grammar'), titles.join(', '));
    // An empty selection offers nothing.
    const none = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      new vscode.Range(0, 0, 0, 0),
      vscode.CodeActionKind.RefactorRewrite.value,
    );
    assert.equal(none.filter((a) => a.title.startsWith('Tiered:')).length, 0);
  });

  it('the Fix grammar action rewrites only the comments, and one undo restores the text', async function () {
    this.timeout(60_000);
    const editor = await open('greet.ts');
    const original = editor.document.getText();
    const range = selectAll(editor);
    const actions = await codeActions(editor.document.uri, range);
    const grammar = actions.find((a) => a.title === 'Tiered: Fix grammar');
    assert.ok(grammar?.command, 'no Fix grammar action');
    await vscode.commands.executeCommand(grammar.command.command, ...(grammar.command.arguments ?? []));
    const fixed = editor.document.getText();
    const expected = original
      .replace('// teh greeting', '// the greeting')
      .replace('/* teh template */', '/* the template */');
    assert.notEqual(expected, original);
    assert.equal(fixed, expected, 'only the comments change');
    assert.ok(fixed.includes('const tehValue = "teh";'), 'code (even code containing "teh") is untouched');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one undo restores the original');
    const last = (await toneRecords(api)).at(-1);
    assert.deepEqual([last?.tier, last?.outcome], ['lite', 'ok']);
  });

  it('a lite answer that fails its check escalates to pro; the ledger records the escalation', async () => {
    const editor = await open('stubborn.md');
    const range = selectAll(editor);
    const before = (await toneRecords(api)).length;
    await vscode.commands.executeCommand('tiered.fixTone', { uri: editor.document.uri, range, tone: 'formal' });
    assert.equal(editor.document.getText(), 'The stubborn paragraph keeps teh typo for lite.\n'.replace('teh', 'the'));
    const records = (await toneRecords(api)).slice(before);
    assert.deepEqual(
      records.map((r) => [r.tier, r.outcome]),
      [
        ['lite', 'escalated'],
        ['pro', 'ok'],
      ],
    );
  });

  it('an excluded file sends nothing and keeps its text', async () => {
    const editor = await open('secrets/notes.md');
    const original = editor.document.getText();
    const range = selectAll(editor);
    const before = (await toneRecords(api)).length;
    const actions = await codeActions(editor.document.uri, range);
    assert.equal(actions.filter((a) => a.title.startsWith('Tiered:')).length, 0, 'no tone actions in an excluded file');
    await vscode.commands.executeCommand('tiered.fixTone', { uri: editor.document.uri, range, tone: 'formal' });
    assert.equal(editor.document.getText(), original);
    assert.equal((await toneRecords(api)).length, before, 'no call was made');
  });

  it('Fix Tone without a tone opens the pick; accepting its first item runs Concise', async function () {
    this.timeout(30_000);
    const editor = await open('pick.md');
    const range = selectAll(editor);
    const running = vscode.commands.executeCommand('tiered.fixTone', { uri: editor.document.uri, range });
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await running;
    assert.equal(editor.document.getText(), 'The pick works.\n');
  });

  it("a user's own tone from settings is sent with its instruction", async () => {
    const editor = await open('pirate.md');
    const range = selectAll(editor);
    await vscode.commands.executeCommand('tiered.fixTone', { uri: editor.document.uri, range, tone: 'custom:Pirate' });
    assert.equal(editor.document.getText(), 'Arr, the parrot talks.\n');
  });

  it('Escape (tiered.cancelToneFix) cancels a slow fix: the text stays, the ledger says cancelled', async function () {
    this.timeout(30_000);
    await withSlowLite(async () => {
      const editor = await open('slow.md');
      const original = editor.document.getText();
      const range = selectAll(editor);
      const running = vscode.commands.executeCommand('tiered.fixTone', {
        uri: editor.document.uri,
        range,
        tone: 'formal',
      });
      // Late in the suite, so the host is warm: the request is on the wire well before this.
      await new Promise((r) => setTimeout(r, 3000));
      await vscode.commands.executeCommand('tiered.cancelToneFix');
      await running;
      assert.equal(editor.document.getText(), original);
      const last = (await toneRecords(api)).at(-1);
      assert.deepEqual([last?.model, last?.outcome], ['tone-slow', 'cancelled']);
    });
  });

  it("an edit while the fix runs stops it and keeps the user's text", async function () {
    this.timeout(30_000);
    await withSlowLite(async () => {
      const editor = await open('edited.md');
      const original = editor.document.getText();
      const range = selectAll(editor);
      const running = vscode.commands.executeCommand('tiered.fixTone', {
        uri: editor.document.uri,
        range,
        tone: 'formal',
      });
      await new Promise((r) => setTimeout(r, 2000));
      const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
      assert.ok(await editor.edit((e) => e.insert(end, 'More words.\n')));
      await running;
      assert.equal(editor.document.getText(), `${original}More words.\n`);
      const last = (await toneRecords(api)).at(-1);
      assert.deepEqual([last?.model, last?.outcome], ['tone-slow', 'cancelled']);
    });
  });
});
