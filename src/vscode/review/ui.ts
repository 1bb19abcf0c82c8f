// What the review asks and tells the user: the cost confirmation, a refusal with its two ways
// out (raise today's cap, open the cost panel), and the other failures with the action that helps.
import * as vscode from 'vscode';
import { TieredError } from '../../core/errors';
import type { Preflight } from '../../core/review/engine';
import { ReviewFailedError, attemptCost, failureMessage } from '../../core/review/failure';
import type { ReviewReport } from '../../core/review/report';
import { formatUsd, moneyTable } from '../../core/money/format';
import type { FeatureContext } from '../featureContext';

export const RUN_REVIEW = 'Run Review';
export const RAISE_CAP = "Raise Today's Cap";
export const OPEN_COST_PANEL = 'Open Cost Panel';
export const RETRY = 'Retry';
export const SHOW_LOG = 'Show Log';
export const SHOW_REPORT = 'Show Report';

export function confirmText(p: Preflight, title: string): { message: string; detail: string } {
  const review = p.stages.find((s) => s.stage === 'review');
  const message = `Deep review of ${title} on ${review?.model ?? 'the pro tier'}: about ${formatUsd(p.estimateUsd)}, at most ${formatUsd(p.worstCaseUsd)}.`;
  const lines = [
    `Input: ${p.inputTokens.toLocaleString('en-US')} tokens (${p.tokenSource === 'provider' ? "provider's count" : 'local estimate'}).`,
    `Worst case: ${formatUsd(p.worstCaseUsd)} (every stage at its maximum output).`,
    `Left of today's cap: ${formatUsd(p.remainingUsd)} of ${formatUsd(p.capUsd)}.`,
  ];
  if (p.stages.length > 1) {
    // Apportioned to the worst case above, so the stage lines add up to it.
    const shown = moneyTable(
      p.stages.map((s) => s.worstCaseUsd),
      p.worstCaseUsd,
    ).rows;
    lines.push('', 'Stages:');
    p.stages.forEach((s, i) =>
      lines.push(`• ${s.stage} on ${s.tier} (${s.model})${s.calls > 1 ? ` × ${s.calls}` : ''}: up to ${shown[i]}`),
    );
  }
  lines.push('', 'Settings: tiered.budget.confirmAboveUsd decides when this is asked.');
  return { message, detail: lines.join('\n') };
}

export async function askConfirm(p: Preflight, title: string): Promise<boolean> {
  const { message, detail } = confirmText(p, title);
  const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, RUN_REVIEW);
  return pick === RUN_REVIEW;
}

/** The shortfall rounded up to whole cents, at least $0.50: what to suggest when raising the cap. */
export function suggestedRaise(p: Preflight | undefined): number {
  if (!p || !Number.isFinite(p.worstCaseUsd)) return 1;
  const short = p.worstCaseUsd - p.remainingUsd;
  return Math.max(0.5, Math.ceil(short * 100) / 100);
}

/**
 * Shows a failed review's reason in plain words, what the attempt cost, and the action that helps;
 * resolves true when the user wants to run it again. `openReport` opens the failed attempt's report.
 */
export async function reportFailure(
  ctx: FeatureContext,
  err: unknown,
  preflight: Preflight | undefined,
  openReport?: (attempt: ReviewReport) => unknown,
): Promise<boolean> {
  if (!TieredError.is(err)) {
    ctx.logger.error(`review: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void showLog(await vscode.window.showErrorMessage(`Deep review failed: ${String(err)}`, SHOW_LOG));
    return false;
  }
  const attempt = err instanceof ReviewFailedError ? err.attempt : undefined;
  switch (err.reason) {
    case 'budget': {
      const pick = await vscode.window.showErrorMessage(err.message, RAISE_CAP, OPEN_COST_PANEL);
      if (pick === OPEN_COST_PANEL) ctx.openCostPanel();
      if (pick !== RAISE_CAP) return false;
      const amount = await askAmount(suggestedRaise(preflight));
      if (amount === undefined) return false;
      await ctx.raiseTodayCap(amount);
      const again = await vscode.window.showInformationMessage(
        `Today's cap raised by ${formatUsd(amount)} (today only).`,
        'Run Review Again',
      );
      return again === 'Run Review Again';
    }
    case 'cancelled': {
      const spent = attempt ? attempt.stages.length > 0 : !/nothing was spent/.test(err.message);
      void vscode.window.showInformationMessage(
        !spent
          ? err.message
          : attempt
            ? `Deep review cancelled. The calls already made cost ${attemptCost(attempt)}; they are in the ledger.`
            : 'Deep review cancelled. The tokens already used are billed and shown in the ledger.',
      );
      return false;
    }
    case 'config': {
      const pick = await vscode.window.showErrorMessage(err.message, 'Open Settings');
      if (pick) void vscode.commands.executeCommand('tiered.openSettings');
      return false;
    }
    case 'auth': {
      const pick = await vscode.window.showErrorMessage(err.message, 'Set API Key');
      if (pick) void vscode.commands.executeCommand('tiered.setApiKey');
      return false;
    }
    default: {
      if (!attempt) {
        void showLog(await vscode.window.showErrorMessage(`Deep review failed: ${err.message}`, SHOW_LOG));
        return false;
      }
      // Plain words and the cost; the technical detail is in the report and the log.
      const pick = await vscode.window.showErrorMessage(
        failureMessage(attempt),
        RETRY,
        SHOW_LOG,
        ...(openReport ? [SHOW_REPORT] : []),
      );
      if (pick === SHOW_REPORT) void openReport?.(attempt);
      showLog(pick);
      return pick === RETRY;
    }
  }
}

function showLog(pick: string | undefined): void {
  if (pick === SHOW_LOG) void vscode.commands.executeCommand('tiered.showLog');
}

async function askAmount(suggested: number): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: "Tiered: raise today's cap",
    prompt: 'Add how many US dollars to today’s cap (today only, every window)?',
    value: suggested.toFixed(2),
    validateInput: (v) => {
      const n = Number(v);
      return Number.isFinite(n) && n > 0 && n <= 1000 ? undefined : 'Enter an amount in USD between 0 and 1000.';
    },
  });
  return value === undefined ? undefined : Number(value);
}
