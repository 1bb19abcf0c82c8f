// Runs inside the extension host against the scripted model server (test/host/reviewComments.test.ts
// sets up the workspace: src/calc.ts on main, branch "feature" with src/feature.ts committed and an
// uncommitted change on top): comment threads, Apply, Dismiss, next / previous, branch review.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import { fileUri, waitFor } from './reviewSteps';
import type { ReviewReport } from '../../../src/core/review/report';
import type { ThreadView } from '../../../src/vscode/review/comments';

const EXTENSION_ID = 'tiered.tiered';
const SOURCE = 'Tiered review';

type Window = typeof vscode.window;
type Mutable = { -readonly [K in keyof Window]: Window[K] };

interface Recorded {
  kind: 'warning' | 'error' | 'info';
  message: string;
}

/** Records message boxes (answered with nothing) and answers the base quick pick with its first item. */
class Dialogs {
  readonly shown: Recorded[] = [];
  readonly picks: string[][] = [];
  private readonly saved: Partial<Mutable> = {};

  install(): void {
    const w = vscode.window as Mutable;
    const make =
      (kind: Recorded['kind']) =>
      (message: string): Thenable<undefined> => {
        this.shown.push({ kind, message });
        return Promise.resolve(undefined);
      };
    this.saved.showWarningMessage = w.showWarningMessage;
    this.saved.showErrorMessage = w.showErrorMessage;
    this.saved.showInformationMessage = w.showInformationMessage;
    this.saved.createQuickPick = w.createQuickPick;
    w.showWarningMessage = make('warning') as Window['showWarningMessage'];
    w.showErrorMessage = make('error') as Window['showErrorMessage'];
    w.showInformationMessage = make('info') as Window['showInformationMessage'];
    w.createQuickPick = (() => this.fakeQuickPick()) as Window['createQuickPick'];
  }

  restore(): void {
    Object.assign(vscode.window, this.saved);
    this.shown.length = 0;
    this.picks.length = 0;
  }

  private fakeQuickPick(): Partial<vscode.QuickPick<vscode.QuickPickItem>> {
    let accept: () => void = () => undefined;
    const pick: Partial<vscode.QuickPick<vscode.QuickPickItem>> & { items: readonly vscode.QuickPickItem[] } = {
      items: [],
      selectedItems: [],
      value: '',
      onDidAccept: (listener: () => void) => {
        accept = listener;
        return new vscode.Disposable(() => undefined);
      },
      onDidHide: () => new vscode.Disposable(() => undefined),
      show: () => {
        this.picks.push(pick.items.map((i) => i.label));
        (pick as { selectedItems: readonly vscode.QuickPickItem[] }).selectedItems = pick.items.slice(0, 1);
        setTimeout(accept, 0);
      },
      dispose: () => undefined,
    };
    return pick;
  }
}

const threads = async () => (await vscode.commands.executeCommand<ThreadView[]>('tiered.internal.reviewThreads')) ?? [];
const titled = (list: ThreadView[], title: string) => list.find((t) => t.body.includes(`**${title}**`));
const diagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
const firstLines = (uri: vscode.Uri) => diagnostics(uri).map((d) => d.message.split('\n')[0]);

async function open(rel: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri(rel)));
}

async function reviewFile(): Promise<ReviewReport> {
  const report = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile', { fresh: true });
  assert.ok(report, 'the review returned no report');
  return report;
}

/**
 * Quick fixes offered for a range. VS Code cancels the request whenever the set of code action
 * providers changes under it (the TypeScript extension registers its own while it starts), so ask
 * again after a cancellation.
 */
function quickFixTitles(uri: vscode.Uri, range: vscode.Range): Promise<string[]> {
  return waitFor(
    'code actions',
    async () => {
      try {
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          uri,
          range,
          vscode.CodeActionKind.QuickFix.value,
        );
        return actions.map((a) => a.title);
      } catch (err) {
        if (err instanceof Error && err.message === 'Canceled') return undefined;
        throw err;
      }
    },
    60_000,
  );
}

function git(...args: string[]): void {
  const cwd = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

describe('Review comments in a real VS Code', function () {
  this.timeout(150_000);
  const dialogs = new Dialogs();

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
  });

  beforeEach(() => dialogs.install());
  afterEach(() => dialogs.restore());

  it('threads: one per finding at its range, read-only; lower-confidence ones only when asked', async () => {
    const uri = fileUri('src/calc.ts');
    await open('src/calc.ts');
    await reviewFile();
    const list = await threads();
    assert.deepEqual(
      list.map((t) => [t.startLine, t.label, t.contextValue, t.canReply]),
      [
        [1, 'Error · bug · high confidence', 'tieredFinding', false],
        [6, 'Warning · bug · high confidence', 'tieredFinding.fixable', false],
        [9, 'Hint · bug · high confidence', 'tieredFinding.fixable', false],
      ],
    );
    assert.ok(list.every((t) => t.uri === uri.toString()));
    const offByOne = titled(list, 'off by one');
    assert.ok(offByOne, JSON.stringify(list));
    assert.match(offByOne.body, /Scripted by the test model server\./);
    assert.match(
      offByOne.body,
      /```diff\n- {2}for \(let i = 0; i <= xs\.length.*\n\+ {2}for \(let i = 0; i < xs\.length; i\+\+\) t \+= xs\[i\];\n```/,
    );
    assert.match(offByOne.body, /high confidence · bug · line 7/);

    // The Problems panel lists every finding: the hint as Information, the low-confidence one too.
    const diags = diagnostics(uri).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(
      diags.map((d) => [d.range.start.line, d.severity]),
      [
        [1, vscode.DiagnosticSeverity.Error],
        [6, vscode.DiagnosticSeverity.Warning],
        [9, vscode.DiagnosticSeverity.Information],
        [10, vscode.DiagnosticSeverity.Warning],
      ],
    );

    assert.equal(await vscode.commands.executeCommand('tiered.showLowerConfidenceFindings'), 1);
    const all = await threads();
    assert.equal(all.length, 4);
    assert.deepEqual(
      all.filter((t) => t.lower).map((t) => [t.startLine, t.label]),
      [[10, 'Warning · bug · low confidence']],
    );
  });

  it('Apply changes the code in one undoable edit; its thread goes, the others stay; undo brings it back', async () => {
    const editor = await open('src/calc.ts');
    const doc = editor.document;
    const original = doc.getText();
    await reviewFile();
    const before = await threads();
    assert.equal(before.length, 3, 'a new review hides the lower-confidence findings again');
    const thread = titled(before, 'off by one');
    assert.ok(thread);
    assert.equal(await vscode.commands.executeCommand('tiered.applyReviewFix', { id: thread.id }), true);
    assert.equal(doc.lineAt(6).text, '  for (let i = 0; i < xs.length; i++) t += xs[i];');
    const after = await waitFor('the fixed thread to go', async () => {
      const now = await threads();
      return titled(now, 'off by one') ? undefined : now;
    });
    assert.deepEqual(
      after.map((t) => t.startLine),
      [1, 9],
    );
    assert.ok(!firstLines(doc.uri).includes('off by one'), 'its diagnostic went too');

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'one undo restores the code as it was');
    // The undone fix's finding comes back with its lines: thread and diagnostic.
    const restored = await waitFor('the undone fix’s thread to come back', async () => {
      const now = await threads();
      return titled(now, 'off by one') ? now : undefined;
    });
    assert.deepEqual(
      restored.map((t) => t.startLine),
      [1, 6, 9],
    );
    assert.ok(firstLines(doc.uri).includes('off by one'), 'its diagnostic came back too');
    if (doc.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('Dismiss removes the finding; a fresh re-review of the same code does not raise it, changed code does', async () => {
    const editor = await open('src/calc.ts');
    const doc = editor.document;
    await reviewFile();
    const hint = titled(await threads(), 'name says little');
    assert.ok(hint);
    assert.equal(await vscode.commands.executeCommand('tiered.dismissReviewFinding', { id: hint.id }), true);
    assert.ok(!titled(await threads(), 'name says little'), 'the thread is gone');
    assert.ok(!firstLines(doc.uri).includes('name says little'), 'the diagnostic is gone');

    await reviewFile();
    assert.deepEqual(
      (await threads()).map((t) => t.startLine),
      [1, 6],
      'not raised again for unchanged code',
    );
    assert.ok(!firstLines(doc.uri).includes('name says little'));
    assert.ok(firstLines(doc.uri).includes('no zero check'));

    // The same finding about different code is a new finding.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, doc.lineAt(9).range, doc.lineAt(9).text.replace("'calc'", "'calculator'"));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await reviewFile();
    assert.ok(titled(await threads(), 'name says little'), 'changed code raises it again');
    // A hint is listed in the Problems panel as Information and keeps its quick fix.
    const hint2 = diagnostics(doc.uri).find((d) => d.message.startsWith('name says little'));
    assert.ok(hint2, 'the hint is in the Problems panel');
    assert.equal(hint2.severity, vscode.DiagnosticSeverity.Information);
    assert.ok((await quickFixTitles(doc.uri, hint2.range)).includes('Apply review fix: name says little'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('next / previous finding reveal each thread in turn, wrapping around', async () => {
    const editor = await open('src/calc.ts');
    await reviewFile();
    const lines = (await threads()).map((t) => t.startLine);
    assert.deepEqual(lines, [1, 6], 'the dismissed hint stays away');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const at = () => vscode.window.activeTextEditor?.selection.active.line;
    assert.equal(await vscode.commands.executeCommand('tiered.nextReviewFinding'), true);
    assert.equal(at(), 1);
    await vscode.commands.executeCommand('tiered.nextReviewFinding');
    assert.equal(at(), 6);
    await vscode.commands.executeCommand('tiered.nextReviewFinding');
    assert.equal(at(), 1, 'wraps to the first');
    await vscode.commands.executeCommand('tiered.previousReviewFinding');
    assert.equal(at(), 6, 'wraps to the last');
    assert.ok((await threads()).every((t) => t.expanded));

    await vscode.commands.executeCommand('tiered.clearReviewFindings');
    assert.deepEqual(await threads(), []);
    assert.deepEqual(diagnostics(fileUri('src/calc.ts')), []);
  });

  it('a dismissal outlives the window (workspace state)', async () => {
    await open('src/calc.ts');
    await reviewFile();
    const list = await threads();
    assert.ok(titled(list, 'no zero check'));
    assert.ok(!titled(list, 'name says little'), JSON.stringify(list));
    assert.ok(!firstLines(fileUri('src/calc.ts')).includes('name says little'));
  });

  it('branch review: default base origin/main, only the branch’s committed diff, findings on their working-tree lines, stale fixes refused', async () => {
    // An unsaved edit on top of the uncommitted ones (git sees neither the buffer nor this line):
    // one line added at the top moves every finding down one more line in the editor.
    const uri = fileUri('src/feature.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// unsaved: not on disk\n')));
    assert.ok(doc.isDirty, 'the edit is not saved');
    const report = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewBranch', {
      fresh: true,
    });
    assert.ok(report, JSON.stringify(dialogs.shown));
    assert.equal(dialogs.picks.length, 1, 'the base was asked');
    assert.equal(dialogs.picks[0]![0], 'origin/main', 'the default base comes first');
    assert.ok(dialogs.picks[0]!.includes('main'));
    assert.ok(!dialogs.picks[0]!.includes('feature'), 'not the current branch');
    assert.equal(report.kind, 'branch');
    assert.match(report.title, /^feature vs origin\/main \(1 changed file\)$/);
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['src/feature.ts'],
    );
    // The report keeps the committed line numbers the model saw.
    assert.deepEqual(
      report.findings.map((f) => [f.startLine, f.title]),
      [
        [2, 'no radix'],
        [5, 'negative retries'],
      ],
    );
    // One unsaved and two uncommitted lines at the top: committed line 2 is line 5 of the unsaved
    // document (0-based 4). Line 5 was edited (-1 → -2): its finding sits at its place in the
    // document (0-based 7) and says so.
    const list = await threads();
    assert.deepEqual(
      list.map((t) => [t.startLine, t.body.split('\n')[0], t.contextValue]),
      [
        [4, '**no radix**', 'tieredFinding.fixable'],
        [7, '**negative retries**', 'tieredFinding'],
      ],
    );
    assert.ok(doc.isDirty);
    assert.match(doc.lineAt(4).text, /return parseInt\(s\); \/\/ BUG: no radix/);
    const stale = titled(list, 'negative retries')!;
    assert.match(stale.body, /the code here changed since it was committed; review again for current findings/i);
    assert.doesNotMatch(titled(list, 'no radix')!.body, /changed since it was committed/);
    // The Problems panel has them on the same lines, the changed one saying so.
    const diags = diagnostics(uri).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(
      diags.map((d) => [d.range.start.line, d.message.split('\n')[0]]),
      [
        [4, 'no radix'],
        [7, 'negative retries'],
      ],
    );
    assert.match(diags[1]!.message, /changed since it was committed/);

    // Line 8 reads "retries = -2" in the document, not what was reviewed: its fix is refused.
    assert.equal(await vscode.commands.executeCommand('tiered.applyReviewFix', { id: stale.id }), false);
    assert.match(dialogs.shown.map((d) => d.message).join('\n'), /line 8 is not what was reviewed any more/);
    assert.match(doc.lineAt(7).text, /retries = -2/);
    const fresh = titled(list, 'no radix')!;
    assert.equal(await vscode.commands.executeCommand('tiered.applyReviewFix', { id: fresh.id }), true);
    assert.equal(doc.lineAt(4).text, '  return parseInt(s, 10);');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('branch review errors: unknown base, empty diff, detached HEAD', async () => {
    const run = (base: string) => vscode.commands.executeCommand('tiered.reviewBranch', { base, fresh: true });
    assert.equal(await run('nope'), undefined);
    assert.equal(await run('HEAD'), undefined);
    git('checkout', '-q', '--detach');
    try {
      assert.equal(await run('main'), undefined);
    } finally {
      git('checkout', '-q', 'feature');
    }
    const messages = dialogs.shown.map((d) => `${d.kind}: ${d.message}`);
    assert.match(messages[0]!, /^warning: There is no branch or commit named "nope"/);
    assert.match(
      messages[1]!,
      /^warning: No committed changes on feature since it left HEAD \(merge-base [0-9a-f]{7}\)\.$/,
    );
    assert.match(messages[2]!, /^warning: HEAD is detached \(at [0-9a-f]+\): check out a branch/);
  });
});
