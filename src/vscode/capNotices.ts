// What the user is told when spend crosses the soft threshold or reaches the cap: once a day each,
// shared by every window (globalState), with the actions that help.
import * as vscode from 'vscode';
import { NON_CRITICAL_COMMANDS, type TieredConfig } from '../core/config';
import type { PriceBook } from '../core/prices';
import { route } from '../core/router';
import { money } from './statusBar';
import type { SpendStatus } from './featureContext';

const SOFT_KEY = 'tiered.notice.soft';
const CAP_KEY = 'tiered.notice.cap';
/** A typical small request, to rank a chain's models by price. */
const PROBE = { inputTokens: 1000, outputTokens: 256 };

/** The cheapest model of each non-critical command's chain, as the call path picks it. */
export function cheapestNonCritical(config: TieredConfig, prices: PriceBook): string[] {
  const names = new Set<string>();
  for (const command of NON_CRITICAL_COMMANDS) {
    const chain = route(config, command).chain;
    let best = chain[0]!;
    let bestUsd = Infinity;
    for (const model of chain) {
      const worst = prices.worstCase(model, PROBE.inputTokens, Math.min(PROBE.outputTokens, model.maxOutputTokens));
      if (worst.known && worst.usd < bestUsd) [best, bestUsd] = [model, worst.usd];
    }
    names.add(`${best.id} (${best.model})`);
  }
  return [...names];
}

export function noticeSpend(
  state: vscode.Memento,
  status: SpendStatus,
  config: () => TieredConfig,
  prices: PriceBook,
): void {
  if (status.capReached && state.get(CAP_KEY) !== status.day) {
    void state.update(CAP_KEY, status.day);
    const raise = "Raise Today's Cap";
    const panel = 'Open Cost Panel';
    void vscode.window
      .showWarningMessage(
        `Tiered: today's cap of ${money(status.capUsd)} is reached. Reviews are refused and inline suggestions are paused until you raise it or tomorrow.`,
        raise,
        panel,
      )
      .then((pick) => {
        if (pick === raise) void vscode.commands.executeCommand('tiered.raiseTodayCap');
        if (pick === panel) void vscode.commands.executeCommand('tiered.openCostPanel');
      });
    return;
  }
  if (status.softReached && !status.capReached && state.get(SOFT_KEY) !== status.day) {
    void state.update(SOFT_KEY, status.day);
    const share = Math.round(config().budget.softThreshold * 100);
    const models = cheapestNonCritical(config(), prices).join(', ');
    void vscode.window.showInformationMessage(
      `Tiered: today's spend passed ${share}% of the ${money(status.capUsd)} cap. Inline suggestions and tone fixes now use the cheapest model of their tier: ${models}.`,
    );
  }
}
