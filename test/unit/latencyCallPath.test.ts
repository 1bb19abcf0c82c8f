// The latency-aware lite tier end to end: the real call path asks the monitor to reorder the lite
// chain (CallPathDeps.reorder) and feeds it every record (observe); the local model server makes
// the primary slow, then fast again. Assertions are on which model served, never on time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget } from '../../src/core/budget';
import { CallPath, type BudgetPort } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { LatencyMonitor } from '../../src/core/latency';
import { PriceBook } from '../../src/core/prices';
import { silentLogger, systemClock } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { startModelServer, type ModelServer } from '../server/modelServer';

describe('latency-aware lite tier through the call path', () => {
  let server: ModelServer;
  let dir: string;
  let config: TieredConfig;

  before(async () => {
    server = await startModelServer();
    dir = mkdtempSync(join(tmpdir(), 'tiered-latency-'));
    const model = (name: string) => ({ provider: 'local', model: name, tier: 'lite', maxOutputTokens: 32 });
    const parsed = parseConfig({
      providers: [{ id: 'local', kind: 'openai', baseUrl: server.openaiBaseUrl }],
      models: { slow: model('gpt-slow'), fast: model('gpt-fast'), pro: { ...model('gpt-pro'), tier: 'pro' } },
      tiers: { lite: ['slow', 'fast'], pro: ['pro'] },
    });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    config = parsed.config;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('moves complete off a slow primary, probes it, and returns when it recovers', async () => {
    const monitor = new LatencyMonitor({ targetMs: 150, minSamples: 3, recoverSamples: 2, probeEvery: 3 });
    const transitions: string[] = [];
    const b = new Budget({ dir, windowId: 'w', getConfig: () => config.budget });
    const budget: BudgetPort = {
      reserve: (r) => b.reserve(r),
      settle: async (id, record) => {
        await b.settle(id, record);
      },
      release: (id) => b.release(id),
      recordOnly: async (record) => {
        await b.recordOnly(record);
      },
      status: async (command) => b.status(command),
    };
    const calls = new CallPath({
      config: () => config,
      budget,
      pricing: new PriceBook(),
      client: async (m) => createModelClient(m.providerConfig, 'k'),
      clock: systemClock,
      logger: silentLogger,
      windowId: 'w',
      reorder: (command, chain) => {
        if (command !== 'complete') return chain;
        const p = monitor.preferred(chain);
        if (p.transition) transitions.push(`${p.transition}: ${p.reason}`);
        return p.chain;
      },
      observe: (record) => {
        if (record.command === 'complete') monitor.observe(record);
      },
    });
    const served: string[] = [];
    const complete = async (): Promise<void> => {
      const r = await calls.run({
        command: 'complete',
        build: () => ({ messages: [{ role: 'user', content: 'const x = ' }], maxOutputTokens: 16 }),
        retries: 0,
      });
      served.push(r.model.id);
    };

    server.setModelKnobs('gpt-slow', { ttftMs: 450 });
    for (let i = 0; i < 3; i++) await complete();
    assert.deepEqual(served, ['slow', 'slow', 'slow']);

    for (let i = 0; i < 6; i++) await complete();
    assert.equal(transitions.length, 1);
    assert.match(transitions[0]!, /^switched: complete moved to fast: slow p90 TTFT \d+ ms > 150 ms target$/);
    const whileSwitched = served.slice(3);
    assert.equal(whileSwitched[0], 'fast');
    assert.ok(whileSwitched.includes('slow'), 'the primary was never probed');
    assert.ok(whileSwitched.filter((m) => m === 'fast').length >= 4);

    // The primary recovers: probes measure it fast, and complete returns to it.
    server.setModelKnobs('gpt-slow', { ttftMs: 0 });
    for (let i = 0; i < 12 && monitor.switched; i++) await complete();
    assert.equal(monitor.switched, false, served.join(','));
    assert.match(transitions.at(-1)!, /^recovered: complete back on slow/);
    await complete();
    await complete();
    assert.deepEqual(served.slice(-2), ['slow', 'slow']);
    // Another command's chain is never reordered.
    assert.equal(server.requests('openai').length, served.length);
  });
});
