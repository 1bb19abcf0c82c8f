// The cost panel page in real headless Chromium, under its real CSP, fed the fixture's data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PanelData } from '../../src/webview/protocol';
import { fixturePanelData } from './fixture';
import { CHROMIUM, ROOT, openPanelPage, type PanelPage, type Theme } from './harness';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (run scripts/setup-test-host.sh)`;

async function lastPosted(p: PanelPage, type: string): Promise<Record<string, unknown> | undefined> {
  return (await p.posted()).filter((m) => m.type === type).pop();
}

/**
 * The rendered text of an element, scrolled into view first: sections below the fold use
 * content-visibility: auto, and Chromium gives no innerText for a section it skipped rendering.
 */
async function shownText(p: PanelPage, selector: string): Promise<string> {
  const locator = p.page.locator(selector);
  await locator.scrollIntoViewIfNeeded();
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return locator.innerText();
}

describe('cost panel page', { skip }, () => {
  let p: PanelPage;
  let data: PanelData;

  before(async () => {
    data = fixturePanelData();
    p = await openPanelPage(data);
    await p.page.waitForSelector('#section-prices');
  });
  after(async () => {
    await p?.close();
  });

  test('handshake: the panel says ready with its range and a request id', async () => {
    const ready = await lastPosted(p, 'ready');
    assert.deepEqual(ready?.range, { kind: '7d' });
    assert.match(String(ready?.requestId), /\S/);
  });

  test('every section renders the fixture figures', async () => {
    const text = (sel: string) => shownText(p, sel);
    // One money formatter (src/core/money/format.ts): $0.0001 unit, whole cents as cents.
    assert.match(await text('#totals'), /\$0\.9070 over 9 call\(s\), 2026-11-17 to 2026-11-23 · 1 refused/);

    // Spend per day: one stack per day of the range, tier segments with their amounts.
    assert.equal(await p.page.locator('#section-days g.day').count(), 7);
    assert.equal(await p.page.locator('#section-days g.day[data-day="2026-11-22"] rect').count(), 2);
    assert.match(
      (await p.page.locator('#section-days g.day[data-day="2026-11-22"] > title').textContent()) ?? '',
      /\$0\.50/,
    );
    assert.equal(await p.page.locator('#section-days g.day[data-day="2026-11-19"] rect').count(), 0);

    const commands = await p.page
      .locator('#section-commands g.bar-row')
      .evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-key'), g.querySelector('text.value')?.textContent]));
    assert.deepEqual(commands, [
      ['review', '$0.90 · 3 call(s)'],
      ['complete', '$0.0050 · 5 call(s)'],
      ['tone', '$0.0020 · 1 call(s)'],
    ]);
    const models = await p.page
      .locator('#section-models g.bar-row')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-key')));
    assert.deepEqual(models, ['pro', 'flash-lite', 'flash-lite-next']);

    assert.equal(await text('[data-figure="saved"]'), '$0.16');
    assert.equal(await text('[data-figure="saved-share"]'), '15.0%');
    assert.equal(await text('[data-figure="all-pro"]'), '$1.0670'); // = $0.9070 spent + $0.16 saved

    assert.match(await text('#section-tiers tr[data-tier="lite"]'), /\$0\.0070\s+0\.8%\s+6/);
    assert.match(await text('#section-tiers tr[data-tier="pro"]'), /\$0\.90\s+99\.2%\s+3/);
    assert.match(await text('#pro-warning'), /Pro is 99\.2% of spend, more than 30%/);

    assert.equal(await p.page.locator('#section-calls tbody tr').count(), 9);
    assert.match(await text('#section-calls tbody tr:first-child'), /review\s+pro\s+pro[\s\S]*refused \(daily cap/);

    assert.match(await text('#caps-today'), /Today: \$0\.4030 spent of \$5\.00/);
    assert.equal(await p.page.locator('#cap-daily').evaluate((e) => (e as HTMLInputElement).value), '5');
    assert.equal(await p.page.locator('#cap-soft').evaluate((e) => (e as HTMLInputElement).value), '80');

    assert.equal(await p.page.locator('#section-prices tbody tr').count(), 4);
    assert.match(
      await text('#section-prices tr[data-model="pro"]'),
      /gemini-3\.1-pro-preview[\s\S]*bundled \(2026-09-23\)[\s\S]*\$2[\s\S]*\$12/,
    );
    assert.match(await text('#price-data'), /@pydantic\/genai-prices 0\.1\.8 published 2026-09-23/);
  });

  test('the insight sections render the fixture figures', async () => {
    const text = (sel: string) => shownText(p, sel);
    // Deprecations, soonest first: a dated one with its days left and commands, then the undated flag.
    const rows = await p.page
      .locator('#section-deprecations tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model')));
    assert.deepEqual(rows, ['flash-lite', 'pro-stable']);
    const dated = '#section-deprecations tr[data-model="flash-lite"]';
    assert.match(await text(dated), /flash-lite\s+gemini · gemini-3\.1-flash-lite/);
    assert.equal(await text(`${dated} [data-field="shutdown"]`), '2026-12-10 (in 17 days)');
    assert.equal(await text(`${dated} [data-field="commands"]`), 'complete, tone');
    const flagged = '#section-deprecations tr[data-model="pro-stable"]';
    assert.match(await text(flagged), /gemini · gemini-3\.8-flash/);
    assert.equal(await text(`${flagged} [data-field="shutdown"]`), 'deprecated in the price data');
    assert.equal(await text(`${flagged} [data-field="commands"]`), 'review');

    // Shadow agreement: counts, whole percents and the reading.
    assert.match(await text('#section-shadow tr[data-kind="tone"]'), /Tone fixes\s+42\s+87%\s+mean edit similarity/);
    assert.match(await text('#section-shadow tr[data-kind="review"]'), /Reviews\s+5\s+60%\s+mean findings overlap/);
    assert.deepEqual(await p.page.locator('#section-shadow .shadow-reading').allInnerTexts(), [
      'Lite agrees with pro on 87% of tone fixes across 42 samples.',
      "Lite's review findings overlap pro's by 60% across 5 samples.",
    ]);

    // LiteLLM: remaining of max, spent, reset day; the failing proxy shows its message.
    const team = '#section-litellm tr[data-provider="team-proxy"]';
    assert.match(await text(team), /^team-proxy\s+team team-a, alice/);
    assert.equal(await text(`${team} [data-field="remaining"]`), '$37.50 of $50.00');
    assert.equal(await text(`${team} [data-field="spent"]`), '$12.50');
    assert.equal(await text(`${team} [data-field="reset"]`), '2026-12-01');
    assert.equal(
      await text('#section-litellm p[data-provider="eu-proxy"]'),
      'eu-proxy: http://10.0.0.7:4000/key/info: the proxy refused the key',
    );

    assert.equal(
      await text('#latency-state'),
      'complete moved to flash-lite-next: flash-lite p90 TTFT 1240 ms > 800 ms target',
    );
  });

  test('"Swap model" posts swapModel with that model id', async () => {
    await p.page.locator('#section-deprecations vscode-button[data-swap="pro-stable"]').click();
    const msg = await lastPosted(p, 'swapModel');
    assert.equal(msg?.modelId, 'pro-stable');
    assert.match(String(msg?.requestId), /\S/);
    await p.page.waitForFunction(() => document.getElementById('status')?.textContent === 'swapModel done');
    await p.page.locator('#section-deprecations vscode-button[data-swap="flash-lite"]').click();
    assert.equal((await lastPosted(p, 'swapModel'))?.modelId, 'flash-lite');
  });

  test('without samples, LiteLLM proxies or latency news: the shadow hint, and no empty sections', async () => {
    const quiet = {
      ...data,
      insights: {
        deprecations: [],
        shadow: { tone: { samples: 0, meanSimilarity: null }, review: { samples: 0, meanOverlap: null } },
        litellm: [],
        latency: '',
      },
    };
    const other = await openPanelPage(quiet);
    try {
      await other.page.waitForSelector('#section-prices');
      assert.match(await shownText(other, '#shadow-empty'), /^No samples yet — enable tiered\.shadow\.enabled/);
      assert.match(await shownText(other, '#section-deprecations'), /No model in tiered\.models has/);
      assert.equal(await other.page.locator('#section-litellm, #section-latency').count(), 0);
      assert.deepEqual(await other.problems(), []);
    } finally {
      await other.close();
    }
  });

  test('no CSP violation and no console error under the real policy', async () => {
    assert.deepEqual(await p.problems(), []);
  });

  test('a screenshot of each theme is saved', async () => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await p.page.screenshot({ path: join(ROOT, 'test-results', 'panel.png'), fullPage: true });
    for (const theme of ['light', 'hc'] as Theme[]) {
      const other = await openPanelPage(data, { theme });
      try {
        await other.page.waitForSelector('#section-prices');
        await other.page.screenshot({ path: join(ROOT, 'test-results', `panel-${theme}.png`), fullPage: true });
        assert.deepEqual(await other.problems(), []);
      } finally {
        await other.close();
      }
    }
    assert.ok(existsSync(join(ROOT, 'test-results', 'panel.png')));
  });

  test('the calls table sorts by a column and filters by text', async () => {
    await p.page.locator('#section-calls button[data-sort="costUsd"]').click();
    const costs = await p.page.locator('#section-calls tbody tr td:nth-child(8)').allInnerTexts();
    assert.deepEqual(costs.slice(0, 3), ['$0.50', '$0.40', '$0.0020']);
    // The exact amount on hover, as the CSV writes it.
    assert.equal(
      await p.page.locator('#section-calls tbody tr td:nth-child(8)').nth(2).getAttribute('title'),
      '$0.002',
    );
    assert.equal(await p.page.locator('#section-calls th[aria-sort="descending"]').innerText(), 'Cost ▼');
    await p.page.locator('#section-calls button[data-sort="costUsd"]').click();
    assert.equal((await p.page.locator('#section-calls tbody tr td:nth-child(8)').allInnerTexts())[8], '$0.50');

    await p.page.locator('#calls-filter input').fill('tone');
    assert.equal(await p.page.locator('#section-calls tbody tr').count(), 1);
    assert.match(await p.page.locator('#calls-count').innerText(), /^1 of the 9 newest/);
    await p.page.locator('#calls-filter input').fill('');
    assert.equal(await p.page.locator('#section-calls tbody tr').count(), 9);
  });

  test('saving caps sends setCaps with the typed values', async () => {
    await p.page.locator('#cap-daily input').fill('7.5');
    await p.page.locator('#cap-soft input').fill('70');
    await p.page.locator('#cap-cmd-review input').fill('2');
    await p.page.locator('#caps-save').click();
    await p.page.waitForFunction(() => document.getElementById('status')?.textContent === 'setCaps done');
    const msg = await lastPosted(p, 'setCaps');
    assert.deepEqual(msg?.caps, { dailyCapUsd: 7.5, perCommandUsd: { review: 2 }, softThreshold: 0.7 });
    assert.match(String(msg?.requestId), /\S/);
  });

  test('an invalid cap is named and not sent', async () => {
    const before = (await p.posted()).length;
    await p.page.locator('#cap-cmd-tone input').fill('-3');
    await p.page.locator('#caps-save').click();
    assert.match(await p.page.locator('#caps-error').innerText(), /Cap for "tone"/);
    assert.equal((await p.posted()).length, before);
    await p.page.locator('#cap-cmd-tone input').fill('');
  });

  test("raise today's cap, export and range buttons send their messages", async () => {
    await p.page.locator('#raise-amount input').fill('2.5');
    await p.page.locator('#raise-today').click();
    assert.equal((await lastPosted(p, 'raiseToday'))?.amountUsd, 2.5);
    await p.page.locator('#export-csv').click();
    assert.ok(await lastPosted(p, 'exportCsv'));
    await p.page.locator('vscode-button[data-range="30d"]').click();
    assert.deepEqual((await lastPosted(p, 'setRange'))?.range, { kind: '30d' });
    await p.page.locator('#range-from input').fill('2026-11-01');
    await p.page.locator('#range-to input').fill('2026-11-20');
    await p.page.locator('#range-apply').click();
    assert.deepEqual((await lastPosted(p, 'setRange'))?.range, {
      kind: 'custom',
      from: '2026-11-01',
      to: '2026-11-20',
    });
  });

  test('a live update for a range the user has left is ignored; one for the shown range is drawn', async () => {
    const shown = await p.page.locator('#totals').innerText();
    const stale = { ...data, range: { kind: 'today' }, summary: { ...data.summary, calls: 12345 } };
    await p.page.evaluate((d) => window.postMessage({ type: 'data', data: d }, '*'), stale);
    await p.page.waitForTimeout(200);
    assert.equal(await p.page.locator('#totals').innerText(), shown);
    const current = (await lastPosted(p, 'setRange'))?.range;
    const live = { ...data, range: current, summary: { ...data.summary, calls: 12345 } };
    await p.page.evaluate((d) => window.postMessage({ type: 'data', data: d }, '*'), live);
    await p.page.waitForFunction(() => document.getElementById('totals')?.textContent?.includes('12,345 call(s)'));
  });

  test('hidden and shown again, the panel restores its state before the host answers', async () => {
    await p.page.evaluate(() => sessionStorage.setItem('__noReply', '1'));
    await p.page.reload();
    await p.page.waitForSelector('#section-prices');
    // Rendered from the saved state (the last data drawn): the host has not answered this load's ready.
    assert.match(await p.page.locator('#totals').innerText(), /\$0\.9070 over 12,345 call\(s\)/);
    assert.equal(await p.page.locator('#calls-filter').evaluate((e) => (e as HTMLInputElement).value), '');
    const posted = await p.posted();
    assert.equal(posted.length, 1);
    assert.deepEqual(posted[0]?.range, { kind: 'custom', from: '2026-11-01', to: '2026-11-20' });
  });
});
