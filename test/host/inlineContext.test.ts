// Cross-file context for inline completions in a real VS Code (code-server 1.100.3): with lib.ts
// open, typing a call to its function in main.ts sends a prompt holding lib.ts's definition (found
// through TypeScript's definition provider), and the ghost text built on it appears. A file that
// `tiered.exclude` covers (secrets/keys.ts, open in a tab, edited, and the target of a definition)
// contributes nothing. Typing a call to TypeScript's own JSON.stringify sends the signature its hover
// shows, labelled by its path inside node_modules, never a path of this machine. The spec
// (suite/inlineContext.spec.ts) types; this file reads the server log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer, type ScriptRequest } from '../server/modelServer';
import { startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, localInlineSettings, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';

const SIGNATURE = 'export function computeShippingCost(weightKg: number, zone: string): number {';
/** TypeScript's hover for JSON.stringify (VS Code 1.100.3's bundled TypeScript): its signature's start. */
const HOVER = '(method) JSON.stringify(value: any';

const FILES: Record<string, string> = {
  'main.ts': [
    "import { computeShippingCost } from './lib';",
    "import { apiToken } from './secrets/keys';",
    '',
    "const header = 'Bearer ' + apiToken;",
  ].join('\n'),
  'lib.ts': [
    '// Shipping prices per zone.',
    'const RATES: Record<string, number> = { EU: 4.5, US: 6, ASIA: 8 };',
    '',
    SIGNATURE,
    '  const rate = RATES[zone] ?? 10;',
    '  return Math.round(weightKg * rate * 100) / 100;',
    '}',
    '',
  ].join('\n'),
  'slow.ts': 'const v = slowCall(',
  // A TSX file takes snippets from open TS files (Copilot's normalized language ids).
  'view.tsx':
    "import { computeShippingCost } from './lib';\nexport const label = <span>{computeShippingCost(1, 'EU')}</span>;\n",
  'secrets/keys.ts': "export const apiToken = 'SECRET-API-TOKEN-VALUE';\n// SECRET-KEYS-MARKER\n",
};

/**
 * The model answers with a call built on the definition only when the prompt holds it under the
 * heading the context block gives definitions (context/format.ts); otherwise with a guess.
 */
const reply = (req: ScriptRequest): string =>
  req.prompt.includes(HOVER)
    ? 'order, null, 2);'
    : req.prompt.includes('Definition from lib.ts') && req.prompt.includes(SIGNATURE)
      ? "2.5, 'EU');"
      : '0); // guessed';

describe('inline context from other open files in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer({ knobs: { ttftMs: 30, text: reply } });
    workspace = makeWorkspace(FILES);
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: localInlineSettings(models.openaiBaseUrl, 0.1),
    });
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('the prompt holds the definition from lib.ts, the ghost text uses it, nothing comes from the excluded file', async () => {
    const result = await runInHost({
      server,
      specs: ['inlineContext'],
      timeoutMs: 240_000,
      mochaTimeoutMs: 60_000,
      screenshotPath: resultPath('host-inline-context.png'),
    });
    const inline = models.log.filter((r) => r.route === 'openai.completions');
    const bodies = inline.map((r) => JSON.stringify(r.body));
    const summary = inline.map((r) => `${r.id} ${r.model} ${JSON.stringify(r.body).slice(0, 400)}`);
    assert.equal(result.exitCode, 0, `${result.output}\n--- model server log ---\n${summary.join('\n')}`);
    assert.match(result.output, /4 passing/);
    console.log(
      result.output
        .split('\n')
        .filter((l) => /gather ms|attempt|provider ms/.test(l))
        .join('\n'),
    );

    const withDefinition = inline.filter((r) => {
      const body = JSON.stringify(r.body);
      return body.includes('Definition from lib.ts') && body.includes(JSON.stringify(SIGNATURE).slice(1, -1));
    });
    assert.ok(withDefinition.length > 0, `no inline prompt held lib.ts's definition:\n${summary.join('\n')}`);
    // A TypeScript lib call: its hover signature, under its path inside node_modules, with no path of this machine.
    const withHover = inline.filter((r) => {
      const body = JSON.stringify(r.body);
      return body.includes(HOVER) && body.includes('typescript/lib/lib.es5.d.ts');
    });
    assert.ok(withHover.length > 0, `no inline prompt held JSON.stringify's hover signature:\n${summary.join('\n')}`);
    for (const local of [REPO_ROOT, workspace.dir, '/.test-host/', 'file://', 'node_modules/typescript']) {
      assert.equal(
        bodies.some((b) => b.includes(local)),
        false,
        `an absolute path (${local}) was sent`,
      );
    }
    for (const marker of ['SECRET-API-TOKEN-VALUE', 'SECRET-KEYS-MARKER', 'SECRET-EDIT-MARKER', 'secrets/keys.ts']) {
      assert.equal(
        bodies.some((b) => b.includes(marker)),
        false,
        `${marker} from the excluded file was sent`,
      );
    }
  });
});
