// Runs inside the extension host (test/host/security.test.ts starts two model servers and a
// workspace whose .vscode/settings.json tries to redirect providers, raise the cap and clear the
// exclusions). Sets the test key through SecretStorage the way a user does (tiered.setApiKey with
// a stubbed input box), then makes real calls: inline, tone, review of a file, a selection and the
// uncommitted changes, each also on an excluded file. The driver checks the wire and the disk.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localDay } from '../../../src/core/day';
import type { ReviewReport } from '../../../src/core/review/report';
import type { LedgerRecord } from '../../../src/core/types';
import { askAndAccept, sleep } from './inlineSteps';

const EXTENSION_ID = 'tiered.tiered';

interface SecurityApi {
  context: {
    config(): {
      providers: { id: string; baseUrl: string }[];
      models: Record<string, { provider: string; model: string }>;
      tiers: Record<string, string[]>;
      commands: Record<string, string>;
      budget: { dailyCapUsd: number; confirmAboveUsd: number };
      escalation: { enabled: boolean };
      exclude: string[];
    };
    readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]>;
  };
}

type Window = typeof vscode.window;
type Mutable = { -readonly [K in keyof Window]: Window[K] };

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const uri = (rel: string): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open');
  return vscode.Uri.joinPath(f.uri, rel);
};

async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri(rel));
  return vscode.window.showTextDocument(doc, { preview: false });
}

function selectAll(editor: vscode.TextEditor): vscode.Range {
  const doc = editor.document;
  const range = new vscode.Range(new vscode.Position(0, 0), doc.lineAt(doc.lineCount - 1).range.end);
  editor.selection = new vscode.Selection(range.start, range.end);
  return range;
}

/** Asks for ghost text at the end of line 1 for up to `waitMs`, accepting it as Tab would. */
async function tryInline(editor: vscode.TextEditor, waitMs: number): Promise<string> {
  const end = editor.document.lineAt(0).range.end;
  editor.selection = new vscode.Selection(end, end);
  await askAndAccept(editor, waitMs);
  return editor.document.lineAt(0).text;
}

describe('Security in a real VS Code', function () {
  this.timeout(60_000);
  let api: SecurityApi;
  const shown: string[] = [];
  const saved: Partial<Mutable> = {};
  const records = async (command: string) =>
    (await api.context.readLedger(localDay(), localDay())).filter((r) => r.command === command);

  before(async () => {
    const ext = vscode.extensions.getExtension<SecurityApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    assert.ok(api?.context, 'Tiered did not activate');
    // Message boxes are recorded (and answered with nothing) so no call waits on a click.
    const w = vscode.window as Mutable;
    const record = (message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    };
    for (const k of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage'] as const) saved[k] = w[k];
    w.showErrorMessage = record as Window['showErrorMessage'];
    w.showWarningMessage = record as Window['showWarningMessage'];
    w.showInformationMessage = record as Window['showInformationMessage'];
  });

  after(() => Object.assign(vscode.window, saved));

  it('the key is set through tiered.setApiKey (SecretStorage), with the input box answered', async () => {
    const key = process.env.TIERED_SEC_TEST_KEY;
    assert.ok(key, 'the driver passes the test key');
    const w = vscode.window as Mutable;
    const original = w.showInputBox;
    let asked: vscode.InputBoxOptions | undefined;
    w.showInputBox = ((options?: vscode.InputBoxOptions) => {
      asked = options;
      return Promise.resolve(key);
    }) as Window['showInputBox'];
    try {
      await vscode.commands.executeCommand('tiered.setApiKey', 'local');
    } finally {
      w.showInputBox = original;
    }
    assert.equal(asked?.password, true, 'the key is typed into a password box');
    assert.ok(
      shown.some((m) => /API key for "local" saved/.test(m)),
      shown.join(' | '),
    );
  });

  it('workspace settings that redirect providers, raise the cap or clear exclusions are ignored', () => {
    // VS Code drops application-scoped values from a workspace (the manifest's scope), so even
    // its own merged view shows the user's values, not the repository's...
    const section = vscode.workspace.getConfiguration('tiered');
    assert.equal(
      section.inspect('providers')?.workspaceValue,
      undefined,
      'a workspace value for providers was applied',
    );
    assert.equal(section.get<{ dailyCapUsd: number }>('budget')?.dailyCapUsd, 5);
    // ...and Tiered's configuration is the user's.
    const config = api.context.config();
    const local = config.providers.find((p) => p.id === 'local');
    assert.equal(local?.baseUrl, process.env.TIERED_SEC_USER_URL);
    assert.equal(
      config.providers.find((p) => p.id === 'evil'),
      undefined,
    );
    assert.equal(config.models['evil-pro'], undefined);
    assert.equal(config.models['sec-lite']?.model, 'sec-lite');
    assert.deepEqual(config.tiers['pro'], ['sec-pro']);
    assert.equal(config.commands['complete'], 'lite');
    assert.equal(config.budget.dailyCapUsd, 5);
    assert.equal(config.escalation.enabled, true);
    assert.ok(config.exclude.includes('**/secrets/**'), config.exclude.join(', '));
  });

  it('inline: a normal file gets ghost text; an excluded file sends nothing', async () => {
    const line = await tryInline(await open('src/app.ts'), 10_000);
    assert.equal(line, 'const result = computeAnswer(42);');
    // Accepting may start one more request in app.ts; let the ledger settle before counting.
    let before = (await records('complete')).length;
    for (let stable = 0; stable < 3;) {
      await sleep(500);
      const now = (await records('complete')).length;
      stable = now === before ? stable + 1 : 0;
      before = now;
    }
    assert.ok(before > 0, 'no inline call in the ledger');
    // A record carries the time its call started. The settling above lets the request accepting
    // starts in app.ts begin before this moment; one still in flight on a loaded machine lands
    // after the settling but started before the excluded file was opened, so it is not counted.
    const openedAt = Date.now();
    const excluded = await tryInline(await open('secrets/creds.ts'), 3000);
    assert.equal(excluded, 'const token = ', 'a suggestion appeared in an excluded file');
    const since = (await records('complete')).filter((r) => Date.parse(r.ts) >= openedAt);
    assert.deepEqual(
      since.map((r) => r.ts),
      [],
      'an inline call was made for the excluded file',
    );
  });

  it('tone: a normal file is fixed; an excluded file keeps its text and sends nothing', async () => {
    const editor = await open('src/notes.md');
    const range = selectAll(editor);
    await vscode.commands.executeCommand('tiered.fixTone', { uri: editor.document.uri, range, tone: 'formal' });
    assert.equal(editor.document.getText(), 'Please make the text formal.\n');
    const before = (await records('tone')).length;
    assert.ok(before > 0);
    const secret = await open('secrets/notes.md');
    const original = secret.document.getText();
    const secretRange = selectAll(secret);
    await vscode.commands.executeCommand('tiered.fixTone', {
      uri: secret.document.uri,
      range: secretRange,
      tone: 'formal',
    });
    assert.equal(secret.document.getText(), original);
    assert.equal((await records('tone')).length, before, 'a tone call was made for the excluded file');
  });

  it('review: a file is reviewed (after a server error echoing the key); an excluded file or selection is refused', async () => {
    const report = await vscode.commands.executeCommand<ReviewReport | undefined>(
      'tiered.reviewFile',
      uri('src/app.ts'),
    );
    assert.ok(report, `no report; messages: ${shown.join(' | ')}`);
    const reviews = await records('review');
    assert.deepEqual(
      reviews.map((r) => r.outcome),
      ['error', 'ok'],
      'the echoed 500 was retried once, then the review succeeded',
    );
    shown.length = 0;
    const none = await vscode.commands.executeCommand<ReviewReport | undefined>(
      'tiered.reviewFile',
      uri('secrets/creds.ts'),
    );
    assert.equal(none, undefined);
    assert.ok(
      shown.some((m) => m.includes('secrets/creds.ts') && /exclu/i.test(m)),
      `no message naming the excluded file: ${shown.join(' | ')}`,
    );
    const editor = await open('secrets/creds.ts');
    selectAll(editor);
    shown.length = 0;
    const sel = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewSelection');
    assert.equal(sel, undefined);
    assert.ok(
      shown.some((m) => /exclu/i.test(m)),
      shown.join(' | '),
    );
    assert.equal((await records('review')).length, reviews.length, 'a review call was made for excluded text');
  });

  it('a server error that echoes the key is shown with the key redacted', async () => {
    const key = process.env.TIERED_SEC_TEST_KEY!;
    const section = vscode.workspace.getConfiguration('tiered');
    const tiers = section.inspect('tiers')?.globalValue;
    await section.update('tiers', { lite: ['sec-lite'], pro: ['sec-pro-echo'] }, vscode.ConfigurationTarget.Global);
    try {
      await until('the echo model in the pro tier', () => api.context.config().tiers['pro']?.[0] === 'sec-pro-echo');
      shown.length = 0;
      const report = await vscode.commands.executeCommand<ReviewReport | undefined>(
        'tiered.reviewFile',
        uri('src/notes.md'),
      );
      assert.equal(report, undefined);
      const failure = shown.find((m) => /upstream rejected/.test(m));
      assert.ok(failure, `no failure message quoting the server: ${shown.join(' | ')}`);
      assert.ok(!failure.includes(key), 'the key is in the message shown to the user');
      assert.match(failure, /\[REDACTED\]/);
    } finally {
      await section.update('tiers', tiers, vscode.ConfigurationTarget.Global);
      await until('the pro tier restored', () => api.context.config().tiers['pro']?.[0] === 'sec-pro');
    }
  });

  it('review of uncommitted changes leaves the excluded file out of the diff', async () => {
    const report = await vscode.commands.executeCommand<ReviewReport | undefined>('tiered.reviewChanges', {
      fresh: true,
    });
    assert.ok(report, `no report; messages: ${shown.join(' | ')}`);
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['src/app.ts'],
    );
    assert.ok(report.excluded.includes('secrets/creds.ts'), JSON.stringify(report.excluded));
  });

  it('inline: a rate-limited lite model is reported once, not on every keystroke, and backs off', async () => {
    const section = vscode.workspace.getConfiguration('tiered');
    const tiers = section.inspect('tiers')?.globalValue;
    await section.update('tiers', { lite: ['sec-lite-429'], pro: ['sec-pro'] }, vscode.ConfigurationTarget.Global);
    try {
      await until('the 429 model in the lite tier', () => api.context.config().tiers['lite']?.[0] === 'sec-lite-429');
      shown.length = 0;
      const before = (await records('complete')).length;
      const editor = await open('src/other.ts');
      // Six separate attempts, each with a new keystroke (as a user typing on would).
      for (let i = 0; i < 6; i++) {
        await editor.edit((e) => e.insert(editor.document.lineAt(0).range.end, 'x'));
        await tryInline(editor, 800);
      }
      const failures = shown.filter((m) => /inline suggestions failed/.test(m));
      assert.equal(failures.length, 1, `messages: ${shown.join(' | ')}`);
      assert.match(failures[0]!, /rateLimit/);
      const calls = (await records('complete')).slice(before);
      assert.deepEqual(
        calls.map((r) => [r.model, r.outcome, r.reason]),
        [['sec-lite-429', 'error', 'rateLimit']],
        'one request, then the back-off holds',
      );
    } finally {
      await section.update('tiers', tiers, vscode.ConfigurationTarget.Global);
      await until('the lite tier restored', () => api.context.config().tiers['lite']?.[0] === 'sec-lite');
    }
  });

  it('the cost panel opens (its HTML is checked by the driver)', async () => {
    await vscode.commands.executeCommand('tiered.openCostPanel');
    await until('the panel tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('tiered.costPanel')),
    );
  });
});
