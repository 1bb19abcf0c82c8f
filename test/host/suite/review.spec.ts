// Runs inside the extension host, against the local model server (test/host/review.test.ts starts
// it and scripts its answers): deep review commands, diagnostics, quick fix, cache, confirmation,
// refusal and cancellation. Dialogs and the progress notification are replaced by recorders so a
// test can answer them; everything else is the real extension in a real VS Code.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fileUri, waitFor } from './reviewSteps';
import { localDay } from '../../../src/core/day';
import type { ReviewReport } from '../../../src/core/review/report';
import type { LedgerRecord } from '../../../src/core/types';
import { shownReport } from './reviewReport';

const EXTENSION_ID = 'tiered.tiered';
const SOURCE = 'Tiered review';

interface ApiView {
  context: {
    config(): { budget: { confirmAboveUsd: number; dailyCapUsd: number }; tiers: Record<string, string[]> };
    readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]>;
  };
}

type Window = typeof vscode.window;
type Mutable = { -readonly [K in keyof Window]: Window[K] };

interface Recorded {
  kind: 'warning' | 'error' | 'info';
  message: string;
  modal: boolean;
  detail?: string;
  items: string[];
}

/** Replaces message boxes (answered by `answer`) and, when asked, the progress notification. */
class Dialogs {
  readonly shown: Recorded[] = [];
  answer: (r: Recorded) => string | undefined = () => undefined;
  cancelSource: vscode.CancellationTokenSource | undefined;
  readonly progress: string[] = [];
  private readonly saved: Partial<Mutable> = {};

  install(withProgress = false): void {
    const w = vscode.window as Mutable;
    const make =
      (kind: Recorded['kind']) =>
      (message: string, ...rest: unknown[]): Thenable<string | undefined> => {
        const first = rest[0];
        const options =
          first && typeof first === 'object' && !Array.isArray(first) ? (first as vscode.MessageOptions) : undefined;
        const items = rest.filter((r): r is string => typeof r === 'string');
        const rec: Recorded = { kind, message, modal: options?.modal === true, detail: options?.detail, items };
        this.shown.push(rec);
        return Promise.resolve(this.answer(rec));
      };
    this.saved.showWarningMessage = w.showWarningMessage;
    this.saved.showErrorMessage = w.showErrorMessage;
    this.saved.showInformationMessage = w.showInformationMessage;
    w.showWarningMessage = make('warning') as Window['showWarningMessage'];
    w.showErrorMessage = make('error') as Window['showErrorMessage'];
    w.showInformationMessage = make('info') as Window['showInformationMessage'];
    if (withProgress) {
      this.saved.withProgress = w.withProgress;
      w.withProgress = ((_options: vscode.ProgressOptions, task: Parameters<Window['withProgress']>[1]) => {
        this.cancelSource = new vscode.CancellationTokenSource();
        return task({ report: (p) => void (p.message && this.progress.push(p.message)) }, this.cancelSource.token);
      }) as Window['withProgress'];
    }
  }

  restore(): void {
    Object.assign(vscode.window, this.saved);
  }
}

function reviewDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

describe('Deep review in a real VS Code', function () {
  this.timeout(60_000);
  let api: ApiView;
  const dialogs = new Dialogs();

  async function setBudget(budget: Record<string, number>): Promise<void> {
    const section = vscode.workspace.getConfiguration('tiered');
    const current = (section.inspect<Record<string, unknown>>('budget')?.globalValue ?? {}) as Record<string, unknown>;
    await section.update('budget', { ...current, ...budget }, vscode.ConfigurationTarget.Global);
    await waitFor('settings reload', () =>
      Object.entries(budget).every(([k, v]) => (api.context.config().budget as Record<string, number>)[k] === v),
    );
  }

  async function setProTier(models: string[]): Promise<void> {
    const section = vscode.workspace.getConfiguration('tiered');
    const current = (section.inspect<Record<string, string[]>>('tiers')?.globalValue ?? {}) as Record<string, string[]>;
    await section.update('tiers', { ...current, pro: models }, vscode.ConfigurationTarget.Global);
    await waitFor('tiers reload', () => JSON.stringify(api.context.config().tiers.pro) === JSON.stringify(models));
  }

  const ledger = () => api.context.readLedger(localDay(), localDay());
  const reviewRecords = async () => (await ledger()).filter((r) => r.command === 'review');

  before(async () => {
    const ext = vscode.extensions.getExtension<ApiView>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    assert.ok(api?.context, 'Tiered did not activate');
  });

  beforeEach(async () => {
    dialogs.shown.length = 0;
    dialogs.answer = () => undefined;
    await setBudget({ confirmAboveUsd: 100, dailyCapUsd: 50 });
    await setProTier(['local-pro']);
  });

  afterEach(() => dialogs.restore());

  it('reviews a file: scripted findings become diagnostics, a report opens beside, a re-run is cached', async () => {
    dialogs.install();
    const uri = fileUri('src/calc.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = (await reviewRecords()).length;

    const report = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile', { fresh: true });
    assert.ok(report, `no report; dialogs: ${JSON.stringify(dialogs.shown)}`);
    const diags = reviewDiagnostics(uri).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(
      diags.map((d) => [d.range.start.line + 1, d.severity, d.message.split('\n')[0]]),
      [
        [2, vscode.DiagnosticSeverity.Error, 'no zero check'],
        [7, vscode.DiagnosticSeverity.Warning, 'off by one'],
        [11, vscode.DiagnosticSeverity.Warning, 'divides by zero'],
      ],
    );
    assert.equal(diags[0]!.code, 'bug');
    // The rendered report (a webview) is shown beside the editor; its content, as text:
    const reportText = await shownReport(report);
    assert.match(reportText, /\*\*Model\*\* local-pro/);
    assert.match(reportText, /### src\/calc\.ts/);
    // A finding's link in the report runs this command: it opens the reviewed file at the range,
    // and nothing else (a file the report does not hold is refused).
    await vscode.commands.executeCommand('tiered.openReviewFinding', { uri: uri.toString(), startLine: 7, endLine: 7 });
    const opened = vscode.window.activeTextEditor;
    assert.equal(opened?.document.uri.toString(), uri.toString());
    assert.deepEqual([opened.selection.start.line, opened.selection.end.line], [6, 6]);
    await vscode.commands.executeCommand('tiered.openReviewFinding', {
      uri: fileUri('.env').toString(),
      startLine: 1,
      endLine: 1,
    });
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString(), '.env was opened');
    const records = (await reviewRecords()).slice(before);
    assert.deepEqual(
      records.map((r) => [r.model, r.outcome]),
      [['local-pro', 'ok']],
    );
    assert.ok(records[0]!.costUsd > 0, 'a priced model call is not free');

    const again = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile');
    assert.ok(again?.fromCache, 'unchanged content should come from the cache');
    assert.equal((await reviewRecords()).length, before + 1, 'a cached re-run makes no call');
    assert.ok(dialogs.shown.some((d) => d.items.includes('Run Fresh Review')));

    // The report as Markdown, for a pull request: copied to the clipboard (in-memory under the
    // test runner), then opened beside as a document with the same text.
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('tiered.copyReviewMarkdown');
    const copied = await vscode.env.clipboard.readText();
    for (const title of ['no zero check', 'off by one', 'divides by zero']) assert.ok(copied.includes(title), copied);
    assert.match(copied, /^# Tiered review: src\/calc\.ts$/m);
    assert.match(copied, /\*\*Tokens\*\* \d+ in \/ \d+ out.* · \*\*Cost\*\* \$[\d.]+ · /);
    await vscode.commands.executeCommand('tiered.openReviewMarkdown');
    const md = vscode.window.activeTextEditor?.document;
    assert.equal(md?.uri.scheme, 'tiered-review', `active: ${md?.uri.toString()}`);
    assert.equal(md.languageId, 'markdown');
    assert.equal(md.getText(), copied);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('the quick fix applies the finding’s replacement', async () => {
    dialogs.install();
    const uri = fileUri('src/calc.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    if (reviewDiagnostics(uri).length === 0) await vscode.commands.executeCommand('tiered.reviewFile');
    const diag = reviewDiagnostics(uri).find((d) => d.message.startsWith('off by one'));
    assert.ok(diag, 'the off-by-one finding is missing');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diag.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title.startsWith('Apply review fix'));
    assert.ok(fix?.edit, `no review quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(6).text, '  for (let i = 0; i < xs.length; i++) t += xs[i];');
    await waitFor(
      'the fixed finding to go',
      () => !reviewDiagnostics(uri).some((d) => d.message.startsWith('off by one')),
    );
    assert.ok(
      reviewDiagnostics(uri).some((d) => d.message.startsWith('no zero check')),
      'other findings stay',
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');

    await vscode.commands.executeCommand('tiered.clearReviewFindings');
    assert.equal(reviewDiagnostics(uri).length, 0);
  });

  it('asks before a review above the confirmation threshold; declining sends nothing', async () => {
    dialogs.install();
    await setBudget({ confirmAboveUsd: 0.01 });
    const uri = fileUri('src/calc.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = (await reviewRecords()).length;

    dialogs.answer = () => undefined; // the modal's Cancel
    const declined = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile', {
      fresh: true,
    });
    assert.equal(declined, undefined);
    const modal = dialogs.shown.find((d) => d.modal);
    assert.ok(modal, `no confirmation; shown: ${JSON.stringify(dialogs.shown)}`);
    assert.match(modal.message, /about \$[\d.]+, at most \$[\d.]+/);
    assert.match(modal.detail ?? '', /Left of today's cap: \$[\d.]+ of \$50/);
    assert.deepEqual(modal.items, ['Run Review']);
    assert.equal((await reviewRecords()).length, before, 'declined: no call, no ledger record');

    dialogs.answer = (r) => (r.modal ? 'Run Review' : undefined);
    const accepted = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile', {
      fresh: true,
    });
    assert.ok(accepted && !accepted.fromCache);
    assert.equal((await reviewRecords()).length, before + 1);
  });

  it('a refused review sends nothing and offers to raise the cap or open the cost panel', async () => {
    dialogs.install();
    await setBudget({ dailyCapUsd: 0.001 });
    const uri = fileUri('src/other.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = (await ledger()).length;
    const result = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile', { fresh: true });
    assert.equal(result, undefined);
    const refusal = dialogs.shown.find((d) => d.kind === 'error');
    assert.ok(refusal, `no refusal shown: ${JSON.stringify(dialogs.shown)}`);
    assert.match(refusal.message, /worst case .* more than what is left of today's cap/);
    assert.deepEqual(refusal.items, ["Raise Today's Cap", 'Open Cost Panel']);
    assert.equal((await ledger()).length, before, 'nothing reached the call path');
    assert.equal(reviewDiagnostics(uri).length, 0);
  });

  it('reviews uncommitted changes, leaving excluded files out', async () => {
    dialogs.install();
    const report = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewChanges', {
      fresh: true,
    });
    assert.ok(report, `no report; dialogs: ${JSON.stringify(dialogs.shown)}`);
    assert.equal(report.kind, 'changes');
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['src/calc.ts', 'src/new.ts'],
    );
    assert.deepEqual(report.excluded, ['.env']);
    const calc = reviewDiagnostics(fileUri('src/calc.ts')).map((d) => d.range.start.line + 1);
    assert.deepEqual(calc, [11], 'only the changed line of calc.ts is flagged');
    const added = reviewDiagnostics(fileUri('src/new.ts')).map((d) => d.range.start.line + 1);
    assert.deepEqual(added, [2]);
    assert.match(await shownReport(report), /Not sent.*`\.env`/);
  });

  it('cancel mid-review closes the stream; the ledger shows cancelled with a cost', async () => {
    dialogs.install(true);
    await setProTier(['local-pro-slow']);
    const uri = fileUri('src/other.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = (await reviewRecords()).length;
    const running = vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile', { fresh: true });
    const source = await waitFor('the progress notification', () => dialogs.cancelSource);
    // The slow model streams for ~20 s; cancel once some of its answer has arrived.
    await waitFor('streamed text', () => dialogs.progress.some((m) => /tokens received/.test(m)));
    source.cancel();
    assert.equal(await running, undefined);
    const records = (await reviewRecords()).slice(before);
    assert.deepEqual(
      records.map((r) => [r.model, r.outcome]),
      [['local-pro-slow', 'cancelled']],
    );
    assert.ok(records[0]!.costUsd > 0, `cancelled call billed nothing: ${JSON.stringify(records[0])}`);
    assert.ok(records[0]!.outputTokens > 0, `what streamed before the cancel is billed: ${JSON.stringify(records[0])}`);
    assert.ok(dialogs.shown.some((d) => /cancelled/i.test(d.message)));
  });

  it('a failed review says what happened and what it cost; Show Last Report shows the attempt', async () => {
    dialogs.install();
    await setProTier(['local-pro-bad']); // answers prose, never review JSON
    const uri = fileUri('src/other.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = (await reviewRecords()).length;
    const report = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewFile', { fresh: true });
    assert.equal(report, undefined);
    const records = (await reviewRecords()).slice(before);
    assert.deepEqual(
      records.map((r) => [r.model, r.outcome]),
      [
        ['local-pro-bad', 'ok'], // its answer was sent back for the one repair
        ['local-pro-bad', 'error'],
      ],
    );
    const error = dialogs.shown.find((d) => d.kind === 'error');
    assert.ok(error, `no error message; shown: ${JSON.stringify(dialogs.shown)}`);
    assert.match(
      error.message,
      /^Deep review of src\/other\.ts failed: the model's answer was not valid review JSON, even after one repair\. It cost \$[\d.]+ over 2 calls\.$/,
    );
    assert.doesNotMatch(error.message, /Unexpected token|position \d|schema \(/, 'no raw parse error');
    assert.deepEqual(error.items, ['Retry', 'Show Log', 'Show Report']);

    await vscode.commands.executeCommand('tiered.showReviewReport');
    const text = await shownReport({
      title: 'src/other.ts',
      kind: 'file',
      error: { reason: 'invalidResponse', what: '', message: '' },
    });
    assert.match(text, /This review failed\*\*: the model's answer was not valid review JSON/);
    assert.match(text, /\| repair \(failed\) \|/);
  });
});
