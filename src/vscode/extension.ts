// A thin activate(): one composition root; if it fails, the user gets the reason and a way out.
import * as vscode from 'vscode';
import { compose, type TieredApi } from './composition';

export function activate(context: vscode.ExtensionContext): TieredApi | undefined {
  try {
    const { api } = compose(context);
    return api;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error('Tiered failed to activate', err);
    void vscode.window
      .showErrorMessage(`Tiered could not start: ${message}`, 'Open Settings', 'Report Issue')
      .then((pick) => {
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'tiered');
        if (pick === 'Report Issue')
          void vscode.commands.executeCommand('workbench.action.openIssueReporter', 'tiered.tiered');
      });
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
