// The tone-fix command: checks the selection and the file, picks a tone, runs the fix through the
// call path with window progress (Escape cancels), and applies the result as one undoable edit if
// the document is still as it was when the fix started.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CostEstimate } from '../../core/calls';
import { TieredError } from '../../core/errors';
import { checkAnswer } from '../../core/tone/checks';
import { runToneFix, sizeProblem, toneCallSpec, type SendablePlan, type ToneFixOutcome } from '../../core/tone/toneFix';
import { availableTones, findTone, GRAMMAR_TONE_ID, type Tone } from '../../core/tone/tones';
import { maybeShadow } from '../beyond/shadow';
import type { FeatureContext } from '../featureContext';
import { money } from '../statusBar';
import type { FixToneArgs } from './codeActions';
import { pickTone } from './pickTone';
import { planSelection } from './selection';

export const CANCEL_TONE_COMMAND = 'tiered.cancelToneFix';
/** Context key that enables Escape → cancel while a fix runs. */
const RUNNING_KEY = 'tiered.toneFixRunning';
const RAISE_CAP = "Raise today's cap";
const OPEN_COST_PANEL = 'Open cost panel';
const TRY_AGAIN = 'Try Again';

interface Running {
  controller: AbortController;
  documentChanged: boolean;
}

export class ToneFixer implements vscode.Disposable {
  private running: Running | undefined;

  constructor(private readonly ctx: FeatureContext) {}

  /** Cancels the fix in flight, if any (Escape, or a new fix). */
  cancel(): void {
    this.running?.controller.abort();
  }

  dispose(): void {
    this.cancel();
  }

  async run(args: FixToneArgs = {}): Promise<void> {
    const editor = findEditor(args.uri);
    if (!editor) {
      void vscode.window.showInformationMessage('Tiered: open a file and select the text whose tone you want to fix.');
      return;
    }
    const document = editor.document;
    const range = args.range ? document.validateRange(args.range) : editor.selection;
    if (range.isEmpty) {
      void vscode.window.showInformationMessage('Tiered: select the text whose tone you want to fix first.');
      return;
    }
    if (this.ctx.isExcluded(document.uri)) {
      void vscode.window
        .showWarningMessage(
          `Tiered sends nothing from ${path.basename(document.uri.path)}: it matches a pattern in \`tiered.exclude\`.`,
          'Open Setting',
        )
        .then((pick) =>
          pick ? vscode.commands.executeCommand('workbench.action.openSettings', 'tiered.exclude') : undefined,
        );
      return;
    }
    const config = this.ctx.config();
    const { plan, range: target } = planSelection(document, range);
    if (plan.kind === 'none') {
      void vscode.window.showInformationMessage(`Tiered: ${plan.message}`);
      return;
    }
    const tooBig = sizeProblem(config, plan);
    if (tooBig) {
      void vscode.window.showWarningMessage(`Tiered: ${tooBig}`);
      return;
    }
    const version = document.version;
    const tone = await this.chooseTone(args.tone);
    if (!tone) return;
    await this.fix(editor, target, version, plan, tone);
  }

  private async chooseTone(id: string | undefined): Promise<Tone | undefined> {
    const toneConfig = this.ctx.config().tone;
    if (id === undefined) return pickTone(availableTones(toneConfig), this.ctx.extension.globalState);
    const tone = findTone(toneConfig, id);
    if (!tone) {
      const known = availableTones(toneConfig)
        .map((t) => t.id)
        .join(', ');
      void vscode.window.showErrorMessage(
        `Tiered: unknown tone "${id}" (known: ${known}; add your own in \`tiered.tone.custom\`).`,
      );
    }
    return tone;
  }

  private async fix(
    editor: vscode.TextEditor,
    range: vscode.Range,
    version: number,
    plan: SendablePlan,
    tone: Tone,
  ): Promise<void> {
    const document = editor.document;
    if (document.version !== version) {
      this.reportDocumentChanged(editor, range, tone);
      return;
    }
    this.cancel();
    const running: Running = { controller: new AbortController(), documentChanged: false };
    this.running = running;
    const watcher = vscode.workspace.onDidChangeTextDocument((e) => {
      // The answer could no longer be applied: stop paying for it.
      if (e.document === document && e.contentChanges.length > 0) {
        running.documentChanged = true;
        running.controller.abort();
      }
    });
    void vscode.commands.executeCommand('setContext', RUNNING_KEY, true);
    let outcome: ToneFixOutcome | undefined;
    let failure: unknown;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Tiered: ${tone.label} (Esc to cancel)` },
        () =>
          runToneFix(this.ctx.runner, {
            config: this.ctx.config(),
            plan,
            tone,
            signal: running.controller.signal,
            confirm: (estimate) => confirmCost(estimate),
          }),
      );
    } catch (err) {
      failure = err;
    } finally {
      watcher.dispose();
      if (this.running === running) {
        this.running = undefined;
        void vscode.commands.executeCommand('setContext', RUNNING_KEY, false);
      }
    }
    if (outcome?.kind === 'rewritten') this.shadow(plan, tone, outcome, document.getText(range));
    if (outcome) return this.apply(editor, range, version, tone, outcome);
    if (running.documentChanged && TieredError.is(failure, 'cancelled')) {
      this.reportDocumentChanged(editor, range, tone);
      return;
    }
    // Not awaited: the command ends now; a message waiting for a click must not keep it open.
    void this.reportFailure(failure).then((again) =>
      again ? this.run({ uri: document.uri, range, tone: tone.id }) : undefined,
    );
  }

  /** Opt-in shadow sampling: the same rewrite on pro in the background, to measure agreement. */
  private shadow(
    plan: SendablePlan,
    tone: Tone,
    outcome: ToneFixOutcome & { kind: 'rewritten' },
    original: string,
  ): void {
    const spec = toneCallSpec({ config: this.ctx.config(), plan, tone });
    void maybeShadow(
      this.ctx,
      'tone',
      {
        build: spec.build,
        extract: (text) => {
          const verdict = checkAnswer(plan, text, { mayBeUnchanged: tone.mayBeUnchanged });
          return verdict.ok ? (verdict.changed ? verdict.replacement : original) : undefined;
        },
      },
      { tier: outcome.result.tier, model: outcome.result.model.id, text: outcome.replacement },
    );
  }

  private async apply(
    editor: vscode.TextEditor,
    range: vscode.Range,
    version: number,
    tone: Tone,
    outcome: ToneFixOutcome,
  ): Promise<void> {
    const document = editor.document;
    const { result } = outcome;
    const via = result.escalatedFrom ? `${result.model.id}, escalated from ${result.escalatedFrom}` : result.model.id;
    this.ctx.logger.info(`tone: ${tone.id} → ${outcome.kind} (${via}, ${money(result.costUsd)})`);
    if (outcome.kind === 'rejected') {
      const escalation = this.ctx.config().escalation.enabled
        ? ''
        : ' Escalation to a stronger tier is off (`tiered.escalation.enabled`).';
      void vscode.window
        .showWarningMessage(`Tiered: tone fix not applied: ${outcome.message} (${via}).${escalation}`, TRY_AGAIN)
        .then((pick) => (pick ? this.run({ uri: document.uri, range, tone: tone.id }) : undefined));
      return;
    }
    if (outcome.kind === 'unchanged') {
      const what =
        tone.id === GRAMMAR_TONE_ID
          ? 'no grammar or spelling fixes needed'
          : `the ${tone.label} rewrite left the text as it was`;
      void vscode.window.showInformationMessage(`Tiered: ${what} (${via}).`);
      return;
    }
    if (document.isClosed || document.version !== version) {
      this.reportDocumentChanged(editor, range, tone);
      return;
    }
    const start = document.offsetAt(range.start);
    // One edit, one undo step. The editor may have been hidden meanwhile: then a workspace edit.
    const visible = findEditor(document.uri);
    const applied = visible
      ? await visible
          .edit((edit) => edit.replace(range, outcome.replacement), { undoStopBefore: true, undoStopAfter: true })
          .then(
            (ok) => ok,
            () => false,
          )
      : await applyWorkspaceEdit(document.uri, range, outcome.replacement);
    if (!applied) {
      void vscode.window.showWarningMessage('Tiered: the tone fix could not be applied; your text was kept.');
      return;
    }
    if (visible)
      visible.selection = new vscode.Selection(
        document.positionAt(start),
        document.positionAt(start + outcome.replacement.length),
      );
    vscode.window.setStatusBarMessage(`$(check) Tiered: ${tone.label} · ${via} · ${money(result.costUsd)}`, 5000);
  }

  private reportDocumentChanged(editor: vscode.TextEditor, range: vscode.Range, tone: Tone): void {
    void vscode.window
      .showWarningMessage('Tiered: the document changed while the tone fix ran, so your text was kept.', TRY_AGAIN)
      .then((pick) => (pick ? this.run({ uri: editor.document.uri, range, tone: tone.id }) : undefined));
  }

  /** Shows why the fix failed, with the action that fixes it; resolves true when it should run again. */
  private async reportFailure(err: unknown): Promise<boolean> {
    const { ctx } = this;
    if (!TieredError.is(err)) {
      ctx.logger.error(`tone: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const pick = await vscode.window.showErrorMessage(`Tiered: tone fix failed: ${String(err)}`, 'Show Log');
      if (pick) void vscode.commands.executeCommand('tiered.showLog');
      return false;
    }
    switch (err.reason) {
      case 'budget': {
        const pick = await vscode.window.showWarningMessage(`Tiered: ${err.message}`, RAISE_CAP, OPEN_COST_PANEL);
        if (pick === OPEN_COST_PANEL) ctx.openCostPanel();
        if (pick !== RAISE_CAP) return false;
        const amount = await askRaise();
        if (amount === undefined) return false;
        await ctx.raiseTodayCap(amount);
        return true;
      }
      case 'cancelled':
        vscode.window.setStatusBarMessage('Tiered: tone fix cancelled; your text was kept.', 4000);
        return false;
      case 'invalidResponse': {
        const escalation = ctx.config().escalation.enabled
          ? ''
          : ' Escalation to a stronger tier is off (`tiered.escalation.enabled`).';
        const pick = await vscode.window.showWarningMessage(
          `Tiered: tone fix not applied. ${err.message}${escalation}`,
          TRY_AGAIN,
        );
        return pick === TRY_AGAIN;
      }
      case 'config': {
        const pick = await vscode.window.showErrorMessage(`Tiered: ${err.message}`, 'Open Settings');
        if (pick) void vscode.commands.executeCommand('tiered.openSettings');
        return false;
      }
      case 'auth': {
        const pick = await vscode.window.showErrorMessage(`Tiered: ${err.message}`, 'Set API Key');
        if (pick) void vscode.commands.executeCommand('tiered.setApiKey');
        return false;
      }
      default: {
        const pick = await vscode.window.showErrorMessage(
          `Tiered: tone fix failed: ${err.message}`,
          TRY_AGAIN,
          'Show Log',
        );
        if (pick === 'Show Log') void vscode.commands.executeCommand('tiered.showLog');
        return pick === TRY_AGAIN;
      }
    }
  }
}

function findEditor(uri: vscode.Uri | string | undefined): vscode.TextEditor | undefined {
  if (uri === undefined) return vscode.window.activeTextEditor;
  const key = typeof uri === 'string' ? uri : uri.toString();
  const active = vscode.window.activeTextEditor;
  if (active?.document.uri.toString() === key) return active;
  return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
}

function applyWorkspaceEdit(uri: vscode.Uri, range: vscode.Range, text: string): Thenable<boolean> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, text);
  return vscode.workspace.applyEdit(edit);
}

async function confirmCost(estimate: CostEstimate): Promise<boolean> {
  const go = 'Continue';
  const pick = await vscode.window.showWarningMessage(
    `Tiered: this tone fix runs on ${estimate.model.id} (${estimate.model.tier} tier) and may cost up to ${money(estimate.worstCaseUsd)}.`,
    { modal: true, detail: `${money(estimate.remainingUsd)} of today's cap is left.` },
    go,
  );
  return pick === go;
}

async function askRaise(): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: "Tiered: raise today's cap",
    prompt: 'Add how many dollars to today’s cap (today only)? The tone fix runs again afterwards.',
    value: '1.00',
    validateInput: (v) => {
      const n = Number(v);
      return Number.isFinite(n) && n > 0 && n <= 1000 ? undefined : 'Enter an amount in USD between 0 and 1000.';
    },
  });
  return value === undefined ? undefined : Number(value);
}
