// Runs inside the extension host: an invalid user setting leaves the last valid configuration in
// force, is named once, shows in the status bar, and clears when fixed.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface Api {
  statusBar: { text: string; tooltip: string };
  context: { config(): { budget: { dailyCapUsd: number } } };
}

const settle = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
};

describe('settings validation in a real VS Code', () => {
  let api: Api;
  const shown: string[] = [];
  let restore: () => void;

  before(async () => {
    api = (await vscode.extensions.getExtension<Api>('tiered.tiered')!.activate())!;
    const original = vscode.window.showErrorMessage;
    (vscode.window as { showErrorMessage: unknown }).showErrorMessage = (message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    };
    restore = () => ((vscode.window as { showErrorMessage: unknown }).showErrorMessage = original);
  });
  after(async () => {
    restore();
    await vscode.workspace.getConfiguration('tiered').update('budget', undefined, vscode.ConfigurationTarget.Global);
  });

  it('a valid cap applies', async () => {
    const tiered = vscode.workspace.getConfiguration('tiered');
    await tiered.update('budget', { dailyCapUsd: 7 }, vscode.ConfigurationTarget.Global);
    await settle(() => api.context.config().budget.dailyCapUsd === 7, 'the new cap');
  });

  it('an invalid cap is named once, shown in the status bar, and the last valid one stays', async () => {
    const tiered = vscode.workspace.getConfiguration('tiered');
    await tiered.update('budget', { dailyCapUsd: -3 }, vscode.ConfigurationTarget.Global);
    await settle(() => shown.length > 0, 'the error message');
    assert.match(shown[0]!, /tiered\.budget\.dailyCapUsd/);
    assert.match(shown[0]!, /last valid configuration stays in force/);
    assert.equal(api.context.config().budget.dailyCapUsd, 7);
    await settle(() => api.statusBar.text.includes('$(warning)'), 'the status bar warning');
    assert.match(api.statusBar.tooltip, /dailyCapUsd/);
    // The same problem again (another settings write) is not shown twice.
    await tiered.update('budget', { dailyCapUsd: -3, softThreshold: 0.8 }, vscode.ConfigurationTarget.Global);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(shown.length, 1);
  });

  it('fixing it clears the warning and applies the new value', async () => {
    const tiered = vscode.workspace.getConfiguration('tiered');
    await tiered.update('budget', { dailyCapUsd: 9 }, vscode.ConfigurationTarget.Global);
    await settle(() => api.context.config().budget.dailyCapUsd === 9, 'the fixed cap');
    await settle(() => !api.statusBar.text.includes('$(warning)'), 'the warning to clear');
  });
});
