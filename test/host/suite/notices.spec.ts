// Runs inside the extension host: crossing the soft threshold tells the user once which model
// non-critical calls now use; reaching the cap warns once with "Raise Today's Cap" and
// "Open Cost Panel". Spend arrives as ledger lines, as from another window.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface Api {
  ledgerDir: string;
  statusBar: { text: string; background?: string };
}

const settle = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
};

function day(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function spend(api: Api, usd: number, id: string): void {
  const record = {
    v: 1,
    id,
    ts: new Date().toISOString(),
    window: 'other-window',
    command: 'review',
    tier: 'pro',
    provider: 'gemini',
    model: 'pro',
    inputTokens: 1000,
    cachedInputTokens: 0,
    outputTokens: 100,
    reasoningTokens: 0,
    costUsd: usd,
    costSource: 'bundled',
    estimateUsd: usd,
    latencyMs: 10,
    ttftMs: 5,
    outcome: 'ok',
  };
  fs.appendFileSync(path.join(api.ledgerDir, `ledger-${day()}.jsonl`), `${JSON.stringify(record)}\n`);
}

describe('spend notices in a real VS Code', () => {
  let api: Api;
  const info: string[] = [];
  const warnings: { message: string; actions: string[] }[] = [];
  const originals = { info: vscode.window.showInformationMessage, warn: vscode.window.showWarningMessage };

  before(async () => {
    api = (await vscode.extensions.getExtension<Api>('tiered.tiered')!.activate())!;
    const w = vscode.window as unknown as Record<string, unknown>;
    w.showInformationMessage = (message: string) => (info.push(message), Promise.resolve(undefined));
    w.showWarningMessage = (message: string, ...actions: string[]) => (
      warnings.push({ message, actions }),
      Promise.resolve(undefined)
    );
    await vscode.workspace
      .getConfiguration('tiered')
      .update('budget', { dailyCapUsd: 1, softThreshold: 0.5 }, vscode.ConfigurationTarget.Global);
  });
  after(() => {
    const w = vscode.window as unknown as Record<string, unknown>;
    w.showInformationMessage = originals.info;
    w.showWarningMessage = originals.warn;
  });

  it('past the soft threshold: one notice naming the cheapest lite model', async () => {
    spend(api, 0.6, 'a');
    await settle(() => info.some((m) => m.includes('passed 50%')), 'the soft-threshold notice');
    const notice = info.find((m) => m.includes('passed 50%'))!;
    assert.match(notice, /flash-lite/);
    await settle(() => api.statusBar.background === 'statusBarItem.warningBackground', 'the warning colour');
    spend(api, 0.1, 'b');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(info.filter((m) => m.includes('passed 50%')).length, 1, 'once a day');
  });

  it("at the cap: one warning with Raise Today's Cap and Open Cost Panel", async () => {
    spend(api, 0.3, 'c');
    await settle(() => warnings.some((w) => w.message.includes('cap of $1.00 is reached')), 'the cap warning');
    const w = warnings.find((x) => x.message.includes('is reached'))!;
    assert.deepEqual(w.actions, ["Raise Today's Cap", 'Open Cost Panel']);
    await settle(() => api.statusBar.background === 'statusBarItem.errorBackground', 'the error colour');
    spend(api, 0.01, 'd');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(warnings.filter((x) => x.message.includes('is reached')).length, 1, 'once a day');
  });
});
