// A real CallPath with a real Budget and ledger on disk, over the OpenAI adapter and the local
// model server: one lite and one pro model. The review tests that read what was billed share it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget } from '../../src/core/budget';
import { CallPath, type CallPathDeps } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { PriceBook } from '../../src/core/prices';
import { silentLogger, systemClock } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { startModelServer, type ModelServer } from '../server/modelServer';

export interface LocalCallPath {
  server: ModelServer;
  /** The ledger and budget folder. */
  dir: string;
  /** The raw settings it was parsed from. */
  raw: Record<string, unknown>;
  /** Read on every call by the budget and the call path: a test may swap it. */
  config: TieredConfig;
  budget: Budget;
  calls: CallPath;
  close(): Promise<void>;
}

/** `extra` is merged into the raw settings (e.g. `{ review: { retries: 1 } }`). */
export async function startLocalCallPath(
  name: string,
  extra: Record<string, unknown> = {},
  deps: Partial<CallPathDeps> = {},
): Promise<LocalCallPath> {
  const server = await startModelServer();
  const dir = mkdtempSync(join(tmpdir(), `tiered-${name}-`));
  const raw: Record<string, unknown> = {
    providers: [{ id: 'local', kind: 'openai', baseUrl: server.openaiBaseUrl }],
    models: {
      lite: {
        provider: 'local',
        model: 'gpt-lite',
        tier: 'lite',
        maxOutputTokens: 800,
        price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
      },
      pro: {
        provider: 'local',
        model: 'gpt-pro',
        tier: 'pro',
        maxOutputTokens: 1000,
        price: { inputPerMTok: 1, outputPerMTok: 10 },
      },
    },
    tiers: { lite: ['lite'], pro: ['pro'] },
    ...extra,
  };
  const parsed = parseConfig(raw);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  const budget = new Budget({ dir, windowId: 'w', getConfig: () => local.config.budget });
  const calls = new CallPath({
    config: () => local.config,
    budget,
    pricing: new PriceBook(),
    client: async (m) => createModelClient(m.providerConfig, 'k'),
    clock: systemClock,
    logger: silentLogger,
    windowId: 'w',
    ...deps,
  });
  const local: LocalCallPath = {
    server,
    dir,
    raw,
    config: parsed.config,
    budget,
    calls,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return local;
}
