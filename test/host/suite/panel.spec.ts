// Runs inside the extension host (test/host/panel.test.ts starts the model server and code-server):
// the cost panel opens from its command as a webview, and a priced call lands in the ledger that
// every window's panel reads.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localDay } from '../../../src/core/day';
import type { LedgerRecord } from '../../../src/core/types';

const EXTENSION_ID = 'tiered.tiered';

interface PanelApi {
  statusBar: { text: string };
  context: {
    readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]>;
    runner: {
      run(spec: {
        command: string;
        build(): { messages: Array<{ role: 'user'; content: string }>; maxOutputTokens: number };
      }): Promise<{ costUsd: number; record: LedgerRecord }>;
    };
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('tiered.costPanel'));
}

describe('cost panel in a real VS Code', () => {
  let api: PanelApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<PanelApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    assert.ok(api?.context, 'activate() returned no API');
  });

  it('opens from "Tiered: Open Cost Panel" as one webview, revealed again on the second run', async () => {
    await vscode.commands.executeCommand('tiered.openCostPanel');
    await until(() => panelTabs().length === 1);
    assert.equal(panelTabs()[0]!.label, 'Tiered: Spend');
    await vscode.commands.executeCommand('tiered.openCostPanel');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(panelTabs().length, 1, 'a second panel was opened');
    await vscode.window.tabGroups.close(panelTabs());
    await until(() => panelTabs().length === 0);
  });

  it('the status bar item opens the cost panel', () => {
    // The item's command is what a click runs (the driver clicks it in the workbench).
    assert.match(api.statusBar.text, /\$\d+\.\d{2}/);
  });

  it('a review call is priced and written to the ledger the panels read', async () => {
    const before = (await api.context.readLedger(localDay(), localDay())).length;
    const result = await api.context.runner.run({
      command: 'review',
      build: () => ({ messages: [{ role: 'user', content: 'Review: const x = 1;' }], maxOutputTokens: 64 }),
    });
    assert.ok(result.costUsd > 0, `the call cost ${result.costUsd}`);
    const after = await api.context.readLedger(localDay(), localDay());
    assert.equal(after.length, before + 1);
    const rec = after.find((r) => r.id === result.record.id);
    assert.ok(rec, 'the call is not in the ledger');
    assert.equal(rec.command, 'review');
    assert.equal(rec.tier, 'pro');
    assert.equal(rec.model, 'panel-pro');
    assert.equal(rec.costSource, 'override');
  });
});
