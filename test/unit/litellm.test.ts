import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeKeyInfo,
  keyBudgetNote,
  keyInfoUrl,
  litellmSetupProblems,
  parseKeyInfo,
  tightest,
  type KeyInfoResult,
} from '../../src/core/litellm';
import { defaultConfig, parseConfig } from '../../src/core/config';
import { fetchKeyInfo } from '../../src/providers/litellmKeyInfo';
import { startModelServer, type ModelServer } from '../server/modelServer';

describe('keyInfoUrl', () => {
  test('strips /v1 and trailing slashes', () => {
    assert.equal(keyInfoUrl('https://proxy.example.com/v1'), 'https://proxy.example.com/key/info');
    assert.equal(keyInfoUrl('https://proxy.example.com/v1/'), 'https://proxy.example.com/key/info');
    assert.equal(keyInfoUrl('http://127.0.0.1:4000'), 'http://127.0.0.1:4000/key/info');
    assert.equal(keyInfoUrl('https://corp.example.com/litellm/v1'), 'https://corp.example.com/litellm/key/info');
  });
});

describe('parseKeyInfo', () => {
  test('reads spend, budget, reset and team', () => {
    const b = parseKeyInfo({
      key: 'sk-x',
      info: {
        spend: 12.5,
        max_budget: 50,
        budget_reset_at: '2026-12-01T00:00:00Z',
        budget_duration: '30d',
        team_id: 'team-a',
        key_alias: 'alice',
      },
    });
    assert.deepEqual(b, {
      spendUsd: 12.5,
      maxBudgetUsd: 50,
      remainingUsd: 37.5,
      resetAt: '2026-12-01T00:00:00Z',
      budgetDuration: '30d',
      keyAlias: 'alice',
      teamId: 'team-a',
    });
  });

  test('no budget → remaining null; overspent → 0 left', () => {
    assert.equal(parseKeyInfo({ info: { spend: 3, max_budget: null } })!.remainingUsd, null);
    assert.equal(parseKeyInfo({ info: { spend: 60, max_budget: 50 } })!.remainingUsd, 0);
  });

  test('rejects other shapes', () => {
    assert.equal(parseKeyInfo(null), undefined);
    assert.equal(parseKeyInfo({ spend: 1 }), undefined);
    assert.equal(parseKeyInfo({ info: { spend: 'lots' } }), undefined);
  });
});

describe('wording', () => {
  const ok = (providerId: string, spend: number, max: number | null): KeyInfoResult => ({
    ok: true,
    providerId,
    fetchedAt: 0,
    budget: { spendUsd: spend, maxBudgetUsd: max, remainingUsd: max === null ? null : Math.max(0, max - spend) },
  });

  test('note and tooltip name the amounts', () => {
    // The one money formatter (src/core/money/format.ts): the same figure as the panel shows.
    assert.equal(keyBudgetNote({ spendUsd: 12.7, maxBudgetUsd: 50, remainingUsd: 37.3 }), '$37.30 left');
    assert.equal(keyBudgetNote({ spendUsd: 48.5, maxBudgetUsd: 50, remainingUsd: 1.5 }), '$1.50 left');
    assert.equal(keyBudgetNote({ spendUsd: 1.234, maxBudgetUsd: null, remainingUsd: null }), '$1.2340 spent');
    assert.equal(describeKeyInfo(ok('team', 10, 50)), 'LiteLLM "team": $40.00 left of $50.00, $10.00 spent');
    assert.equal(
      describeKeyInfo({ ok: false, providerId: 'team', message: 'boom', fetchedAt: 0 }),
      'LiteLLM "team": boom',
    );
  });

  test('tightest picks the smallest remaining budget', () => {
    const results = [
      ok('a', 1, null),
      ok('b', 45, 50),
      ok('c', 1, 50),
      { ok: false as const, providerId: 'd', message: 'x', fetchedAt: 0 },
    ];
    assert.equal(tightest(results)!.providerId, 'b');
    assert.equal(tightest([]), undefined);
  });
});

describe('litellmSetupProblems', () => {
  test('names unknown providers, wrong kinds and price overrides', () => {
    const parsed = parseConfig({
      providers: [
        { id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com' },
        { id: 'team', kind: 'openai', baseUrl: 'https://litellm.example.com/v1' },
      ],
      models: {
        'flash-lite': { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'lite', maxOutputTokens: 100 },
        'flash-lite-next': { provider: 'gemini', model: 'gemini-3.5-flash-lite', tier: 'lite', maxOutputTokens: 100 },
        pro: {
          provider: 'team',
          model: 'gpt-5',
          tier: 'pro',
          maxOutputTokens: 100,
          price: { inputPerMTok: 1, outputPerMTok: 2 },
        },
        'pro-stable': { provider: 'team', model: 'gpt-4.1', tier: 'pro', maxOutputTokens: 100 },
      },
    });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    const problems = litellmSetupProblems(parsed.config, ['team', 'gemini', 'nope']);
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /tiered\.models\.pro\.price/);
    assert.match(problems[1]!, /kind "gemini"/);
    assert.match(problems[2]!, /"nope" is not a provider/);
    assert.deepEqual(litellmSetupProblems(defaultConfig(), []), []);
  });
});

describe('fetchKeyInfo against the local LiteLLM emulation', () => {
  let server: ModelServer;
  before(async () => {
    server = await startModelServer({
      knobs: { litellmCostUsd: 0.25 },
      litellmKeys: { 'sk-team': { maxBudget: 10, spend: 2 }, 'sk-free': { maxBudget: null } },
    });
  });
  after(async () => server.close());

  test('reads the key budget, and sees the spend of a call through the proxy', async () => {
    const first = await fetchKeyInfo('team', server.openaiBaseUrl, 'sk-team');
    assert.ok(first.ok, first.ok ? '' : first.message);
    assert.equal(first.budget.spendUsd, 2);
    assert.equal(first.budget.remainingUsd, 8);
    const req = server.requests('litellm.keyInfo').at(-1)!;
    assert.equal(req.headers.authorization, 'Bearer sk-team');
    assert.equal(req.path, '/key/info');

    const chat = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-team', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(chat.headers.get('x-litellm-response-cost'), '0.25');
    await chat.text();
    const second = await fetchKeyInfo('team', server.openaiBaseUrl, 'sk-team');
    assert.ok(second.ok);
    assert.equal(second.budget.spendUsd, 2.25);
    assert.equal(second.budget.remainingUsd, 7.75);
  });

  test('a key without a budget', async () => {
    const r = await fetchKeyInfo('team', `${server.url}/`, 'sk-free');
    assert.ok(r.ok);
    assert.equal(r.budget.maxBudgetUsd, null);
    assert.equal(r.budget.remainingUsd, null);
  });

  test('failures come back as messages, never throws', async () => {
    const unknown = await fetchKeyInfo('team', server.openaiBaseUrl, 'sk-other');
    assert.equal(unknown.ok, false);
    assert.match(unknown.ok ? '' : unknown.message, /does not know this key/);
    const nokey = await fetchKeyInfo('team', server.openaiBaseUrl, undefined);
    assert.match(nokey.ok ? '' : nokey.message, /Set API Key/);
    const down = await fetchKeyInfo('team', 'http://127.0.0.1:9/v1', 'sk-team', { timeoutMs: 2000 });
    assert.equal(down.ok, false);
    assert.match(down.ok ? '' : down.message, /could not reach http:\/\/127\.0\.0\.1:9\/key\/info/);
  });
});
