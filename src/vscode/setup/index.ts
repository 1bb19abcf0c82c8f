// `Tiered: Check Setup`: says what the check will spend and asks (modal; Cancel sends nothing),
// sends one tiny request per model (and a FIM request where set) through the call path with a
// cancellable progress notification, then shows the report as a Markdown preview and a one-line
// summary. Offered once on first run (a globalState flag) and after a key is set (secrets.ts).
import * as vscode from 'vscode';
import { localDay } from '../../core/day';
import { formatUsd, sumUsd } from '../../core/money/format';
import type { PriceInfo } from '../../core/prices';
import type { ResolvedModel } from '../../core/router';
import {
  estimateSetup,
  planChecks,
  reportMarkdown,
  runSetupCheck,
  summaryLine,
  unusedModels,
  type SetupRow,
} from '../../core/setup';
import type { FeatureContext } from '../featureContext';
import { SetupReportView } from './reportView';

export const CHECK_SETUP_COMMAND = 'tiered.checkSetup';
export const WALKTHROUGH_ID = 'tiered.tiered#gettingStarted';
const OFFERED_KEY = 'tiered.setup.offered';
const SEND = 'Send Requests';

export interface SetupDeps {
  prices: { describe(model: ResolvedModel): Pick<PriceInfo, 'source' | 'bundled'> };
  /** Removes every known key from text shown to the user (provider messages may echo one). */
  redact(text: string): string;
}

/** What the command returns (read by the in-host test); undefined when cancelled before sending. */
export interface SetupOutcome {
  rows: SetupRow[];
  summary: string;
  markdown: string;
}

export function activateSetup(ctx: FeatureContext, deps: SetupDeps): void {
  const view = new SetupReportView();
  ctx.extension.subscriptions.push(view);

  const checkSetup = async (): Promise<SetupOutcome | undefined> => {
    const config = ctx.config();
    const checks = planChecks(config);
    if (checks.length === 0) {
      void vscode.window.showWarningMessage('Tiered: no models in `tiered.tiers` to check.');
      return undefined;
    }
    const estimate = await estimateSetup(ctx.runner, checks);
    const unpriced = estimate.unpriced.length
      ? ` ${estimate.unpriced.join(', ')} ${estimate.unpriced.length === 1 ? 'has' : 'have'} no price and will not be sent.`
      : '';
    const choice = await vscode.window.showInformationMessage(
      `Check Setup sends ${estimate.requests} tiny request${estimate.requests === 1 ? '' : 's'} ` +
        `to ${checks.length} model${checks.length === 1 ? '' : 's'}: at most ${formatUsd(estimate.worstCaseUsd)} in total.`,
      {
        modal: true,
        detail:
          `Each model gets "Reply with: OK" at the reasoning level its commands use, plus a fill-in-the-middle ` +
          `request where \`fim\` is set; no fallback, no retries. Billed within today's cap ` +
          `(${formatUsd(estimate.remainingUsd)} left) and recorded in the ledger as "setup".${unpriced}`,
      },
      SEND,
    );
    if (choice !== SEND) return undefined;

    const started = new Date().toISOString();
    const rows = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Tiered: checking setup', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let done = 0;
        try {
          return await runSetupCheck({ runner: ctx.runner, prices: deps.prices }, checks, {
            signal: abort.signal,
            onRow: (row) => {
              done++;
              progress.report({
                increment: 100 / checks.length,
                message: `${done}/${checks.length}: ${row.modelId} ${row.ready ? 'ready' : 'has a problem'}`,
              });
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    const spentUsd = sumUsd(
      (await ctx.readLedger(localDay(), localDay()))
        .filter((r) => r.command === 'setup' && r.ts >= started && Number.isFinite(r.costUsd))
        .map((r) => r.costUsd),
    );
    const markdown = deps.redact(
      reportMarkdown(rows, { at: new Date().toLocaleString(), spentUsd, unused: unusedModels(config) }),
    );
    await view.show(markdown);
    const summary = summaryLine(rows);
    ctx.logger.info(`Check Setup: ${summary}`);
    const show = 'Show Report';
    const notify = rows.every((r) => r.ready) ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void notify(`Tiered: ${summary}.`, show).then((c) => {
      if (c === show) void view.show(view.markdown);
    });
    return { rows, summary, markdown };
  };

  ctx.extension.subscriptions.push(vscode.commands.registerCommand(CHECK_SETUP_COMMAND, checkSetup));
  offerOnFirstRun(ctx.extension);
}

/**
 * Once per installation (all windows share globalState): offer the check and the walkthrough.
 * Test runs of the extension host are not a user's first run and are left quiet.
 */
function offerOnFirstRun(extension: vscode.ExtensionContext): void {
  if (extension.extensionMode === vscode.ExtensionMode.Test) return;
  if (extension.globalState.get<boolean>(OFFERED_KEY)) return;
  void extension.globalState.update(OFFERED_KEY, true);
  const check = 'Check Setup';
  const start = 'Get Started';
  void vscode.window
    .showInformationMessage(
      'Tiered is installed. Check that your models answer (one tiny request each; you see the cost first)?',
      check,
      start,
    )
    .then((choice) => {
      if (choice === check) void vscode.commands.executeCommand(CHECK_SETUP_COMMAND);
      else if (choice === start)
        void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID);
    });
}
