// Inline completions in a real VS Code (code-server 1.100.3) against the local model server: the
// spec (suite/inline.spec.ts) types and accepts; this file checks what the model server received:
// the lite model was asked, nothing from the excluded file, nothing once the cap was reached,
// nothing at the end of a mid-line suggestion taken in full, nothing after Enter in a block whose
// body is shown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startModelServer, type ModelServer } from '../server/modelServer';
import { extensionManifest, startCodeServer, REPO_ROOT, type CodeServer } from './codeServer';
import { ensureExtensionBuilt, hostSkipReason, localInlineSettings, makeWorkspace, resultPath } from './fixtures';
import { runInHost } from './runInHost';
import { statusBarElementId, Workbench } from './ui';

const INLINE_REPLY = 'computeAnswer(42);';
/** At the end of this written line the server answers two more lines (multi-line at a line end). */
const LINE_END = 'const items = [1, 2];';
const LINES_REPLY = '\nconst total = sum(items);\nconsole.log(total);';
/** In the middle of this line the server answers the call's arguments (mid.ts). */
const MID_PREFIX = 'check(';
const MID_REPLY = 'a, b';
/** Before the `)` the editor auto-closed, the server answers through it and on (closers.ts). */
const COVER_PREFIX = 'run(';
const COVER_REPLY = 'x, y);';
/** Between the braces the editor closed, the server answers the body as a FIM model does (block.ts). */
const BLOCK_PREFIX = 'function f() {';
const BLOCK_REPLY = '\n  return 1;\n';
/** At the end of this line the server answers a call the spec then types along (along.ts). */
const ALONG_PREFIX = 'y = ';
const ALONG_REPLY = 'run(a, b);';
/**
 * Between the braces the editor closed, the server answers a body; the spec then presses Enter
 * (enter.ts). Indented as VS Code indents a file with nothing to detect (4 spaces), as a model
 * follows the file's own indentation.
 */
const ENTER_PREFIX = 'function g() {';
const ENTER_REPLY = '\n    const a = 1;\n    return a;\n';

const FILES: Record<string, string> = {
  'main.ts': 'const result = \n',
  'typed.ts': '// typed by the UI test\n',
  'secrets/token.ts': 'const token = \n// SECRET-TOKEN-TEXT\n',
  'capped.ts': 'const capped = \n// CAPPED-FILE-TEXT\n',
  'lines.ts': `${LINE_END}\n`,
  'mid.ts': 'check();\n',
  'closers.ts': 'run()\nnext();\n',
  'block.ts': 'function f() {}\n',
  'along.ts': 'y = \n',
  'enter.ts': 'function g() {}\n',
};

describe('inline completions in a real VS Code', { skip: hostSkipReason() }, () => {
  let models: ModelServer;
  let server: CodeServer;
  let workspace: ReturnType<typeof makeWorkspace>;

  before(async () => {
    ensureExtensionBuilt();
    models = await startModelServer({
      knobs: {
        ttftMs: 50,
        text: (req) =>
          req.fim?.prefix.endsWith(LINE_END)
            ? LINES_REPLY
            : req.fim?.prefix.endsWith(MID_PREFIX)
              ? MID_REPLY
              : req.fim?.prefix.endsWith(COVER_PREFIX)
                ? COVER_REPLY
                : req.fim?.prefix.endsWith(BLOCK_PREFIX)
                  ? BLOCK_REPLY
                  : req.fim?.prefix.endsWith(ALONG_PREFIX)
                    ? ALONG_REPLY
                    : req.fim?.prefix.endsWith(ENTER_PREFIX)
                      ? ENTER_REPLY
                      : INLINE_REPLY,
      },
    });
    workspace = makeWorkspace(FILES);
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: REPO_ROOT,
      userSettings: localInlineSettings(models.openaiBaseUrl, 100),
    });
  });

  after(async () => {
    await server?.stop();
    await models?.close();
    workspace?.remove();
  });

  test('typing in a file shows ghost text from the lite model, and Tab accepts it', async () => {
    const { publisher, name } = extensionManifest(REPO_ROOT);
    const wb = await Workbench.open(server);
    try {
      // The provider must be registered before the keys: wait for the extension's status bar item.
      await wb.statusBarText(statusBarElementId(`${publisher}.${name}`, 'tiered.spend'), 30_000);
      await wb.openFile('typed.ts');
      await wb.gotoEnd();
      // TypeScript's suggest widget sometimes opens late and VS Code then holds inline suggestions
      // back (Tiered stays out of its way): the helper closes it and asks (Alt+\), then types again.
      const ghost = (await wb.typeForGhostText('const answer = ')).text;
      assert.match(ghost, /computeAnswer\(42\);/);
      await wb.acceptSuggestion();
      await new Promise((r) => setTimeout(r, 300));
      assert.match(await wb.editorText(), /const answer = computeAnswer\(42\);/);
      await wb.screenshot('host-inline-ghost');
    } finally {
      await wb.close();
    }
    const fim = models.log.filter((r) => r.route === 'openai.completions');
    assert.ok(
      fim.some((r) => r.model === 'inline-lite'),
      'the server log names no request to the lite model',
    );
  });

  test('inline.spec passes inside the extension host; the server saw the lite model, never the excluded or capped file', async () => {
    const result = await runInHost({
      server,
      specs: ['inline'],
      timeoutMs: 150_000,
      screenshotPath: resultPath('host-inline.png'),
    });
    const summary = models.log.map((r) => `${r.id} ${r.route} ${r.model} ${JSON.stringify(r.body).slice(0, 160)}`);
    assert.equal(result.exitCode, 0, `${result.output}\n--- model server log ---\n${summary.join('\n')}`);
    assert.match(result.output, /Tab accepts it/);
    assert.match(result.output, /11 passing/);

    const inline = models.log.filter((r) => r.route === 'openai.completions');
    assert.ok(inline.length > 0, 'no FIM request reached the server');
    assert.ok(
      inline.every((r) => r.model === 'inline-lite'),
      'an inline request went to another model',
    );
    // The mid-line suggestion was asked for, taken in full, and its end asked nothing more: the
    // answer said the line resumes there with `);` (VS Code asks again after the edit).
    const prompts = inline.map((r) => String((r.body as { prompt?: unknown } | undefined)?.prompt ?? ''));
    assert.ok(
      prompts.some((p) => p.endsWith(MID_PREFIX)),
      'the mid-line place was never asked',
    );
    assert.equal(
      prompts.filter((p) => p.endsWith(`${MID_PREFIX}${MID_REPLY}`)).length,
      0,
      'a request was sent at the end of a mid-line suggestion taken in full',
    );
    // Typed along through the pair VS Code closed: the one answer served every key.
    assert.equal(prompts.filter((p) => p.endsWith(ALONG_PREFIX)).length, 1, 'the call was asked once');
    assert.deepEqual(
      prompts.filter((p) => /y = r(u(n\(?)?)?$/.test(p)),
      [],
      'a request was sent while typing along the suggestion',
    );
    // Enter between the braces, the body shown: VS Code asks again, and the shown answer serves it.
    assert.equal(prompts.filter((p) => p.endsWith(ENTER_PREFIX)).length, 1, 'the block was asked once');
    assert.deepEqual(
      prompts.filter((p) => p.endsWith(`${ENTER_PREFIX}\n    `)),
      [],
      'a request was sent after Enter between the braces',
    );
    // A cursor move that edits nothing asks nothing (the bench's typist moves past closer lines).
    assert.deepEqual(
      prompts.filter((p) => p.endsWith('return a;\n}')),
      [],
      'a request was sent after a cursor move',
    );
    const bodies = models.log.map((r) => JSON.stringify(r.body));
    assert.equal(
      bodies.some((b) => b.includes('SECRET-TOKEN-TEXT')),
      false,
      'text from an excluded file was sent',
    );
    assert.equal(
      bodies.some((b) => b.includes('CAPPED-FILE-TEXT')),
      false,
      'a request was sent above the cap',
    );
  });
});
