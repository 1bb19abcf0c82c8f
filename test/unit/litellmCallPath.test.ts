// End to end through the real call path, provider adapter and ledger, against the local LiteLLM
// emulation: the proxy's reported cost is what the ledger bills, and /key/info sees the same spend.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget } from '../../src/core/budget';
import { CallPath } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { localDay } from '../../src/core/day';
import { readRange } from '../../src/core/ledger';
import { PriceBook } from '../../src/core/prices';
import { silentLogger, systemClock } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { fetchKeyInfo } from '../../src/providers/litellmKeyInfo';
import { startModelServer, type ModelServer } from '../server/modelServer';

describe('LiteLLM proxy through the call path', () => {
  let server: ModelServer;
  let dir: string;
  let config: TieredConfig;

  before(async () => {
    server = await startModelServer({
      knobs: { litellmCostUsd: 0.0125 },
      litellmKeys: { 'sk-team': { maxBudget: 1, spend: 0.5 } },
    });
    dir = mkdtempSync(join(tmpdir(), 'tiered-litellm-'));
    const model = (tier: string, name: string) => ({ provider: 'team', model: name, tier, maxOutputTokens: 64 });
    const parsed = parseConfig({
      providers: [{ id: 'team', kind: 'openai', baseUrl: server.openaiBaseUrl }],
      models: { lite: model('lite', 'gpt-lite'), pro: model('pro', 'gpt-pro') },
      tiers: { lite: ['lite'], pro: ['pro'] },
    });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    config = parsed.config;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('bills the proxy-reported cost and the key budget reflects it', async () => {
    const budget = new Budget({ dir, windowId: 'w', getConfig: () => config.budget });
    const calls = new CallPath({
      config: () => config,
      budget: budget,
      pricing: new PriceBook(),
      client: async (m) => createModelClient(m.providerConfig, 'sk-team'),
      clock: systemClock,
      logger: silentLogger,
      windowId: 'w',
    });
    const before = await fetchKeyInfo('team', server.openaiBaseUrl, 'sk-team');
    assert.ok(before.ok);
    for (let i = 0; i < 2; i++) {
      const r = await calls.run({
        command: 'tone',
        build: () => ({ messages: [{ role: 'user', content: `rewrite ${i}` }], maxOutputTokens: 32 }),
      });
      assert.equal(r.record.costSource, 'server');
      assert.equal(r.costUsd, 0.0125);
    }
    const records = readRange(dir, localDay(), localDay()).records.filter((r) => r.command === 'tone');
    assert.equal(records.length, 2);
    const billed = records.reduce((s, r) => s + r.costUsd, 0);
    const after = await fetchKeyInfo('team', server.openaiBaseUrl, 'sk-team');
    assert.ok(after.ok);
    assert.ok(Math.abs(after.budget.spendUsd - before.budget.spendUsd - billed) < 1e-9);
    assert.ok(Math.abs(after.budget.remainingUsd! - (1 - 0.5 - billed)) < 1e-9);
  });
});
