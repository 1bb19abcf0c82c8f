// Awkward files through the engines that build prompts: a 10 MB file, a minified one-line file, a
// binary file and a non-UTF-8 file (both as VS Code decodes them: U+FFFD and control characters).
// Every prompt stays inside its token budget (inline windows, review chunks), and tone refuses
// what its model could not answer in full with a message naming the setting.
import { ollamaModel } from '../support/models';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig, type TieredConfig } from '../../src/core/config';
import { buildInlineRequest, promptWindow } from '../../src/core/completion/prompt';
import { chunkFiles, splitFile } from '../../src/core/review/chunking';
import { renderFile, type ReviewFile } from '../../src/core/review/input';
import { EXTRACT_CHUNK_TOKENS } from '../../src/core/review/plan';
import { planToneFix } from '../../src/core/tone/plan';
import { sizeProblem } from '../../src/core/tone/toneFix';
import { estimateTextTokens } from '../../src/core/usage';
import { binaryOneLine, binaryText, bigFile, minified } from '../support/awkwardFiles';

const INPUTS: Record<string, string> = {
  '10 MB file': bigFile(10 * 1024 * 1024),
  'minified one-line file (4 MB)': minified(4 * 1024 * 1024),
  // A binary file opened as UTF-8: replacement characters, NULs and control bytes, few newlines.
  'binary file (1 MB)': binaryText(1024 * 1024),
  // A binary file with no newline at all (one huge line of mostly non-ASCII characters).
  'binary file without newlines (256 kB)': binaryOneLine(256 * 1024),
  // Latin-1 text read as UTF-8: every accented letter becomes U+FFFD.
  'non-UTF-8 file': Buffer.from(
    '// caf\xe9 cr\xe8me br\xfbl\xe9e na\xefve \xfcber\n'.repeat(20_000),
    'latin1',
  ).toString('utf8'),
};

function config(): TieredConfig {
  const r = parseConfig({});
  assert.ok(r.ok);
  return r.config;
}

describe('inline prompt windows stay within their token budget on awkward files', () => {
  const inline = config().inline;
  for (const [name, text] of Object.entries(INPUTS)) {
    for (const where of ['middle', 'end'] as const) {
      test(`${name}, cursor at the ${where}`, () => {
        const offset = where === 'end' ? text.length : Math.floor(text.length / 2);
        const w = promptWindow(text.slice(0, offset), text.slice(offset), 'typescript', inline);
        assert.ok(w.prefix.length > 0, 'something before the cursor is sent');
        assert.ok(
          estimateTextTokens(w.prefix) <= inline.prefixTokens,
          `prefix ${estimateTextTokens(w.prefix)} tokens > ${inline.prefixTokens}`,
        );
        assert.ok(
          estimateTextTokens(w.suffix) <= inline.suffixTokens,
          `suffix ${estimateTextTokens(w.suffix)} tokens > ${inline.suffixTokens}`,
        );
        assert.ok(text.slice(0, offset).endsWith(w.prefix), 'the prefix is the text right before the cursor');
        assert.ok(text.slice(offset).startsWith(w.suffix), 'the suffix is the text right after the cursor');
        // The whole request (system prompt and framing included) stays far below any context window.
        for (const fim of [true, false]) {
          const body = buildInlineRequest(ollamaModel({ fim, maxOutputTokens: 256 }), w, inline);
          // Counted the way the windows are cut (estimateTextTokens), plus a few tokens of framing a message.
          const tokens =
            (body.messages ?? []).reduce((n, m) => n + 4 + estimateTextTokens(m.content), 3) +
            (body.fim ? estimateTextTokens(body.fim.prefix) + estimateTextTokens(body.fim.suffix) : 0);
          assert.ok(tokens <= inline.prefixTokens + inline.suffixTokens + 400, `request of ${tokens} tokens`);
        }
      });
    }
  }
});

describe('review chunks for the extractor stay within EXTRACT_CHUNK_TOKENS', () => {
  for (const [name, text] of Object.entries(INPUTS)) {
    test(name, () => {
      const file: ReviewFile = {
        path: 'src/big.js',
        uri: 'file:///src/big.js',
        languageId: 'javascript',
        text,
        firstLine: 1,
      };
      const parts = splitFile(file, EXTRACT_CHUNK_TOKENS);
      assert.ok(parts.length > 1, 'a big file is split');
      for (const p of parts) {
        const tokens = estimateTextTokens(renderFile(p));
        assert.ok(tokens <= EXTRACT_CHUNK_TOKENS * 1.05, `a part of ${tokens} tokens (budget ${EXTRACT_CHUNK_TOKENS})`);
      }
      const chars = (t: string) => t.replace(/\n/g, '').length;
      assert.equal(
        parts.reduce((n, p) => n + chars(p.text), 0),
        chars(text),
        'the parts hold the whole file',
      );
      for (let i = 1; i < parts.length; i++) assert.ok(parts[i]!.firstLine >= parts[i - 1]!.firstLine, 'in file order');
      const chunks = chunkFiles([file], EXTRACT_CHUNK_TOKENS);
      for (const c of chunks) {
        const tokens = c.files.reduce((s, f) => s + estimateTextTokens(renderFile(f)), 0);
        assert.ok(tokens <= EXTRACT_CHUNK_TOKENS * 1.05, `a chunk of ${tokens} tokens`);
      }
    });
  }
});

describe('tone refuses selections its model cannot answer in full', () => {
  const cfg = config();
  for (const [name, text] of Object.entries(INPUTS)) {
    test(name, () => {
      for (const languageId of ['plaintext', 'markdown', 'javascript']) {
        const plan = planToneFix(languageId, text);
        if (plan.kind === 'none') continue; // nothing to rewrite (e.g. binary noise without comments)
        const problem = sizeProblem(cfg, plan);
        assert.ok(problem, `${languageId}: a ${text.length}-char selection was not refused`);
        assert.match(problem, /`tiered\.models\.[^`]+\.maxOutputTokens`/, 'the message names the setting');
      }
    });
  }
});
