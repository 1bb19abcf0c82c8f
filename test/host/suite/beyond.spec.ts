// Runs inside the extension host (test/host/beyond.test.ts starts the local model server as a
// LiteLLM proxy and writes the user settings): deprecation warning, LiteLLM key budget in the
// status bar, and routing suggestions applied to user settings.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localDay } from '../../../src/core/day';
import { appendRecord } from '../../../src/core/ledger';
import type { OptimizerReport } from '../../../src/core/optimizer';
import type { LedgerRecord, Outcome } from '../../../src/core/types';

const EXTENSION_ID = 'tiered.tiered';

interface BeyondHostApi {
  statusBar: { text: string; tooltip: string };
  ledgerDir: string;
  context: {
    extension: vscode.ExtensionContext;
    config(): { commands: Record<string, string> };
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('beyond: deprecation, LiteLLM budget, routing suggestions', () => {
  let api: BeyondHostApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<BeyondHostApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    assert.ok(api?.context, 'Tiered did not activate');
  });

  it('warns once today about the model that shuts down within warnDays', async () => {
    const state = api.context.extension.globalState;
    await until(
      'deprecation warning recorded',
      () => state.get<Record<string, string>>('tiered.deprecation.warned')?.['lite-old'] === localDay(),
    );
    assert.equal(state.get<Record<string, string>>('tiered.deprecation.warned')?.['pro'], undefined);
  });

  it('shows the LiteLLM key budget in the status bar once the key is set', async () => {
    await api.context.extension.secrets.store('tiered.apiKey.team', 'sk-team');
    await until('budget note', () => api.statusBar.text.includes('$7.50 left'));
    assert.match(api.statusBar.tooltip, /LiteLLM/);
    assert.match(api.statusBar.tooltip, /left of/);
  });

  it('suggests moving an often-escalating tone command up and applies it to user settings', async () => {
    const yesterday = new Date();
    yesterday.setDate(yesterday.getDate() - 1);
    yesterday.setHours(12, 0, 0, 0);
    const day = localDay(yesterday.getTime());
    const rec = (i: number, tier: string, model: string, outcome: Outcome): LedgerRecord => ({
      v: 1,
      id: `seed-${tier}-${i}`,
      ts: yesterday.toISOString(),
      window: 'seed',
      command: 'tone',
      tier,
      provider: 'team',
      model,
      inputTokens: 800,
      cachedInputTokens: 0,
      outputTokens: 150,
      reasoningTokens: 0,
      costUsd: tier === 'pro' ? 0.002 : 0.0001,
      costSource: 'server',
      estimateUsd: 0.01,
      latencyMs: 700,
      ttftMs: 200,
      outcome,
    });
    for (let i = 0; i < 40; i++)
      appendRecord(api.ledgerDir, rec(i, 'lite', 'lite-old', i < 18 ? 'escalated' : 'ok'), day);
    for (let i = 0; i < 18; i++) appendRecord(api.ledgerDir, rec(i, 'pro', 'pro', 'ok'), day);

    const report = await vscode.commands.executeCommand<OptimizerReport>('tiered.suggestRouting', {
      apply: ['tier-up:tone'],
    });
    assert.ok(report, 'the command returned no report');
    const up = report.suggestions.find((s) => s.id === 'tier-up:tone');
    assert.ok(up, `no tier-up suggestion; notes: ${report.notes.join(' | ')}`);
    assert.match(up.reason, /escalated 45% of its lite calls \(18 of 40\)/);
    await until('tone routed to pro', () => api.context.config().commands.tone === 'pro');
    const inspected = vscode.workspace.getConfiguration('tiered').inspect<Record<string, string>>('commands');
    assert.equal(inspected?.globalValue?.tone, 'pro');
    assert.equal(inspected?.workspaceValue, undefined);
  });
});
