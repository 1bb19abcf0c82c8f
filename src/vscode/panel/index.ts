// Entry of the cost panel feature: the command that opens it.
import * as vscode from 'vscode';
import type { FeatureContext } from '../featureContext';
import { CostPanel } from './costPanel';

export { CostPanel, COST_PANEL_VIEW_TYPE } from './costPanel';

export function activateCostPanel(ctx: FeatureContext): void {
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand('tiered.openCostPanel', () => {
      CostPanel.show(ctx);
    }),
    { dispose: () => CostPanel.open?.dispose() },
  );
}
