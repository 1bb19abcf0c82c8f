// Multi-line only where a whole block is expected (core/completion/multiline.ts), and the
// post-processing rules that keep a suggestion's brackets balanced and stop where the suffix resumes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CompletionEngine,
  VirtualTime,
  atEmptyBlock,
  flushPromises,
  postProcess,
  wantsMultiline,
} from '../../src/core/completion';
import type { CompletionInput, EnginePolicy, SourceRequest, SourceResult } from '../../src/core/completion';

/** Splits `doc` at `|` into [prefix, suffix]. */
const split = (doc: string): [string, string] => {
  const i = doc.indexOf('|');
  return [doc.slice(0, i), doc.slice(i + 1)];
};
const multi = (doc: string): boolean => wantsMultiline(...split(doc));

describe('multi-line decision', () => {
  test('an empty block after an opener: multi-line', () => {
    assert.equal(multi('function f(a) {\n  |\n}\n'), true);
    assert.equal(multi('if (a) {|\n}\n'), true, 'at the end of the opener line');
    assert.equal(multi('if (a) {|}\n'), true, 'with only its closer after the cursor');
    assert.equal(multi('const g = (x) =>\n  |\n'), true);
    assert.equal(multi('def f(a):\n    |\n\ndef g():\n    pass\n'), true, 'Python block header');
  });

  test('a new line after a signature (brace on the next line, or none yet): multi-line', () => {
    assert.equal(multi('public void Run(int a)\n|\n'), true);
    assert.equal(multi('export async function load(path: string): Promise<void>\n|'), true);
  });

  test('a blank new line, also inside a block that has a body: multi-line (Copilot in TypeScript, Continue)', () => {
    assert.equal(multi('function f(a) {\n  |\n  return a;\n}\n'), true);
    assert.equal(multi('def f(a):\n    |\n    return a\n'), true);
    assert.equal(multi('function f() {\n  x();\n  |\n}\n'), true, 'after a plain statement');
    assert.equal(multi('  const a = {\n    b: 1,\n    |\n  };\n'), true, 'object with entries');
    assert.equal(multi('a();\n|'), true, 'at the end of the file');
  });

  test('the end of a written line: multi-line (the answer may go on to the next lines)', () => {
    assert.equal(multi('const x = foo(|\n'), true, "a call's arguments over several lines");
    assert.equal(multi('function f() {\n  x();|\n}\n'), true, 'after a plain statement, on its line');
    assert.equal(multi('  const a = {\n    b: 1,|\n  };\n'), true, 'after an entry, on its line');
    assert.equal(multi('  const total = sum|'), true, 'a name at the end of the file');
  });

  test('mid-line, in a line comment: one line', () => {
    assert.equal(multi('const x = |a + b;\n'), false);
    assert.equal(multi('foo(|x);\n'), false, 'code, not only closers, after the cursor');
    assert.equal(multi('// explain {|\n'), false);
    assert.equal(multi('  // explain\n  // more |'), false, 'a comment line');
    assert.equal(multi('  # note|\n'), false, 'a hash comment');
    assert.equal(multi('foo(a, |);\n'), false, 'closers after the cursor, not a block');
  });

  test('atEmptyBlock is also the acceptance feature', () => {
    assert.equal(atEmptyBlock(...split('class A {\n  |\n}\n')), true);
    assert.equal(atEmptyBlock(...split('a();\n|\nb();\n')), false);
    assert.equal(atEmptyBlock(...split('function f(a) {\n  |\n  return a;\n}\n')), false, 'a body already written');
    assert.equal(atEmptyBlock(...split('def f(a):\n    |\n    return a\n')), false);
    // The editor closed the brace: the block is empty, though the lines below are indented deeper.
    assert.equal(atEmptyBlock(...split('  if (x) {|}\n      more();\n')), true, '`{|}`');
    assert.equal(atEmptyBlock(...split('  if (x) {|\n      more();\n')), false, 'no closer after the cursor');
  });
});

describe('the engine passes the decision to post-processing and the prompt', () => {
  async function served(
    doc: string,
    answer: string,
    multiline?: EnginePolicy['multiline'],
  ): Promise<{ text?: string; req: SourceRequest }> {
    const time = new VirtualTime(0);
    let req: SourceRequest | undefined;
    const engine = new CompletionEngine({
      source: (r): Promise<SourceResult> => {
        req = r;
        return Promise.resolve({ text: answer });
      },
      clock: time,
      timers: time,
      config: () => ({ prefixTokens: 1200, suffixTokens: 300, maxLines: 8 }),
      policy: { debounce: 0, ...(multiline ? { multiline } : {}) },
    });
    const [prefix, suffix] = split(doc);
    const input: CompletionInput = { docKey: 'd', prefix, suffix, offset: prefix.length, languageId: 'typescript' };
    const p = engine.complete(input, new AbortController().signal);
    await time.advance(0);
    await flushPromises();
    return { text: (await p)?.text, req: req! };
  }

  test('an empty block, a blank new line and the end of a written line keep several lines; mid-line keeps one', async () => {
    const body = 'const a = 1;\nreturn a;';
    const block = await served('function f() {\n  |\n}\n', body);
    assert.equal(block.text, body);
    assert.equal(block.req.multiline, true);
    const blank = await served('function f() {\n  x();\n  |\n}\n', body);
    assert.equal(blank.text, body);
    assert.equal(blank.req.multiline, true);
    const line = await served('function f() {\n  x();|\n}\n', '\n  const a = 1;\n  return a;');
    assert.equal(line.text, '\n  const a = 1;\n  return a;');
    assert.equal(line.req.multiline, true);
    const mid = await served('function f() {\n  x(|a);\n}\n', 'b, c\n  const a = 1;');
    assert.equal(mid.text, 'b, c');
    assert.equal(mid.req.multiline, false);
  });

  test("a policy's own rule replaces the engine's (the bench compares other tools' rules)", async () => {
    const asked: string[] = [];
    const never = (prefix: string): boolean => {
      asked.push(prefix.slice(-6));
      return false;
    };
    const line = await served('function f() {\n  x();|\n}\n', '\n  const a = 1;\n  return a;', never);
    assert.equal(line.text, '\n  const a = 1;');
    assert.equal(line.req.multiline, false);
    assert.deepEqual(asked, ['  x();']);
  });
});

describe('post-processing: brackets and the resuming suffix', () => {
  const ctx = (linePrefix: string, suffix: string, maxLines = 1) => ({ linePrefix, suffix, maxLines });

  test('stops before a closer that closes more than the suggestion and its line opened', () => {
    // The line opened one "(": the second ")" would close a bracket of an earlier line.
    assert.equal(postProcess('b, c));', ctx('  foo(a, ', '\n')).text, 'b, c)');
    assert.equal(postProcess('x]', ctx('  y = ', '\n')).text, 'x');
    // Closers of brackets the suggestion or the line opened are kept.
    assert.equal(postProcess('bar(1), 2)', ctx('foo(', '\n')).text, 'bar(1), 2)');
    // A closer at the start of a line closes a block from above: kept.
    assert.equal(postProcess('}', ctx('  ', '\n  return 1;\n}\n', 8)).text, '}');
    assert.equal(postProcess('\n  }', ctx('    run();', '\n  return 1;\n}\n', 8)).text, '\n  }');
  });

  test('one line at the end of a line: an answer that starts on the next line keeps that line', () => {
    assert.equal(postProcess('\n  next();\n  more();', ctx('  done();', '\n')).text, '\n  next();');
    assert.equal(postProcess('\n   ', ctx('  done();', '\n'), false).final, false, 'the stream goes on');
    // Mid-line the newline still ends the suggestion.
    assert.equal(postProcess('\n  next();', ctx('f(', 'x)\n')).text, '');
  });

  test('a line that restates the next written line with other spacing still stops the suggestion there', () => {
    const suffix = '\n  total = add(a, b);\n  return total;\n';
    const answer = '\n  log(a);\n  total=add(a,b);\n  return total;';
    assert.equal(postProcess(answer, ctx('  check(a);', suffix, 8)).text, '\n  log(a);');
    // A different line is kept.
    assert.equal(
      postProcess('\n  log(a);\n  total = sub(a, b);', ctx('  check(a);', suffix, 8)).text,
      '\n  log(a);\n  total = sub(a, b);',
    );
    assert.equal(postProcess('=add(a,b);', ctx('  total', suffix)).text, '', 'the cursor line completed into it');
  });

  test('a first line that completes the cursor line into the line where the suffix resumes is dropped', () => {
    const suffix = '\n  const x = 1;\n  return x;\n';
    assert.equal(postProcess(' = 1;', ctx('  const x', suffix)).text, '');
    assert.equal(postProcess(' = 2;', ctx('  const x', suffix)).text, ' = 2;');
  });
});
