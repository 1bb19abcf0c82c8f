// Runs inside the extension host for test/host/demo.test.ts: Tiered's DEFAULT configuration against
// the local model server in demo mode (as `npm start -- --offline` runs it). A tone fix on a code
// comment and Deep Review: File must succeed with no error or warning shown, and the review's
// quick fix must apply.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewReport } from '../../../src/core/review/report';

const EXTENSION_ID = 'tiered.tiered';
const REVIEW_SOURCE = 'Tiered review';

type Window = typeof vscode.window;
type Mutable = { -readonly [K in keyof Window]: Window[K] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const uri = (rel: string): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open');
  return vscode.Uri.joinPath(f.uri, rel);
};

/** Code actions for a range; the TypeScript server warming up can cancel the request, so ask again. */
async function codeActions(target: vscode.Uri, range: vscode.Range, kind: vscode.CodeActionKind) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        target,
        range,
        kind.value,
      );
    } catch (err) {
      if (attempt >= 5 || !(err instanceof Error) || !/Canceled/i.test(err.message)) throw err;
      await sleep(500);
    }
  }
}

describe('The offline demo in a real VS Code', function () {
  this.timeout(60_000);
  const w = vscode.window as Mutable;
  const saved = {
    showInformationMessage: w.showInformationMessage,
    showWarningMessage: w.showWarningMessage,
    showErrorMessage: w.showErrorMessage,
  };
  const shown: { kind: string; message: string; modal: boolean }[] = [];
  const problems = () => shown.filter((s) => s.kind !== 'info' && !s.modal);

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    // Message boxes are recorded (an error or warning fails the test); a modal (a cost
    // confirmation) is answered with its first button, as a user who wants the review does.
    const record =
      (kind: string) =>
      (message: string, ...rest: unknown[]): Thenable<string | undefined> => {
        const options = rest[0] && typeof rest[0] === 'object' ? (rest[0] as vscode.MessageOptions) : undefined;
        const items = rest.filter((r): r is string => typeof r === 'string');
        shown.push({ kind, message, modal: options?.modal === true });
        return Promise.resolve(options?.modal ? items[0] : undefined);
      };
    w.showInformationMessage = record('info') as Window['showInformationMessage'];
    w.showWarningMessage = record('warning') as Window['showWarningMessage'];
    w.showErrorMessage = record('error') as Window['showErrorMessage'];
  });

  after(() => Object.assign(vscode.window, saved));

  it('Fix grammar on a code comment rewrites the comment and leaves the code', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri('src/cart.ts')));
    const doc = editor.document;
    const original = doc.getText();
    const range = doc.lineAt(1).range;
    editor.selection = new vscode.Selection(range.start, range.end);
    const actions = await codeActions(doc.uri, range, vscode.CodeActionKind.RefactorRewrite);
    const grammar = actions.find((a) => a.title === 'Tiered: Fix grammar');
    assert.ok(grammar?.command, `no Fix grammar action among: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(grammar.command.command, ...(grammar.command.arguments ?? []));
    assert.equal(
      doc.getText(),
      original.replace(
        '// teh cart is loaded from the server and cached here\n',
        '// The cart is loaded from the server and cached here.\n',
      ),
      `the comment was not rewritten; shown: ${JSON.stringify(shown)}`,
    );
    assert.deepEqual(problems(), []);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('Deep Review: File puts findings into the Problems panel, and a quick fix applies', async () => {
    const target = uri('src/cart.ts');
    const doc = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(doc);
    const report = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile');
    assert.ok(report, `no report; shown: ${JSON.stringify(shown)}`);
    const diags = vscode.languages
      .getDiagnostics(target)
      .filter((d) => d.source === REVIEW_SOURCE)
      .sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(
      diags.map((d) => [d.range.start.line + 1, d.message.split('\n')[0]]),
      [
        [3, '`any` turns off type checking'],
        [5, 'Promise used without await'],
        [6, 'Loose equality (`==`) instead of `===`'],
      ],
    );
    const loose = diags[2]!;
    const actions = await codeActions(target, loose.range, vscode.CodeActionKind.QuickFix);
    const fix = actions.find((a) => a.title.startsWith('Apply review fix'));
    assert.ok(fix?.edit, `no review quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(5).text, '  if (id.length === 0) return [];');
    assert.deepEqual(problems(), [], 'no error or warning was shown');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
