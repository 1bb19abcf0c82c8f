import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { altersCode, checkAnswer, FAILURE_MESSAGES, type Verdict } from '../../src/core/tone/checks';
import { planToneFix, type ToneFixPlan } from '../../src/core/tone/plan';

const strict = { mayBeUnchanged: false };
type CommentsPlan = Extract<ToneFixPlan, { kind: 'comments' }>;

function commentsPlan(languageId: string, text: string, before = ''): CommentsPlan {
  const plan = planToneFix(languageId, text, { before });
  assert.equal(plan.kind, 'comments');
  return plan as CommentsPlan;
}

function failure(v: Verdict): string | undefined {
  return v.ok ? undefined : v.failure;
}

const tag = (...bodies: string[]): string => bodies.map((b, k) => `<c${k + 1}>${b}</c${k + 1}>`).join('\n');

describe('prose checks', () => {
  const plan = planToneFix('markdown', '\nThis are bad text, honestly.\n\n');

  test('a good answer replaces the text, keeping the surrounding whitespace', () => {
    const v = checkAnswer(plan, 'This is bad text.', strict);
    assert.deepEqual(v, { ok: true, replacement: '\nThis is bad text.\n\n', changed: true });
  });

  test('empty', () => {
    assert.equal(failure(checkAnswer(plan, '  \n ', strict)), 'empty');
  });

  test('unchanged (whitespace differences do not count as a change)', () => {
    assert.equal(failure(checkAnswer(plan, 'This are   bad text,\nhonestly.', strict)), 'unchanged');
  });

  test('unchanged is fine for fix grammar and leaves the text as it was', () => {
    const v = checkAnswer(plan, 'This are bad text, honestly.', { mayBeUnchanged: true });
    assert.deepEqual(v, { ok: true, replacement: '\nThis are bad text, honestly.\n\n', changed: false });
  });

  test('more than 3x longer fails; exactly 3x passes', () => {
    const source = 'This are bad text, honestly.';
    assert.equal(failure(checkAnswer(plan, 'x'.repeat(3 * source.length + 1), strict)), 'tooLong');
    assert.equal(checkAnswer(plan, 'y'.repeat(3 * source.length), strict).ok, true);
  });

  test('Markdown: a changed or dropped code span alters code', () => {
    const md = planToneFix('markdown', 'Call `run()` then read:\n\n```sh\nnpm test\n```\n');
    assert.equal(failure(checkAnswer(md, 'First call `run()`, then read:\n\n```sh\nnpm test\n```', strict)), undefined);
    assert.equal(failure(checkAnswer(md, 'Call `start()` then read:\n\n```sh\nnpm test\n```', strict)), 'altersCode');
    assert.equal(failure(checkAnswer(md, 'Call `run()` then read:\n\n```sh\nnpm run test\n```', strict)), 'altersCode');
    assert.equal(failure(checkAnswer(md, 'Call it, then read.', strict)), 'altersCode');
  });

  test('plain text has no code to protect', () => {
    const txt = planToneFix('plaintext', 'use `x` pls');
    assert.equal(checkAnswer(txt, 'Please use y.', strict).ok, true);
  });

  test('a fence the model wraps around its whole answer is removed', () => {
    const v = checkAnswer(plan, '```\nThis is bad text.\n```', strict);
    assert.equal(v.ok && v.replacement, '\nThis is bad text.\n\n');
  });

  test('CRLF originals get CRLF replacements', () => {
    const crlf = planToneFix('plaintext', 'one line\r\ntwo line\r\n');
    const v = checkAnswer(crlf, 'First line.\nSecond line.', strict);
    assert.equal(v.ok && v.replacement, 'First line.\r\nSecond line.\r\n');
  });
});

describe('comment checks', () => {
  const text = 'function f() {\n  // this do stuff\n  return g(); /* returns teh value */\n}\n';
  const plan = commentsPlan('javascript', text);

  test('a good answer rewrites both comments and nothing else', () => {
    const v = checkAnswer(plan, tag('This does stuff.', 'Returns the value.'), strict);
    assert.deepEqual(v, {
      ok: true,
      changed: true,
      replacement: 'function f() {\n  // This does stuff.\n  return g(); /* Returns the value. */\n}\n',
    });
  });

  test('malformed: a missing, extra or repeated tag', () => {
    assert.equal(failure(checkAnswer(plan, tag('Only one.'), strict)), 'malformed');
    assert.equal(failure(checkAnswer(plan, tag('a', 'b', 'c'), strict)), 'malformed');
    assert.equal(failure(checkAnswer(plan, '<c1>a</c1><c1>b</c1>', strict)), 'malformed');
    assert.equal(failure(checkAnswer(plan, 'This does stuff. Returns the value.', strict)), 'malformed');
  });

  test('empty: any comment emptied', () => {
    assert.equal(failure(checkAnswer(plan, tag('This does stuff.', '  '), strict)), 'empty');
  });

  test('unchanged', () => {
    assert.equal(failure(checkAnswer(plan, tag('this do stuff', 'returns  teh value'), strict)), 'unchanged');
    const v = checkAnswer(plan, tag('this do stuff', 'returns teh value'), { mayBeUnchanged: true });
    assert.deepEqual(v, { ok: true, replacement: text, changed: false });
  });

  test('more than 3x longer in total', () => {
    const total = 'this do stuff'.length + 'returns teh value'.length;
    assert.equal(failure(checkAnswer(plan, tag('a'.repeat(total * 3), 'b'), strict)), 'tooLong');
  });

  test('alters code: a closer inside a block comment would let prose leak into code', () => {
    const v = checkAnswer(plan, tag('This does stuff.', 'Returns */ the value.'), strict);
    assert.equal(failure(v), 'altersCode');
    assert.equal(v.ok ? '' : v.message, FAILURE_MESSAGES.altersCode);
  });

  test('alters code: a closing """ inside a docstring', () => {
    const py = commentsPlan('python', '    """Return teh answer."""\n    return 42\n', 'def f():\n');
    assert.equal(checkAnswer(py, tag('Return the answer.'), strict).ok, true);
    assert.equal(failure(checkAnswer(py, tag('Return the """ answer.'), strict)), 'altersCode');
  });

  test('alters code: --> inside an HTML comment', () => {
    const html = commentsPlan('html', '<b>x</b><!-- a note about the markup -->');
    assert.equal(failure(checkAnswer(html, tag('A note --> <i>b</i>'), strict)), 'altersCode');
  });

  test('altersCode compares the code around comments exactly', () => {
    assert.equal(altersCode(plan, text), false);
    assert.equal(altersCode(plan, text.replace('return g()', 'return h()')), true);
    assert.equal(altersCode(plan, text.replace('this do stuff', 'anything at all')), false);
  });

  test('a lone comment may come back without tags', () => {
    const one = commentsPlan('python', 'x = 1  # teh value\n');
    const v = checkAnswer(one, 'the value', strict);
    assert.equal(v.ok && v.replacement, 'x = 1  # the value\n');
  });
});

describe('plans in a document', () => {
  test('a selection inside a comment widens to the whole comment; the replacement covers exactly that', () => {
    const doc = 'x();\n  // teh first line\n  // teh second line\ny();\n';
    const start = doc.indexOf('first');
    const plan = planToneFix('typescript', doc, { start, end: start + 5 });
    assert.equal(plan.kind, 'comments');
    const p = plan as CommentsPlan;
    assert.equal(doc.slice(p.start, p.end), '// teh first line\n  // teh second line');
    const v = checkAnswer(p, tag('The first line,\nthe second line.'), strict);
    assert.equal(v.ok && v.replacement, '// The first line,\n  // the second line.');
  });

  test('a selection starting inside a multi-line string is read from the file start: the string stays code', () => {
    const doc = 'const s = `\n// not a comment\n`;\n// a real one\n';
    const start = doc.indexOf('// not');
    const plan = planToneFix('typescript', doc, { start, end: doc.length }) as CommentsPlan;
    assert.equal(plan.kind, 'comments');
    assert.deepEqual(
      plan.targets.map((k) => (plan.pieces[k] as { body: string }).body),
      ['a real one'],
    );
    // The selection alone would have taken the string's line for a comment.
    const alone = planToneFix('typescript', doc.slice(start)) as CommentsPlan;
    assert.deepEqual(
      alone.targets.map((k) => (alone.pieces[k] as { body: string }).body),
      ['not a comment'],
    );
  });

  test('a docstring is recognised from the def line above the selection', () => {
    const doc = 'def f():\n    """Return teh answer."""\n    return 42\n';
    const start = doc.indexOf('    """');
    const plan = planToneFix('python', doc, { start, end: doc.indexOf('\n    return') }) as CommentsPlan;
    assert.equal(plan.kind, 'comments');
    const v = checkAnswer(plan, tag('Return the answer.'), strict);
    assert.equal(v.ok && v.replacement, '    """Return the answer."""');
  });

  test('code only partly selected is never widened, only comments are', () => {
    const doc = 'let a = 1; // teh note\nlet b = 2;\n';
    assert.equal(planToneFix('typescript', doc, { start: 4, end: 6 }).kind, 'none');
  });
});

describe('plans', () => {
  test('what is sent: prose, comments, or nothing with a reason', () => {
    assert.equal(planToneFix('markdown', '# Hi').kind, 'prose');
    assert.deepEqual(
      [planToneFix('typescript', '   ').kind, (planToneFix('typescript', '  ') as { reason: string }).reason],
      ['none', 'empty'],
    );
    const none = planToneFix('typescript', 'const a = 1; // -----\n');
    assert.equal(none.kind === 'none' && none.reason, 'noComments');
    const unknown = planToneFix('brainfuck', '+++ comment');
    assert.equal(unknown.kind === 'none' && unknown.reason, 'unsupportedLanguage');
    assert.ok(unknown.kind === 'none' && unknown.message.includes('"brainfuck"'));
  });
});
