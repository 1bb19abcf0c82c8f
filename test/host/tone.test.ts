// Tone fixes in a real VS Code (code-server 1.100.3) against the local model server: the spec
// (suite/tone.spec.ts) drives the commands; this file starts both servers and checks what the model
// server received: lite and pro were called, no code and nothing from an excluded file was sent,
// and the cancelled request's socket was closed. The UI tests press the keys a person would:
// Ctrl+. on a selection, then Ctrl+Z; the palette command and its tone pick.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer, type ScriptRequest } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';
import { statusBarElementId, Workbench } from './ui';

const FILES: Record<string, string> = {
  'greet.ts': [
    '// teh greeting we send to users',
    'export function greet(name: string): string {',
    '  const tehValue = "teh";',
    '  return `hello ${name} ${tehValue}`; /* teh template */',
    '}',
    '',
  ].join('\n'),
  'stubborn.md': 'The stubborn paragraph keeps teh typo for lite.\n',
  'slow.md': 'Please make teh slow text formal.\n',
  'edited.md': 'Teh text the user keeps editing.\n',
  'pick.md': 'Teh pick works.\n',
  'pirate.md': 'Teh parrot talks.\n',
  'secrets/notes.md': 'SECRET-NOTE: teh vault code is 1234.\n',
};

const PIRATE = 'Talk like a pirate.';

/** Fixes "teh" in what it was sent; the lite model leaves "stubborn" texts as they are (a failed check). */
function reply(req: ScriptRequest): string {
  const users = req.messages.filter((m) => m.role === 'user');
  const text = users[users.length - 1]?.text ?? '';
  if (req.model === 'tone-lite' && text.includes('stubborn')) return text;
  const fixed = text.replace(/\bteh\b/gi, (w) => (w[0] === 'T' ? 'The' : 'the'));
  return req.messages.some((m) => m.text.includes(PIRATE)) ? `Arr, ${fixed[0]!.toLowerCase()}${fixed.slice(1)}` : fixed;
}

describe('tone fixes in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer();
    models.setDefaults({ text: reply });
    // The cancel test routes lite to this model: slow enough to be cancelled mid-request.
    models.setModelKnobs('tone-slow', { ttftMs: 10_000 });
    workspace = makeWorkspace(FILES);
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: models.openaiBaseUrl }],
        'tiered.models': {
          'tone-lite': { provider: 'local', model: 'tone-lite', tier: 'lite', maxOutputTokens: 512 },
          'tone-pro': { provider: 'local', model: 'tone-pro', tier: 'pro', maxOutputTokens: 4096 },
          'tone-slow': { provider: 'local', model: 'tone-slow', tier: 'lite', maxOutputTokens: 512 },
        },
        'tiered.tiers': { lite: ['tone-lite'], pro: ['tone-pro'] },
        'tiered.inline': { enabled: false },
        'tiered.tone': { custom: [{ name: 'Pirate', instruction: PIRATE }] },
      },
    });
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('tone.spec passes inside the extension host, and the model server saw only comment prose', async () => {
    const result = await runInHost({
      server,
      specs: ['tone'],
      timeoutMs: 150_000,
      screenshotPath: resultPath('host-tone.png'),
    });
    const summary = models.log.map(
      (r) =>
        `${r.id} ${r.route} ${r.model} t=${r.time % 1e6} ${r.durationMs}ms closedEarly=${r.clientClosedEarly} ${JSON.stringify(r.body).slice(0, 160)} … ${JSON.stringify(r.body).slice(-100)}`,
    );
    assert.equal(result.exitCode, 0, `${result.output}\n--- model server log ---\n${summary.join('\n')}`);
    assert.match(result.output, /one undo restores the text/);
    assert.match(result.output, /9 passing/);

    const chats = models.requests('openai.chat');
    const sent = chats.map((r) => JSON.stringify(r.body));
    assert.ok(
      chats.some((r) => r.model === 'tone-lite'),
      'no request reached the lite model',
    );
    assert.ok(
      chats.some((r) => r.model === 'tone-pro'),
      'the escalation never reached the pro model',
    );
    for (const code of ['export function greet', 'tehValue', 'return `hello']) {
      assert.equal(
        sent.some((s) => s.includes(code)),
        false,
        `code "${code}" was sent`,
      );
    }
    assert.ok(sent.some((s) => s.includes('teh greeting we send to users')));
    assert.equal(
      sent.some((s) => s.includes('SECRET-NOTE')),
      false,
      'text from an excluded file was sent',
    );
    const systemPrompts = chats.map((r) => JSON.stringify((r.body as { messages?: unknown[] }).messages?.[0] ?? ''));
    assert.ok(
      systemPrompts.some((p) => p.includes('Make it concise')),
      'the pick did not run Concise',
    );
    assert.ok(
      systemPrompts.some((p) => p.includes(PIRATE)),
      'the custom tone instruction was not sent',
    );
    const slow = chats.filter((r) => r.model === 'tone-slow');
    assert.equal(slow.length, 2, 'the slow requests (Escape, then an edit) never arrived');
    for (const r of slow) assert.equal(r.clientClosedEarly, true, 'cancelling did not close the socket');
  });
});

describe('tone fixes through the UI', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;
  let wb: Workbench;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer();
    models.setDefaults({ text: reply });
    workspace = makeWorkspace({
      // Python: no language server here, so no other provider competes for the lightbulb.
      'ui.py': '# teh comment in the ui\nteh = 1\n',
      'palette.md': 'Teh palette works.\n',
    });
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: models.openaiBaseUrl }],
        'tiered.models': { 'tone-lite': { provider: 'local', model: 'tone-lite', tier: 'lite', maxOutputTokens: 512 } },
        'tiered.tiers': { lite: ['tone-lite'], pro: ['pro'] },
        'tiered.inline': { enabled: false },
        'tiered.tone': { custom: [{ name: 'Pirate', instruction: PIRATE }] },
      },
    });
    wb = await Workbench.open(server);
    // Tiered activates on startup finished: its status bar item says the providers are registered.
    await wb.statusBarText(statusBarElementId('tiered.tiered', 'tiered.spend'), 30_000);
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('Ctrl+. → "Tiered: Fix grammar" rewrites the comment; Ctrl+Z once restores it', async () => {
    await wb.openFile('ui.py');
    const original = await wb.editorText();
    await wb.press('Control+A');
    // Ctrl+. opens the lightbulb's menu, where refactor.rewrite actions are listed.
    await wb.press('Control+.');
    const action = wb.page.locator('.action-widget .monaco-list-row', { hasText: 'Tiered: Fix grammar' }).first();
    await action.waitFor({ state: 'visible', timeout: 30_000 }).catch(async (err: unknown) => {
      await wb.screenshot('tone-ui-refactor-menu');
      throw err;
    });
    // The widget takes the keyboard (a pointer block covers it until the mouse moves).
    for (let k = 0; k < 5 && !(await action.evaluate((e) => e.classList.contains('focused'))); k++) {
      await wb.press('ArrowDown');
    }
    await wb.press('Enter');
    await wb.page.waitForFunction(
      () =>
        (document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent ?? '')
          .replace(/\u00a0/g, ' ')
          .includes('the comment'),
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(await wb.editorText(), original.replace('# teh comment', '# the comment'));
    await wb.focusEditor();
    await wb.press('Control+Z');
    await wb.page.waitForFunction(
      () =>
        (document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent ?? '')
          .replace(/\u00a0/g, ' ')
          .includes('teh comment'),
      undefined,
      { timeout: 10_000 },
    );
    assert.equal(await wb.editorText(), original);
    await wb.screenshot('tone-ui-undo');
  });

  test("the palette command shows the tone pick with the user's own tone", async () => {
    await wb.openFile('palette.md');
    await wb.press('Control+A');
    await wb.runCommand('Tiered: Fix Tone of Selection');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('Pirate');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Pirate' }).first().waitFor();
    await wb.press('Enter');
    await wb.page.waitForFunction(
      () => document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent?.includes('Arr'),
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(await wb.editorText(), 'Arr, the palette works.\n');
  });
});
