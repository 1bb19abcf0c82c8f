// A real CallPath (core request shaping, failover, skip list) over the real adapters and the strict
// model server, with the real PriceBook pricing each model as the cloud host it stands for, and an
// in-memory budget that keeps every ledger record for the test to read.
import type { CallSpec } from '../../src/core/calls';
import { CallPath, type BudgetPort, type ModelProblem } from '../../src/core/callPath';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { PriceBook } from '../../src/core/prices';
import type { ResolvedModel } from '../../src/core/router';
import { silentLogger, systemClock, type LedgerRecord } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import type { Flavour, ModelServer } from '../server/modelServer';
import { KEY } from './helpers';

/** Where each flavour's models are priced: the cloud API (or the gateway's reported cost). */
const CLOUD: Partial<Record<Flavour, string>> = {
  gemini: 'https://generativelanguage.googleapis.com',
  openai: 'https://api.openai.com/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  litellm: 'https://litellm.example.com/v1',
};

export class RecordingBudget implements BudgetPort {
  records: LedgerRecord[] = [];
  private open = new Set<string>();
  async reserve(r: { id: string }) {
    this.open.add(r.id);
    return { ok: true };
  }
  async settle(id: string, record: LedgerRecord) {
    this.open.delete(id);
    this.records.push(record);
  }
  async release(id: string) {
    this.open.delete(id);
  }
  async recordOnly(record: LedgerRecord) {
    this.records.push(record);
  }
  status() {
    return { softReached: false, capReached: false, remainingUsd: 100, capUsd: 100 };
  }
}

/** A provider entry for settings, talking to the server as `flavour`. */
export function providerAt(server: ModelServer, flavour: Flavour, id: string = flavour): Record<string, unknown> {
  return {
    id,
    kind: flavour === 'gemini' ? 'gemini' : 'openai',
    baseUrl: server.baseUrl(flavour),
    timeoutMs: 20_000,
    ...(flavour === 'gemini' ? {} : { server: flavour === 'lmstudio' ? 'lmstudio' : flavour }),
  };
}

export function parsed(raw: Record<string, unknown>): TieredConfig {
  const result = parseConfig(raw);
  if (!result.ok) throw new Error(result.message);
  return result.config;
}

export interface Harness {
  path: CallPath;
  budget: RecordingBudget;
  problems: ModelProblem[];
  run(spec: CallSpec): ReturnType<CallPath['run']>;
}

/** `cloudOf(providerId)` says which cloud a provider stands for (undefined: a local server, $0). */
export function harness(config: TieredConfig, cloudOf: (providerId: string) => Flavour | undefined): Harness {
  const budget = new RecordingBudget();
  const problems: ModelProblem[] = [];
  const book = new PriceBook();
  const asCloud = (m: ResolvedModel): ResolvedModel => {
    const cloud = CLOUD[cloudOf(m.provider) ?? 'ollama'];
    return cloud ? { ...m, providerConfig: { ...m.providerConfig, baseUrl: cloud } } : m;
  };
  const path = new CallPath({
    config: () => config,
    budget,
    pricing: {
      cost: (m, u, r) => book.cost(asCloud(m), u, r),
      worstCase: (m, i, o) => book.worstCase(asCloud(m), i, o),
      unknownPriceMessage: (m) => book.unknownPriceMessage(m),
    },
    client: async (m) => createModelClient(m.providerConfig, KEY),
    clock: systemClock,
    logger: silentLogger,
    windowId: 'w',
    sleep: async () => {},
    onModelProblem: (p) => problems.push(p),
  });
  return { path, budget, problems, run: (spec) => path.run(spec) };
}
