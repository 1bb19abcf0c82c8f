// Usage → cost on the wire: the real adapters read usage from the local server's real response
// shapes, PriceBook prices it, and the result must equal @pydantic/genai-prices' own calculation
// from the same raw numbers (plain, cached, reasoning/thinking, long context). Then a cancel
// through the whole call path: the socket closes and the ledger bills the prompt.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import { Budget } from '../../src/core/budget';
import { CallPath } from '../../src/core/callPath';
import { parseConfig, type ProviderConfig } from '../../src/core/config';
import { TieredError } from '../../src/core/errors';
import { readDay } from '../../src/core/ledger';
import { localDay } from '../../src/core/day';
import { PriceBook } from '../../src/core/prices';
import type { ResolvedModel } from '../../src/core/router';
import { silentLogger, systemClock } from '../../src/core/types';
import { createModelClient } from '../../src/providers';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { KEY, chat, providerFor } from './helpers';

/** The same model as the adapter talks to, but priced as the cloud provider it stands for. */
function cloudModel(kind: 'openai' | 'gemini', model: string): ResolvedModel {
  const providerConfig: ProviderConfig =
    kind === 'openai'
      ? { id: 'openai', kind, baseUrl: 'https://api.openai.com/v1', timeoutMs: 30_000 }
      : { id: 'gemini', kind, baseUrl: 'https://generativelanguage.googleapis.com', timeoutMs: 30_000 };
  return {
    id: model,
    provider: providerConfig.id,
    model,
    tier: 'pro',
    maxOutputTokens: 4096,
    fim: false,
    providerConfig,
  };
}

interface Case {
  name: string;
  promptTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

const CASES: Case[] = [
  { name: 'plain', promptTokens: 1200, cachedTokens: 0, reasoningTokens: 0 },
  { name: 'cached', promptTokens: 5000, cachedTokens: 4096, reasoningTokens: 0 },
  { name: 'reasoning/thinking', promptTokens: 800, cachedTokens: 0, reasoningTokens: 300 },
  {
    name: 'long context (above 200k and 272k tiers)',
    promptTokens: 300_000,
    cachedTokens: 100_000,
    reasoningTokens: 500,
  },
];

describe('usage → cost on the wire equals the price data', () => {
  let server: ModelServer;
  const book = new PriceBook();
  before(async () => {
    server = await startModelServer();
  });
  after(async () => server.close());

  for (const [kind, modelName] of [
    ['openai', 'gpt-5-mini'],
    ['openai', 'gpt-5.4'],
    ['gemini', 'gemini-2.5-pro'],
    ['gemini', 'gemini-3.1-flash-lite'],
  ] as const) {
    for (const c of CASES) {
      test(`${kind} ${modelName}: ${c.name}`, async () => {
        const client = createModelClient(providerFor(server, kind), KEY);
        const text = 'a reply of a few tokens';
        server.enqueue({
          text,
          usage: { promptTokens: c.promptTokens, cachedTokens: c.cachedTokens, reasoningTokens: c.reasoningTokens },
        });
        // The cap field the gpt-5 family takes (core decides it per family); room for the reasoning.
        const response = await client.stream(
          chat(modelName, 'price me', {
            maxOutputTokens: 4096,
            ...(kind === 'openai' ? { outputCapField: 'max_completion_tokens' as const } : {}),
          }),
        );
        assert.ok(response.usage, 'usage arrived');
        const visibleOut = Math.ceil(text.length / 4);
        // What the price data bills for the raw numbers the server sent.
        const expected = calcPrice(
          {
            input_tokens: c.promptTokens,
            cache_read_tokens: c.cachedTokens,
            output_tokens: visibleOut + c.reasoningTokens,
          },
          modelName,
          { providerId: kind === 'openai' ? 'openai' : 'google' },
        );
        assert.ok(expected, 'the price data knows the model');
        assert.equal(response.usage.inputTokens, c.promptTokens);
        assert.equal(response.usage.cachedInputTokens, c.cachedTokens);
        assert.equal(response.usage.reasoningTokens, c.reasoningTokens);
        assert.equal(response.usage.outputTokens, visibleOut + c.reasoningTokens);
        const cost = book.cost(cloudModel(kind, modelName), response.usage);
        assert.equal(cost.source, 'bundled');
        assert.ok(Math.abs(cost.costUsd - expected.total_price) < 1e-12, `${cost.costUsd} vs ${expected.total_price}`);
        assert.ok(cost.costUsd > 0);
      });
    }
  }
});

describe('cancel through the call path', () => {
  let server: ModelServer;
  let dir: string;
  before(async () => {
    server = await startModelServer({ knobs: { tokensPerSecond: 50 } });
    dir = mkdtempSync(join(tmpdir(), 'tiered-cancel-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ['openai', 'gemini'] as const) {
    test(`${kind}: abort mid-stream closes the socket and the ledger bills the prompt, outcome cancelled`, async () => {
      const parsed = parseConfig({
        providers: [{ ...providerFor(server, kind, 'local'), baseUrl: providerFor(server, kind).baseUrl }],
        models: {
          m: {
            provider: 'local',
            model: 'm-1',
            tier: 'pro',
            maxOutputTokens: 500,
            price: { inputPerMTok: 1, outputPerMTok: 4 },
          },
        },
        tiers: { lite: ['m'], pro: ['m'] },
      });
      assert.ok(parsed.ok);
      const config = parsed.config;
      const budget = new Budget({ dir, windowId: 'w', getConfig: () => config.budget });
      const book = new PriceBook();
      const path = new CallPath({
        config: () => config,
        budget,
        pricing: {
          cost: (m, u, r) => book.cost(m, u, r),
          worstCase: (m, i, o) => book.worstCase(m, i, o),
          unknownPriceMessage: (m) => book.unknownPriceMessage(m),
        },
        client: async (m) => createModelClient(m.providerConfig, KEY),
        clock: systemClock,
        logger: silentLogger,
        windowId: 'w',
      });
      server.clearLog();
      server.enqueue({ text: 'word '.repeat(200) });
      const controller = new AbortController();
      let streamed = '';
      const run = path.run({
        command: 'review',
        signal: controller.signal,
        onText: (d) => {
          streamed += d;
          if (streamed.length > 20) controller.abort();
        },
        build: () => ({ messages: [{ role: 'user', content: 'x'.repeat(4000) }], maxOutputTokens: 500 }),
      });
      await assert.rejects(run, (e: unknown) => TieredError.is(e, 'cancelled'));
      await server.idle();
      const logged = server.log.filter((r) => r.model === 'm-1');
      assert.equal(logged.length, 1, 'one request, no retry after a cancel');
      assert.equal(logged[0]!.clientClosedEarly, true, 'the server saw the socket close');
      const records = readDay(dir, localDay()).records.filter(
        (r) => r.provider === 'local' && r.outcome === 'cancelled',
      );
      const record = records[records.length - 1]!;
      assert.ok(record, 'a cancelled record was written');
      assert.ok(record.inputTokens >= 1000, `prompt billed (${record.inputTokens} tokens)`);
      assert.ok(record.outputTokens > 0, 'streamed text billed');
      assert.ok(record.costUsd > 0);
      assert.equal(budget.status().reservedUsd, 0, 'reservation released');
    });
  }
});
