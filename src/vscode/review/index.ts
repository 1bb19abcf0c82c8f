// Deep review: four commands (selection, file, uncommitted changes, branch changes), findings as
// comment threads in the editor (apply / dismiss / next / previous) and in the Problems panel with
// quick fixes, a report beside the editor, and a command to clear the findings.
import * as vscode from 'vscode';
import { ResultCache } from '../../core/review/cache';
import { runReview, type LiteReview, type Preflight, type ReviewDeps } from '../../core/review/engine';
import { ReviewFailedError } from '../../core/review/failure';
import type { ReviewInput } from '../../core/review/input';
import { formatUsd } from '../../core/money/format';
import type { ReviewReport } from '../../core/review/report';
import { systemClock } from '../../core/types';
import { maybeShadow } from '../beyond/shadow';
import type { FeatureContext } from '../featureContext';
import { branchInput } from './branch';
import { FileCacheStore } from './cacheStore';
import { ReviewComments, SHOW_LOWER_COMMAND } from './comments';
import { ReviewDiagnostics } from './diagnostics';
import { Dismissals, FindingActions } from './findingActions';
import { NothingToReview, changesInput, fileInput, selectionInput } from './gather';
import { ReviewQuickFixes } from './quickFix';
import { NO_REPORT, REPORT_SCHEME, ReportView } from './reportView';
import { askConfirm, reportFailure } from './ui';
import { workingTreePlacement } from './workingTree';

export const REVIEW_COMMANDS = {
  selection: 'tiered.reviewSelection',
  file: 'tiered.reviewFile',
  changes: 'tiered.reviewChanges',
  branch: 'tiered.reviewBranch',
  applyFix: 'tiered.applyReviewFix',
  dismiss: 'tiered.dismissReviewFinding',
  next: 'tiered.nextReviewFinding',
  previous: 'tiered.previousReviewFinding',
  showLower: SHOW_LOWER_COMMAND,
  /** Not contributed: the in-host tests read the comment threads through it. */
  threadsForTests: 'tiered.internal.reviewThreads',
  clear: 'tiered.clearReviewFindings',
  showReport: 'tiered.showReviewReport',
} as const;

type Target = 'selection' | 'file' | 'changes' | 'branch';

/** Options a command accepts as its argument (keybindings, tests): `{ "fresh": true }`; the branch review also `{ "base": "main" }`. */
interface RunOptions {
  fresh?: boolean;
}

function runOptions(arg: unknown): RunOptions {
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && 'fresh' in arg) {
    return { fresh: (arg as { fresh: unknown }).fresh === true };
  }
  return {};
}

export function activateReview(ctx: FeatureContext): void {
  const subs = ctx.extension.subscriptions;
  const diagnostics = new ReviewDiagnostics();
  const comments = new ReviewComments(diagnostics);
  const dismissals = new Dismissals(ctx.extension.storageUri, ctx.extension.workspaceState);
  const actions = new FindingActions(diagnostics, comments, dismissals);
  const reports = new ReportView(() => ctx.config().review.minConfidence);
  const cache = new ResultCache<ReviewReport>(
    new FileCacheStore(vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'review-cache')),
    systemClock,
  );
  const deps: ReviewDeps = {
    runner: ctx.runner,
    config: () => ctx.config(),
    logger: ctx.logger,
    clock: systemClock,
    cache,
    countTokens: (body) => ctx.countTokens('review', body),
  };

  /** Undefined: the user cancelled a question (the branch review's base). */
  const gather = async (
    target: Target,
    arg: unknown,
    onBase: (base: string) => void,
  ): Promise<ReviewInput | undefined> => {
    const isExcluded = (uri: vscode.Uri) => ctx.isExcluded(uri);
    const editor = vscode.window.activeTextEditor;
    if (target === 'branch') return branchInput(arg, isExcluded, editor?.document.uri, onBase);
    if (target === 'changes') return changesInput(arg, isExcluded, editor?.document.uri);
    if (target === 'selection') {
      if (!editor) throw new NothingToReview('Open a file and select the code to review.');
      return selectionInput(editor, isExcluded);
    }
    // From the explorer or an editor title/context menu the file comes as a Uri.
    if (arg instanceof vscode.Uri) return fileInput(await vscode.workspace.openTextDocument(arg), isExcluded);
    if (!editor) throw new NothingToReview('Open the file to review first.');
    return fileInput(editor.document, isExcluded);
  };

  const run = async (target: Target, arg: unknown, options: RunOptions): Promise<ReviewReport | undefined> => {
    let gathered: ReviewInput | undefined;
    // A re-run (Retry, Run Fresh Review) compares with the same base without asking again.
    let again = arg;
    try {
      gathered = await gather(target, arg, (base) => {
        again = { ...(arg && typeof arg === 'object' ? arg : {}), base };
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof NothingToReview) void vscode.window.showWarningMessage(message);
      else void vscode.window.showErrorMessage(`Deep review: ${message}`);
      return undefined;
    }
    if (!gathered) return undefined;
    const input = gathered;
    if (input.excluded.length) ctx.logger.info(`review: not sent (tiered.exclude): ${input.excluded.join(', ')}`);

    let preflight: Preflight | undefined;
    let lite: LiteReview | undefined;
    const busy = ctx.statusBar.busy('Deep review');
    let report: ReviewReport;
    try {
      report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Deep review: ${input.title}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const onCancel = token.onCancellationRequested(() => abort.abort());
          try {
            return await runReview(deps, input, {
              fresh: options.fresh,
              signal: abort.signal,
              confirm: (p) => askConfirm(p, input.title),
              onPreflight: (p) => (preflight = p),
              onLiteReview: (l) => (lite = l),
              onProgress: (message) => progress.report({ message }),
            });
          } finally {
            onCancel.dispose();
          }
        },
      );
    } catch (err) {
      busy.dispose();
      // The failed attempt is the last report: "Show Last Report" shows it with its error and cost.
      if (err instanceof ReviewFailedError) reports.remember(err.attempt);
      if (await reportFailure(ctx, err, preflight, (attempt) => reports.open(attempt)))
        return run(target, again, options);
      return undefined;
    }
    busy.dispose();

    comments.hideLower();
    await dismissals.refresh();
    // Branch findings carry committed line numbers: moved past any uncommitted edits on top.
    const place = input.kind === 'branch' ? await workingTreePlacement(input, ctx.logger) : undefined;
    const shown = await diagnostics.show(report, {
      input,
      ...(place ? { place } : {}),
      minConfidence: ctx.config().review.minConfidence,
      isDismissed: (f, lines) => dismissals.isDismissed(f, lines),
    });
    await reports.open(report);
    if (report.fromCache) {
      void vscode.window
        .showInformationMessage(
          `Deep review of ${input.title}: unchanged since ${new Date(report.fromCache.storedAt).toLocaleString()}, showing the cached result (no cost).`,
          'Run Fresh Review',
        )
        .then((pick) => (pick ? run(target, again, { fresh: true }) : undefined));
    } else {
      const unknown = report.findings.length - shown.shown - shown.dismissed;
      const notes = [
        shown.dismissed ? `${shown.dismissed} dismissed earlier` : '',
        shown.lower ? `${shown.lower} lower-confidence hidden` : '',
        unknown ? `${unknown} in files not reviewed` : '',
      ].filter(Boolean);
      vscode.window.setStatusBarMessage(
        `$(checklist) Deep review: ${report.findings.length} finding(s)${notes.length ? ` (${notes.join(', ')})` : ''}, ${formatUsd(report.totals.costUsd)}`,
        8000,
      );
    }
    if (lite) {
      // In the background, after the result is shown: a sampled lite review is re-run on the tier
      // above under the `shadow` command (its own daily cap) to measure agreement. Never throws.
      const { build, tier, model, findings } = lite;
      void maybeShadow(ctx, 'review', { build }, { tier, model, findings });
    }
    return report;
  };

  subs.push(
    diagnostics,
    comments,
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.languages.registerCodeActionsProvider('*', new ReviewQuickFixes(diagnostics), {
      providedCodeActionKinds: ReviewQuickFixes.kinds,
    }),
    vscode.commands.registerCommand(REVIEW_COMMANDS.selection, (arg?: unknown) =>
      run('selection', arg, runOptions(arg)),
    ),
    vscode.commands.registerCommand(REVIEW_COMMANDS.file, (arg?: unknown) => run('file', arg, runOptions(arg))),
    vscode.commands.registerCommand(REVIEW_COMMANDS.changes, (arg?: unknown) => run('changes', arg, runOptions(arg))),
    vscode.commands.registerCommand(REVIEW_COMMANDS.branch, (arg?: unknown) => run('branch', arg, runOptions(arg))),
    vscode.commands.registerCommand(REVIEW_COMMANDS.applyFix, (arg?: unknown) => actions.apply(arg)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.dismiss, (arg?: unknown) => actions.dismiss(arg)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.next, () => comments.go(1)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.previous, () => comments.go(-1)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.showLower, () => {
      const n = comments.revealLower();
      vscode.window.setStatusBarMessage(`Tiered: showing ${n} lower-confidence review finding(s)`, 4000);
      return n;
    }),
    vscode.commands.registerCommand(REVIEW_COMMANDS.threadsForTests, () => comments.views()),
    vscode.commands.registerCommand(REVIEW_COMMANDS.clear, () => {
      const n = diagnostics.count;
      diagnostics.clear();
      vscode.window.setStatusBarMessage(`Tiered: cleared ${n} review finding(s)`, 4000);
    }),
    vscode.commands.registerCommand(REVIEW_COMMANDS.showReport, async () => {
      const last = reports.last;
      if (last) await reports.open(last);
      else void vscode.window.showInformationMessage(NO_REPORT);
    }),
  );
  // Lets menus show "Clear Review Findings" only when there is something to clear.
  const setContext = () =>
    void vscode.commands.executeCommand('setContext', 'tiered.hasReviewFindings', diagnostics.count > 0);
  subs.push(diagnostics.onDidChange(setContext));
}
