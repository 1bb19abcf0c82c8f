// Shadow sampling end to end: the real call path, ledger and OpenAI adapter against the local model
// server. A sampled lite tone fix is re-run on pro under the `shadow` command; a cap below the
// call's worst case sends nothing.
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
import { ShadowSampler, type AgreementSample, type ShadowSettings } from '../../src/core/shadow';
import { silentLogger, systemClock } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { startModelServer, type ModelServer } from '../server/modelServer';

describe('shadow sampling through the call path', () => {
  let server: ModelServer;
  let dir: string;
  let config: TieredConfig;
  let calls: CallPath;
  let budget: Budget;

  before(async () => {
    server = await startModelServer();
    server.setModelKnobs('gpt-pro', { text: 'We will fix the bug today.' });
    server.setModelKnobs('gpt-lite', { text: 'We will fix this bug today.' });
    dir = mkdtempSync(join(tmpdir(), 'tiered-shadow-'));
    const price = { inputPerMTok: 1, outputPerMTok: 10 };
    const parsed = parseConfig({
      providers: [{ id: 'local', kind: 'openai', baseUrl: server.openaiBaseUrl }],
      models: {
        lite: {
          provider: 'local',
          model: 'gpt-lite',
          tier: 'lite',
          maxOutputTokens: 64,
          price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
        },
        pro: { provider: 'local', model: 'gpt-pro', tier: 'pro', maxOutputTokens: 1000, price },
      },
      tiers: { lite: ['lite'], pro: ['pro'] },
    });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    config = parsed.config;
    budget = new Budget({ dir, windowId: 'w', getConfig: () => config.budget });
    calls = new CallPath({
      config: () => config,
      budget: budget,
      pricing: new PriceBook(),
      client: async (m) => createModelClient(m.providerConfig, 'k'),
      clock: systemClock,
      logger: silentLogger,
      windowId: 'w',
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sampler(settings: ShadowSettings, store: AgreementSample[][]): ShadowSampler {
    return new ShadowSampler({
      settings: () => settings,
      config: () => config,
      runner: calls,
      shadowSpend: async () => {
        const s = await budget.status('shadow');
        return { spentUsd: s.commandSpentUsd ?? 0, softReached: s.softReached };
      },
      loadSamples: () => store[0] ?? [],
      saveSamples: (s) => {
        store[0] = s;
      },
      random: () => 0,
      clock: systemClock,
      logger: silentLogger,
    });
  }

  const build = () => ({
    messages: [{ role: 'user' as const, content: 'Fix the tone: we gonna fix this bug today' }],
    maxOutputTokens: 64,
  });

  test('a lite tone fix is shadowed on pro, billed under shadow, agreement stored', async () => {
    const lite = await calls.run({ command: 'tone', build });
    assert.equal(lite.tier, 'lite');
    const store: AgreementSample[][] = [];
    const out = await sampler({ enabled: true, sampleRate: 0.1, dailyCapUsd: 0.5 }, store).maybe(
      'tone',
      { build },
      { tier: lite.tier, model: lite.model.id, text: lite.text },
    );
    assert.equal(out.status, 'sampled', JSON.stringify(out));
    const shadow = readRange(dir, localDay(), localDay()).records.filter((r) => r.command === 'shadow');
    assert.equal(shadow.length, 1);
    assert.equal(shadow[0]!.tier, 'pro');
    assert.equal(shadow[0]!.model, 'pro');
    assert.ok(shadow[0]!.costUsd > 0);
    // "we will fix this bug today ." vs "we will fix the bug today ." — one word of seven differs.
    assert.equal(store[0]![0]!.score, 1 - 1 / 7);
    assert.equal(server.requests('openai').filter((r) => (r.body as { model?: string }).model === 'gpt-pro').length, 1);
  });

  test('a daily cap below the worst case sends nothing', async () => {
    server.clearLog();
    const store: AgreementSample[][] = [];
    const out = await sampler({ enabled: true, sampleRate: 1, dailyCapUsd: 0.0002 }, store).maybe(
      'tone',
      { build },
      { tier: 'lite', model: 'lite', text: 'x' },
    );
    // Worst case: ~15 input tokens at $1/MTok + 64 output tokens at $10/MTok ≈ $0.00066 > $0.0002.
    assert.deepEqual(out, { status: 'skipped', reason: 'budget' });
    assert.equal(server.requests('openai').length, 0);
    assert.equal(store.length, 0);
  });
});
