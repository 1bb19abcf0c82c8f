// Prompt windows and post-processing of inline suggestions.
import { ollamaModel } from '../support/models';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildInlineRequest,
  CURSOR_MARK,
  postProcess,
  stripFences,
  windowPrefix,
  windowSuffix,
} from '../../src/core/completion';
import { estimateTextTokens } from '../../src/core/usage';

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i} = value;`).join('\n');

describe('prompt windows', () => {
  test('the prefix window keeps whole lines back from the cursor within the budget', () => {
    const prefix = lines(300, 'before') + '\n  const x = ';
    const w = windowPrefix(prefix, 100);
    assert.ok(prefix.endsWith(w));
    assert.ok(estimateTextTokens(w) <= 100 + 2);
    assert.ok(w.startsWith('before line'), 'starts at a line start');
    assert.ok(w.length < prefix.length);
    assert.equal(windowPrefix('a\nb', 100), 'a\nb', 'small prefixes are sent whole');
    assert.equal(windowPrefix('\nabc', 100), '\nabc');
  });

  test('a cursor line longer than the budget is cut from its left', () => {
    const long = 'x'.repeat(5000);
    const w = windowPrefix('head\n' + long, 64);
    assert.ok(long.endsWith(w) && w.length > 0 && w.length < 1000);
  });

  test('the suffix window keeps the rest of the line, then whole lines', () => {
    const suffix = ');\n' + lines(300, 'after');
    const w = windowSuffix(suffix, 60);
    assert.ok(suffix.startsWith(w) && w.startsWith(');\nafter line 0'));
    assert.ok(w.length < suffix.length && !w.endsWith('after line'));
    assert.ok(suffix[w.length] === '\n', 'ends at a line end');
    assert.equal(windowSuffix(suffix, 0), '');
  });

  test('FIM for models that support it, a chat prompt otherwise, output bounded by both limits', () => {
    const window = { prefix: 'let a = ', suffix: ';\n', languageId: 'typescript' };
    const fim = buildInlineRequest(ollamaModel({ maxOutputTokens: 64 }), window, { maxOutputTokens: 128 });
    assert.deepEqual(fim.fim, { prefix: 'let a = ', suffix: ';\n', dialect: 'suffix' });
    assert.equal(fim.messages, undefined);
    assert.equal(fim.maxOutputTokens, 64);

    const chat = buildInlineRequest(ollamaModel({ fim: false, maxOutputTokens: 1024 }), window, {
      maxOutputTokens: 128,
    });
    assert.equal(chat.fim, undefined);
    assert.equal(chat.maxOutputTokens, 128);
    assert.equal(chat.messages?.[0]?.role, 'system');
    assert.match(chat.messages![0]!.content, /only|no Markdown code fences/);
    assert.ok(chat.messages![1]!.content.endsWith(`let a = ${CURSOR_MARK};\n`));
    assert.match(chat.messages![1]!.content, /typescript/);
  });
});

describe('post-processing', () => {
  const ctx = (linePrefix: string, suffix: string, maxLines = 8) => ({ linePrefix, suffix, maxLines });

  test('strips Markdown fences, even mid-stream', () => {
    assert.equal(stripFences('```ts\nfoo();\n```'), 'foo();');
    assert.equal(stripFences('```\nfoo('), 'foo(');
    assert.equal(postProcess('```typescript\nfoo();\n```\nExplanation', ctx('', '\n')).text, 'foo();');
  });

  test('stops where the text after the cursor resumes', () => {
    const suffix = '\n  return x;\n}\n';
    assert.equal(postProcess('\n  y++;\n  return x;\n}', ctx('  y = 1;', suffix)).text, '\n  y++;');
    // ...but keeps a line equal to it that closes a block the suggestion opened.
    const r = postProcess('\n  if (a) {\n    b();\n  }\n}\nfunction g() {}', ctx('', '\n}\n'));
    assert.equal(r.text, '\n  if (a) {\n    b();\n  }');
  });

  test('says when the text ends where written code resumes', () => {
    const suffix = '\n  return x;\n}\n';
    assert.equal(postProcess('\n  y++;\n  return x;\n}', ctx('  y = 1;', suffix)).resumes, true);
    assert.equal(postProcess('a, b', ctx('check(', ');')).resumes, true, 'mid-line: the rest of the line');
    assert.equal(postProcess('\n  y++;', ctx('  y = 1;', suffix)).resumes, undefined, 'the model stopped by itself');
    assert.equal(postProcess('\n  return x;', ctx('  y = 1;', suffix)).resumes, undefined, 'nothing left to show');
    // Cut again after the stop (a line cap): it no longer ends at the written line.
    assert.equal(postProcess('\n  y++;\n  z++;\n  return x;', ctx('  y = 1;', suffix, 1)).resumes, undefined);
  });

  test('does not repeat the rest of the line after the cursor', () => {
    assert.equal(postProcess('a, b, c)', ctx('foo(', ', c)')).text, 'a, b');
    assert.equal(postProcess('a, b)', ctx('foo(', ')]')).text, 'a, b', 'a closer the suffix already has');
  });

  test('goes through the closers the editor wrote after the cursor, and covers them', () => {
    const through = postProcess('a, b);', ctx('foo(', ')\nnext();'));
    assert.deepEqual([through.text, through.covers], ['a, b);', 1]);
    const both = postProcess('a, b);', ctx('foo(', ');'));
    assert.deepEqual([both.text, both.covers], ['a, b);', 2]);
    const quoted = postProcess("abc');", ctx("load('", "')"));
    assert.deepEqual([quoted.text, quoted.covers], ["abc');", 2], 'an auto-closed quote too');
    // Not through them: the text stops before them, as before.
    const before = postProcess('a, b', ctx('foo(', ')'));
    assert.deepEqual([before.text, before.covers], ['a, b', undefined]);
    // Its closers close its own brackets, not the line's: no cover, nothing of the line repeated.
    const own = postProcess('x.map((y) => y)', ctx('foo(', ')'));
    assert.deepEqual([own.text, own.covers], ['x.map((y) => y)', undefined]);
    // A CRLF document: the line's '\r' is not written over.
    assert.equal(postProcess('a, b);', ctx('foo(', ')\r\nnext();\r\n')).covers, 1);
    // Real code after the cursor is never covered.
    assert.equal(postProcess('a, b)', ctx('foo(', 'c)')).covers, undefined);
    // While streaming, nothing is decided before the first line is there.
    assert.deepEqual(postProcess('a, b)', ctx('foo(', ')'), false), { text: '', final: false });
    assert.equal(postProcess('a, b);\nnext', ctx('foo(', ')\n', 1), false).covers, 1);
  });

  test('in a block the editor closed (`{|}`), lines before its closer leave it on a line of its own', () => {
    const whole = postProcess('\n    y();\n  }', ctx('  if (x) {', '}\nz();'));
    assert.deepEqual(
      [whole.text, whole.covers],
      ['\n    y();\n  }', 1],
      'the block written to its end covers the closer',
    );
    const start = postProcess('\n    y();', ctx('  if (x) {', '}\nz();'));
    assert.deepEqual([start.text, start.covers], ['\n    y();\n  ', undefined], 'the closer goes below, at the indent');
    // Only a closer goes below: lines before a bare `;` stay as they are.
    assert.equal(postProcess('x(\n  1,\n)', ctx('y = ', ';\n')).text, 'x(\n  1,\n)');
    const call = postProcess('\n    a: 1,\n  });', ctx('  run({', '})\n'));
    assert.deepEqual([call.text, call.covers], ['\n    a: 1,\n  });', 2]);
  });

  test('balances brackets: no mismatched closer, no half-written block', () => {
    assert.equal(postProcess('a(b]', ctx('', '\n')).text, 'a(b');
    const capped = postProcess('if (a) {\n  b();\n  c();\n  d();', ctx('', '\n', 3));
    assert.equal(capped.text, 'if (a) {', 'a block cut by the line cap is not shown half written');
    assert.equal(postProcess('x();\nif (a) {\n  b();', ctx('', '\n', 8)).text, 'x();');
    assert.equal(postProcess('if (a) {\n  b();\n}', ctx('', '\n')).text, 'if (a) {\n  b();\n}');
    assert.equal(postProcess('call("(", x);', ctx('', '\n')).text, 'call("(", x);', 'brackets in strings ignored');
  });

  test('caps the number of lines, and mid-line suggestions to one line', () => {
    const five = 'a;\nb;\nc;\nd;\ne;';
    assert.equal(postProcess(five, ctx('', '\n', 3)).text, 'a;\nb;\nc;');
    assert.equal(postProcess('x, y)\nmore();', ctx('f(', 'z, w)\n')).text, 'x, y)');
  });

  test('whitespace-only suggestions are dropped', () => {
    assert.equal(postProcess('  \n\t\n', ctx('', '\n')).text, '');
    assert.equal(postProcess('', ctx('', '\n')).text, '');
  });

  test('mid-stream: final only once more text cannot change the result', () => {
    assert.equal(postProcess('a;\nb', ctx('', '\n', 3), false).final, false);
    assert.equal(postProcess('a;\nb;\nc;\nd', ctx('', '\n', 3), false).final, true);
    assert.equal(postProcess('abc', ctx('f(', 'x)\n'), false).final, false);
    assert.equal(postProcess('abc\n', ctx('f(', 'x)\n'), false).final, true, 'one-line mode ends at the newline');
  });

  test('a restated line start is removed', () => {
    assert.equal(postProcess('const total = a + b;', ctx('  const total = ', '\n')).text, 'a + b;');
  });
});

describe('post-processing: closers of later lines', () => {
  test('a closer is only dropped when the same line after the cursor already has it', () => {
    // The "}" closes the block typed above; the suffix's "}" on a later line closes an outer one.
    assert.equal(postProcess('}', { linePrefix: '  ', suffix: '\n  return 1;\n}\n', maxLines: 8 }).text, '}');
    // A whole line the suffix starts with is not suggested again.
    assert.equal(postProcess('}', { linePrefix: '  ', suffix: '\n}\n', maxLines: 8 }).text, '');
  });
});

describe('post-processing: blocks', () => {
  test('a block cut short keeps its opening line, even after a leading newline', () => {
    const ctx = { linePrefix: '    return x;', suffix: '\n  }\n', maxLines: 8 };
    assert.equal(postProcess('\n    return {\n      status: s,\n      va', ctx).text, '\n    return {');
  });
});
