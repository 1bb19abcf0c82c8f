// The cost panel in a real VS Code (code-server) against the local model server. One workbench
// window shows the panel (opened by clicking the status bar item); a second window (runInHost,
// suite/panel.spec.ts) opens the panel from its command and makes a priced review call. The first
// window's panel must show the new call without being touched: the ledger is shared by windows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { localDay } from '../../src/core/day';
import { daysBetween } from '../../src/core/deprecation';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { extensionManifest, startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';
import { statusBarElementId, Workbench } from './ui';

/** The webview frame holding the panel page (VS Code nests it in two iframes). */
async function panelFrame(wb: Workbench, timeoutMs = 30_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of wb.page.frames()) {
      if (
        await frame
          .locator('#totals')
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the cost panel page never rendered its totals');
}

/** panel-lite's shutdown date (tiered.models.panel-lite.deprecation): the deprecations section lists it. */
const SHUTDOWN = '2027-01-15';

/** innerText of a panel element scrolled into view (sections below the fold skip rendering). */
async function shownText(frame: Frame, selector: string): Promise<string> {
  const locator = frame.locator(selector);
  await locator.scrollIntoViewIfNeeded();
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return locator.innerText();
}

const PROXY_KEY = 'sk-panel-team-key';

const callsIn = (totals: string) => Number(/([\d,]+) call\(s\)/.exec(totals)?.[1]?.replace(/,/g, '') ?? NaN);

describe('cost panel in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;
  let wb: Workbench | undefined;

  before(async () => {
    ensureExtensionBuilt();
    // The provider doubles as a LiteLLM proxy: /key/info reports this key's budget once it is set.
    models = await startModelServer({ litellmKeys: { [PROXY_KEY]: { maxBudget: 10, spend: 2.5 } } });
    models.setDefaults({ text: () => 'Looks fine.' });
    workspace = makeWorkspace({ 'notes.md': '# Notes\n' });
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: models.openaiBaseUrl }],
        'tiered.models': {
          // Priced by override: a loopback model is otherwise free, and the panel should show money.
          'panel-lite': {
            provider: 'local',
            model: 'panel-lite',
            tier: 'lite',
            maxOutputTokens: 256,
            price: { inputPerMTok: 0.25, outputPerMTok: 1.5 },
            deprecation: SHUTDOWN,
          },
          'panel-pro': {
            provider: 'local',
            model: 'panel-pro',
            tier: 'pro',
            maxOutputTokens: 1024,
            price: { inputPerMTok: 2, outputPerMTok: 12 },
          },
        },
        'tiered.tiers': { lite: ['panel-lite'], pro: ['panel-pro'] },
        'tiered.inline': { enabled: false },
        'tiered.litellm.providers': ['local'],
      },
    });
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('a status bar click opens the panel, and a call from another window shows up in it', async () => {
    const { publisher, name } = extensionManifest(REPO_ROOT);
    wb = await Workbench.open(server, { timeoutMs: 60_000 });
    const item = statusBarElementId(`${publisher}.${name}`, 'tiered.spend');
    await wb.statusBarText(item, 60_000);
    await wb.statusBarItem(item).first().click();
    const frame = await panelFrame(wb);
    const before = callsIn(await frame.locator('#totals').innerText());
    assert.ok(Number.isFinite(before), 'no call count in the totals');
    for (const id of ['days', 'commands', 'models', 'savings', 'tiers', 'calls', 'caps', 'prices']) {
      assert.equal(await frame.locator(`#section-${id}`).count(), 1, `section ${id} is missing`);
    }
    assert.match(
      await frame.locator('#section-prices tr[data-model="panel-pro"]').innerText(),
      /override[\s\S]*\$2[\s\S]*\$12/,
    );

    const result = await runInHost({
      server,
      specs: ['panel'],
      timeoutMs: 150_000,
      screenshotPath: resultPath('host-panel.png'),
    });
    assert.equal(result.exitCode, 0, result.output);
    assert.match(result.output, /3 passing/);
    assert.ok(
      models.requests('openai.chat').some((r) => r.model === 'panel-pro'),
      'the pro model was never called',
    );

    // The other window's call reaches this panel through the shared ledger, with no click here.
    const end = Date.now() + 15_000;
    let now = before;
    while (Date.now() < end && now <= before) {
      await new Promise((r) => setTimeout(r, 250));
      now = callsIn(await frame.locator('#totals').innerText());
    }
    assert.equal(now, before + 1, 'the panel did not update after the call');
    assert.match(await frame.locator('#section-commands').innerText(), /review/);
    assert.match(await frame.locator('#section-calls tbody tr').first().innerText(), /review\s+pro\s+panel-pro/);
    await wb.screenshot('panel-vscode');
  });

  test('saving caps in the panel writes tiered.budget to the user settings', async () => {
    assert.ok(wb, 'the first test did not open the workbench');
    const frame = await panelFrame(wb);
    await frame.locator('#cap-daily input').fill('7.5');
    await frame.locator('#cap-cmd-review input').fill('2');
    await frame.locator('#caps-save').click();
    await frame.locator('#status', { hasText: 'Caps saved' }).waitFor({ timeout: 15_000 });
    const settings = JSON.parse(
      fs.readFileSync(path.join(server.userDataDir, 'User', 'settings.json'), 'utf8'),
    ) as Record<string, { dailyCapUsd?: number; perCommandUsd?: Record<string, number>; softThreshold?: number }>;
    assert.deepEqual(settings['tiered.budget'], { dailyCapUsd: 7.5, perCommandUsd: { review: 2 }, softThreshold: 0.8 });
    // The extension reloads its settings; the status bar shows the new cap.
    const { publisher, name } = extensionManifest(REPO_ROOT);
    const item = statusBarElementId(`${publisher}.${name}`, 'tiered.spend');
    const end = Date.now() + 15_000;
    while (Date.now() < end && !(await wb.statusBarText(item)).includes('$7.50'))
      await new Promise((r) => setTimeout(r, 250));
    assert.match(await wb.statusBarText(item), /\/ \$7\.50/);
  });

  // Last: opening the settings editor hides the panel.
  test('the insight sections show the real features\' state; "Swap model" opens the user settings JSON', async () => {
    assert.ok(wb, 'the first test did not open the workbench');
    const frame = await panelFrame(wb);
    const row = '#section-deprecations tr[data-model="panel-lite"]';
    const days = daysBetween(localDay(), SHUTDOWN);
    assert.equal(await shownText(frame, `${row} [data-field="shutdown"]`), `${SHUTDOWN} (in ${days} days)`);
    assert.equal(await shownText(frame, `${row} [data-field="commands"]`), 'complete, tone');
    // Shadow sampling is off in these settings: the hint names the setting.
    assert.match(await shownText(frame, '#section-shadow'), /No samples yet — enable tiered\.shadow\.enabled/);
    // No latency move: that section stays out.
    assert.equal(await frame.locator('#section-latency').count(), 0);

    // LiteLLM: no key yet, so the proxy's budget cannot be read and the panel says why.
    assert.match(await shownText(frame, '#section-litellm p[data-provider="local"]'), /^local: no API key set/);
    // Setting the key refreshes the budget; the panel repaints from onDidChangeInsights alone (no
    // call, no settings change).
    await wb.runCommand('Tiered: Set API Key');
    const pick = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'local' }).first();
    await pick.waitFor({ state: 'visible' });
    await pick.click();
    await wb.page.locator('.quick-input-widget input').fill(PROXY_KEY);
    await wb.page.keyboard.press('Enter');
    const budget = frame.locator('#section-litellm tr[data-provider="local"] [data-field="remaining"]');
    await budget.waitFor({ timeout: 15_000 });
    assert.equal(
      await shownText(frame, '#section-litellm tr[data-provider="local"] [data-field="remaining"]'),
      '$7.50 of $10.00',
    );
    assert.equal(await shownText(frame, '#section-litellm tr[data-provider="local"] [data-field="spent"]'), '$2.50');
    assert.equal(await frame.locator('#section-litellm p[data-provider="local"]').count(), 0);
    await wb.screenshot('panel-insights-vscode');

    const settingsTab = wb.page.locator('.tabs-container .tab', { hasText: 'settings.json' });
    assert.equal(await settingsTab.count(), 0, 'settings.json was open before the click');
    await frame.locator(`${row} vscode-button[data-swap="panel-lite"]`).click();
    // The host opened settings.json (the one place to swap a model) and answered the panel.
    await settingsTab.first().waitFor({ timeout: 15_000 });
    await wb.screenshot('panel-swap-model');
  });
});
