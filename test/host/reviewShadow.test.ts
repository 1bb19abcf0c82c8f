// Shadow sampling of deep reviews in a real VS Code (code-server), driven from the command palette.
// Auto depth sends a simple file to lite and a complex one to pro; with tiered.shadow.enabled and
// every answer sampled, only the lite review is re-run on pro afterwards, billed as `shadow`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LedgerRecord } from '../../src/core/types';
import { startModelServer, type ModelServer, type ScriptRequest } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, makeWorkspace } from './fixtures';
import { Workbench } from './ui';

/** The JSON schema name a chat request asks for: 'triage', 'review_findings', … */
const schemaName = (body: unknown): string | undefined =>
  (body as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name;

/** Triage rates a file with "COMPLEX" in it 4/5 (pro reviews it), anything else 1/5 (lite does). */
function answer(model: string) {
  return (req: ScriptRequest): string =>
    schemaName(req.body) === 'triage'
      ? JSON.stringify({ complexity: req.prompt.includes('COMPLEX') ? 4 : 1, reason: 'scripted' })
      : JSON.stringify({
          summary: `reviewed by ${model}`,
          findings: [
            {
              file: 'src/simple.ts',
              startLine: 1,
              endLine: 1,
              severity: 'warning',
              category: 'bug',
              title: 'Scripted',
              explanation: 'Scripted by the test model server.',
              replacement: null,
            },
          ],
        });
}

describe('shadow sampling of deep reviews in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;
  let wb: Workbench | undefined;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer();
    models.setModelKnobs('lite-model', { text: answer('lite') });
    models.setModelKnobs('pro-model', { text: answer('pro') });
    workspace = makeWorkspace({
      'src/simple.ts': 'export const one = 1;\n',
      'src/complex.ts': '// COMPLEX: a scheduler with locks\nexport const two = 2;\n',
    });
    const price = (input: number, output: number) => ({ inputPerMTok: input, outputPerMTok: output });
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: {
        'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: models.openaiBaseUrl }],
        'tiered.models': {
          'local-lite': {
            provider: 'local',
            model: 'lite-model',
            tier: 'lite',
            maxOutputTokens: 1024,
            price: price(0.1, 0.4),
          },
          'local-pro': {
            provider: 'local',
            model: 'pro-model',
            tier: 'pro',
            maxOutputTokens: 2048,
            price: price(2, 12),
          },
        },
        'tiered.tiers': { lite: ['local-lite'], pro: ['local-pro'] },
        'tiered.review': { autoDepth: true },
        'tiered.budget': { dailyCapUsd: 50, confirmAboveUsd: 100 },
        'tiered.shadow.enabled': true,
        'tiered.shadow.sampleRate': 1,
        'tiered.shadow.dailyCapUsd': 1,
        'tiered.inline': { enabled: false },
      },
    });
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  /** Every ledger record this profile wrote (all day files). */
  function ledger(): LedgerRecord[] {
    const dir = path.join(server.userDataDir, 'User', 'globalStorage', 'tiered.tiered', 'ledger');
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LedgerRecord);
  }

  async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`${what}: not seen in time; ledger: ${JSON.stringify(ledger())}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  test('a pro review is not shadowed; a lite one is re-run once on pro, billed as shadow', async () => {
    wb = await Workbench.open(server, { timeoutMs: 60_000 });

    // Complex file: triage on lite, review on pro. Nothing above pro, nothing to shadow.
    await wb.openFile('src/complex.ts');
    await wb.runCommand('Tiered: Deep Review: File');
    await until('the pro review', () => ledger().some((r) => r.command === 'review' && r.tier === 'pro'));

    // Simple file: triage and review on lite, then the shadow call on pro.
    await wb.openFile('src/simple.ts');
    await wb.runCommand('Tiered: Deep Review: File');
    await until('the shadow call', () => ledger().some((r) => r.command === 'shadow'));
    await models.idle();

    const records = ledger();
    assert.deepEqual(
      records.map((r) => [r.command, r.tier, r.model, r.outcome]),
      [
        ['review', 'lite', 'local-lite', 'ok'], // complex: triage
        ['review', 'pro', 'local-pro', 'ok'], // complex: review
        ['review', 'lite', 'local-lite', 'ok'], // simple: triage
        ['review', 'lite', 'local-lite', 'ok'], // simple: review
        ['shadow', 'pro', 'local-pro', 'ok'],
      ],
    );
    assert.ok(records[4]!.costUsd > 0, 'the shadow call is priced');

    // On the wire: the shadow request is the lite review request, sent to pro.
    const chats = models.requests('openai.chat');
    const pro = chats.filter((r) => r.model === 'pro-model');
    assert.equal(pro.length, 2, 'one pro review and one shadow call');
    const liteReviews = chats.filter((r) => r.model === 'lite-model' && schemaName(r.body) === 'review_findings');
    assert.equal(liteReviews.length, 1);
    const shadow = pro[1]!;
    assert.equal(schemaName(shadow.body), 'review_findings');
    assert.deepEqual(
      (shadow.body as { messages: unknown }).messages,
      (liteReviews[0]!.body as { messages: unknown }).messages,
    );
  });
});
