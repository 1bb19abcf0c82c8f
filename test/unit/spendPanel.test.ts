import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, parseConfig } from '../../src/core/config';
import { PriceBook } from '../../src/core/prices';
import { SpendCache } from '../../src/core/spend/cache';
import { buildPanelData, priceViews, proModelOf, proRepricer, RECENT_LIMIT } from '../../src/vscode/panel/data';
import { contentSecurityPolicy, newNonce, panelHtml } from '../../src/vscode/panel/html';
import { panelMessageSchema } from '../../src/webview/protocol';
import { fixturePanelData, fixtureRecords } from '../ui/fixture';

const book = new PriceBook({ clock: { now: () => Date.parse('2026-11-23T12:00:00Z') } });

describe('panel protocol (host-side validation)', () => {
  const ok = (m: unknown) => panelMessageSchema.safeParse(m).success;

  test('accepts each message the panel sends', () => {
    assert.ok(ok({ type: 'ready', requestId: 'r1' }));
    assert.ok(ok({ type: 'ready', requestId: 'r1', range: { kind: '30d' } }));
    assert.ok(
      ok({ type: 'setRange', requestId: 'r2', range: { kind: 'custom', from: '2026-11-01', to: '2026-11-20' } }),
    );
    assert.ok(
      ok({
        type: 'setCaps',
        requestId: 'r3',
        caps: { dailyCapUsd: 7.5, perCommandUsd: { review: 2 }, softThreshold: 0.7 },
      }),
    );
    assert.ok(ok({ type: 'raiseToday', requestId: 'r4', amountUsd: 1 }));
    assert.ok(ok({ type: 'exportCsv', requestId: 'r5' }));
    assert.ok(ok({ type: 'swapModel', requestId: 'r6', modelId: 'flash-lite' }));
  });

  test('rejects unknown types, missing ids, extra fields and out-of-range numbers', () => {
    assert.ok(!ok({ type: 'runCommand', requestId: 'r1', command: 'workbench.action.terminal.new' }));
    assert.ok(!ok({ type: 'exportCsv' }));
    assert.ok(!ok({ type: 'exportCsv', requestId: 'r1', path: '/etc/passwd' }));
    assert.ok(!ok({ type: 'setRange', requestId: 'r1', range: { kind: '90d' } }));
    assert.ok(
      !ok({ type: 'setRange', requestId: 'r1', range: { kind: 'custom', from: '2026-11-01', to: 'tomorrow' } }),
    );
    assert.ok(
      !ok({ type: 'setCaps', requestId: 'r1', caps: { dailyCapUsd: -1, perCommandUsd: {}, softThreshold: 0.8 } }),
    );
    assert.ok(
      !ok({ type: 'setCaps', requestId: 'r1', caps: { dailyCapUsd: 5, perCommandUsd: {}, softThreshold: 80 } }),
    );
    assert.ok(
      !ok({ type: 'setCaps', requestId: 'r1', caps: { dailyCapUsd: Infinity, perCommandUsd: {}, softThreshold: 0.8 } }),
    );
    assert.ok(!ok({ type: 'raiseToday', requestId: 'r1', amountUsd: 0 }));
    assert.ok(!ok({ type: 'raiseToday', requestId: 'r1', amountUsd: '5' }));
    // swapModel names a model and nothing else: not a setting, command or path to act on.
    assert.ok(!ok({ type: 'swapModel', requestId: 'r1' }));
    assert.ok(!ok({ type: 'swapModel', requestId: 'r1', modelId: '' }));
    assert.ok(!ok({ type: 'swapModel', requestId: 'r1', modelId: 7 }));
    assert.ok(!ok({ type: 'swapModel', requestId: 'r1', modelId: 'x'.repeat(201) }));
    assert.ok(!ok({ type: 'swapModel', requestId: 'r1', modelId: 'pro', to: 'gpt-5' }));
    assert.ok(!ok(null));
    assert.ok(!ok('ready'));
  });
});

describe('panel page', () => {
  test('CSP allows nothing by default, scripts only by nonce, and no inline style or eval', () => {
    const csp = contentSecurityPolicy({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc' });
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  test('a fresh nonce on every load, used by the script and the stylesheet', () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9_-]{24}$/);
    const nonce = newNonce();
    const html = panelHtml({
      cspSource: 'vscode-resource:',
      nonce,
      scriptUri: 'https://a/dist/webview.js',
      styleUri: 'https://a/media/panel.css',
    });
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://a/dist/webview.js">`));
    assert.match(html, new RegExp(`script-src 'nonce-${nonce}'`));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});

describe('panel data', () => {
  test('the fixture view carries the summary, newest calls, caps and every model price', () => {
    const data = fixturePanelData();
    assert.deepEqual(data.days, { from: '2026-11-17', to: '2026-11-23' });
    assert.equal(data.recent.length, 9);
    assert.equal(data.recent[0]!.outcome, 'refused');
    assert.deepEqual(data.caps.commands, ['complete', 'tone', 'review']);
    assert.deepEqual(
      data.prices.map((p) => [p.modelId, p.source]),
      [
        ['flash-lite', 'bundled'],
        ['flash-lite-next', 'bundled'],
        ['pro', 'bundled'],
        ['pro-stable', 'bundled'],
      ],
    );
    assert.deepEqual(data.proModel, { modelId: 'pro', known: true });
    assert.deepEqual(data.tierOrder, ['lite', 'pro']);
    // The insights pass through as the features report them.
    assert.deepEqual(
      data.insights?.deprecations.map((d) => [d.modelId, d.date ?? null, d.daysLeft ?? null, d.commands]),
      [
        ['flash-lite', '2026-12-10', 17, ['complete', 'tone']],
        ['pro-stable', null, null, ['review']],
      ],
    );
    assert.equal(data.insights?.shadow.tone.samples, 42);
    assert.ok(Math.abs((data.insights?.shadow.tone.meanSimilarity ?? 0) - 0.87) < 1e-9);
    assert.deepEqual(data.insights?.shadow.review, { samples: 5, meanOverlap: 0.6 });
  });

  test('without insights from the host the view carries empty ones (no samples, no proxies)', () => {
    const config = defaultConfig();
    const cache = new SpendCache({ priceAtPro: () => 0, recentLimit: RECENT_LIMIT, tierOrder: ['lite', 'pro'] });
    const days = { from: '2026-11-23', to: '2026-11-23' };
    const data = buildPanelData({
      config,
      cache,
      range: { kind: 'today' },
      days,
      today: { day: '2026-11-23', spentUsd: 0, capUsd: 5 },
      prices: priceViews(config, book),
    });
    assert.deepEqual(data.insights, {
      deprecations: [],
      shadow: { tone: { samples: 0, meanSimilarity: null }, review: { samples: 0, meanOverlap: null } },
      litellm: [],
      latency: '',
    });
  });

  test('savings use the pro primary model: an override price changes them, an unknown one is said', () => {
    const withOverride = parseConfig({
      models: {
        ...defaultConfig().models,
        pro: {
          provider: 'gemini',
          model: 'gemini-3.1-pro-preview',
          tier: 'pro',
          maxOutputTokens: 16384,
          price: { inputPerMTok: 10, outputPerMTok: 100 },
        },
      },
    });
    assert.ok(withOverride.ok);
    const reprice = proRepricer(withOverride.config, book)!;
    const lite = fixtureRecords()[0]!;
    assert.ok(Math.abs(reprice(lite) - (10_000 * 10 + 500 * 100) / 1e6) < 1e-12);

    const local = parseConfig({
      providers: [
        ...defaultConfig().providers,
        { id: 'mystery', kind: 'openai', baseUrl: 'https://llm.example.com/v1' },
      ],
      models: {
        ...defaultConfig().models,
        pro: { provider: 'mystery', model: 'house-model-9', tier: 'pro', maxOutputTokens: 4096 },
      },
    });
    assert.ok(local.ok, local.ok ? '' : local.message);
    assert.equal(proModelOf(local.config)?.id, 'pro');
    assert.equal(proRepricer(local.config, book), undefined);
    const cache = new SpendCache({ priceAtPro: () => undefined, recentLimit: RECENT_LIMIT });
    const days = { from: '2026-11-21', to: '2026-11-23' };
    cache.load(days, fixtureRecords());
    const data = buildPanelData({
      config: local.config,
      cache,
      range: { kind: 'custom', ...days },
      days,
      today: { day: '2026-11-23', spentUsd: 0, capUsd: 5 },
      prices: priceViews(local.config, book),
    });
    assert.equal(data.proModel.known, false);
    const pro = data.prices.find((p) => p.modelId === 'pro')!;
    assert.equal(pro.source, 'unknown');
    assert.match(pro.message ?? '', /tiered\.models\.pro\.price/);
    assert.equal(data.summary.savings.unpricedCalls, 6);
  });
});
