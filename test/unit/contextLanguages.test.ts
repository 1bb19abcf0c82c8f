// Which open files may give snippets to the cursor's file: Copilot's normalized language ids.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextLanguage, sameContextLanguage } from '../../src/core/completion/context/languages';

test('a TSX file and a TS module share snippets, as JSX and JS, and C and C++', () => {
  assert.ok(sameContextLanguage('typescriptreact', 'typescript'));
  assert.ok(sameContextLanguage('typescript', 'typescriptreact'));
  assert.ok(sameContextLanguage('javascriptreact', 'javascript'));
  assert.ok(sameContextLanguage('c', 'cpp'));
  assert.equal(contextLanguage('TypeScriptReact'), 'typescript', 'ids compare lower-cased');
});

test('other languages stay apart (TypeScript is not JavaScript, Python is not TypeScript)', () => {
  assert.ok(!sameContextLanguage('typescript', 'javascript'));
  assert.ok(!sameContextLanguage('typescriptreact', 'javascriptreact'));
  assert.ok(!sameContextLanguage('python', 'typescript'));
  assert.ok(sameContextLanguage('python', 'python'));
});
