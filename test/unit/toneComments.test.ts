import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  codeSkeleton,
  rebuild,
  renderComment,
  splitComments,
  type CommentPiece,
  type Piece,
} from '../../src/core/tone/comments';
import { languageKind, type CommentSyntax } from '../../src/core/tone/syntax';

function syntaxOf(languageId: string): CommentSyntax {
  const kind = languageKind(languageId);
  assert.equal(kind.kind, 'code', `${languageId} should be a code language`);
  return (kind as { syntax: CommentSyntax }).syntax;
}

const comments = (pieces: Piece[]): CommentPiece[] => pieces.filter((p): p is CommentPiece => p.kind === 'comment');
const bodies = (languageId: string, text: string, before = ''): string[] =>
  comments(splitComments(text, syntaxOf(languageId), { before })).map((c) => c.body);

/** Replaces every comment body through `f` and returns the rebuilt text. */
function rewriteAll(languageId: string, text: string, f: (body: string) => string, before = ''): string {
  const pieces = splitComments(text, syntaxOf(languageId), { before });
  const map = new Map<number, string>();
  pieces.forEach((p, k) => {
    if (p.kind === 'comment') map.set(k, f(p.body));
  });
  return rebuild(pieces, map);
}

describe('splitComments: what is a comment', () => {
  test('line comments in a row form one body without markers or indentation', () => {
    const text = '  // This function do the thing.\n  // It return nothing.\n  run();\n';
    assert.deepEqual(bodies('typescript', text), ['This function do the thing.\nIt return nothing.']);
  });

  test('a blank line ends a group; code between comments stays code', () => {
    const text = '// first\n\n// second\nx = 1; // third\n';
    assert.deepEqual(bodies('javascript', text), ['first', 'second', 'third']);
  });

  test('JSDoc blocks lose their stars, keep their paragraphs', () => {
    const text = '  /**\n   * Adds numbers.\n   *\n   * @param a first\n   */';
    assert.deepEqual(bodies('typescript', text), ['Adds numbers.\n\n@param a first']);
  });

  test('comment markers inside strings are code', () => {
    assert.deepEqual(bodies('javascript', 'const u = "http://example.com"; // the url\n'), ['the url']);
    assert.deepEqual(bodies('javascript', "const s = '/* not */'; const t = `a // b\n// c`;\n"), []);
    assert.deepEqual(bodies('python', 'x = "# not a comment"  # but this is\n'), ['but this is']);
    assert.deepEqual(bodies('python', "s = 'it\\'s # still string'\n"), []);
    assert.deepEqual(bodies('sql', "SELECT '--x' AS a -- real one\n"), ['real one']);
  });

  test('an unterminated single-line string ends at the line end', () => {
    assert.deepEqual(bodies('rust', "fn f<'a>(x: &'a str) {\n// note\n}"), ['note']);
  });

  test("shell's $# and YAML's a#b are not comments", () => {
    assert.deepEqual(bodies('shellscript', 'echo $# ${#arr} # count\n'), ['count']);
    assert.deepEqual(bodies('yaml', 'color: a#b # hue\n'), ['hue']);
  });

  test('a shebang is not prose', () => {
    assert.deepEqual(bodies('shellscript', '#!/bin/sh\n# run it\n'), ['run it']);
    assert.deepEqual(bodies('python', '#!/usr/bin/env python\n'), []);
  });

  test('Python docstrings after def, not string assignments', () => {
    const text = 'def f():\n    """Return teh answer.\n\n    More here.\n    """\n    x = """not a doc"""\n';
    assert.deepEqual(bodies('python', text), ['Return teh answer.\n\nMore here.']);
    // The def line may sit before the selection.
    assert.deepEqual(bodies('python', '    """Doc only."""\n', 'def g():\n'), ['Doc only.']);
    assert.deepEqual(bodies('python', '    """Not a doc."""\n', 'x = call(\n'), []);
  });

  test('HTML comments; apostrophes in text do not open strings', () => {
    assert.deepEqual(bodies('html', "<p>Don't</p>\n<!-- teh footer -->\n<p>it's</p>"), ['teh footer']);
  });

  test('Lua long comments before line comments', () => {
    assert.deepEqual(bodies('lua', '--[[ long\n one ]]\nlocal x = 1 -- short\n'), ['long\none', 'short']);
  });

  test('an unterminated block comment at the end of the selection is still a comment', () => {
    const pieces = splitComments('x();\n/* starts here\n * and goes on', syntaxOf('c'));
    assert.deepEqual(
      comments(pieces).map((c) => c.body),
      ['starts here\nand goes on'],
    );
  });

  test('LaTeX \\% is not a comment', () => {
    assert.deepEqual(bodies('latex', '50\\% done % todo: finish\n'), ['todo: finish']);
  });
});

describe('rebuild: code untouched, comments reframed', () => {
  const cases: Array<[string, string]> = [
    ['typescript', '  // one\n  // two\n  call(); // trailing\n'],
    ['typescript', '  /**\n   * Adds.\n   *\n   * @param a x\n   */\n'],
    ['c', 'int x; /* short */\n'],
    ['python', 'def f():\n    """Doc.\n\n    More.\n    """\n    # note\n    return 1\n'],
    ['html', '<div>\n  <!-- hi there -->\n</div>\n'],
    ['sql', 'SELECT 1; -- one\n/* two\n   lines */\n'],
    ['rust', '/// Docs\n/// more\nfn x() {}\n'],
  ];
  for (const [k, [lang, text]] of cases.entries()) {
    test(`unchanged bodies render the original text back (${lang} #${k + 1})`, () => {
      assert.equal(
        rewriteAll(lang, text, (b) => b),
        text,
      );
      for (const c of comments(splitComments(text, syntaxOf(lang))))
        assert.equal(renderComment(c.frame, c.body), c.text);
    });
  }

  test('a longer rewrite of an indented line group keeps indentation and marker on every line', () => {
    const text = '    // old\n    foo();\n';
    assert.equal(
      rewriteAll('javascript', text, () => 'New first line.\n\nSecond line.'),
      '    // New first line.\n    //\n    // Second line.\n    foo();\n',
    );
  });

  test('indentation from before the selection is used when the selection starts mid-line', () => {
    const text = '// a\n    // b\n    x();';
    assert.equal(
      rewriteAll('javascript', text, () => 'one\ntwo', '    '),
      '// one\n    // two\n    x();',
    );
  });

  test('JSDoc reflow keeps the stars', () => {
    const text = '  /**\n   * Old.\n   */';
    assert.equal(
      rewriteAll('typescript', text, () => 'New.\nMore.'),
      '  /**\n   * New.\n   * More.\n   */',
    );
  });

  test('a trailing comment stays on its line', () => {
    const text = 'x = 1; // old\ny = 2;';
    assert.equal(
      rewriteAll('javascript', text, () => 'new\nwords'),
      'x = 1; // new words\ny = 2;',
    );
  });

  test('CRLF text: bodies have no \\r and the rebuilt text keeps CRLF line ends', () => {
    const text = '\t// one\r\n\t// two\r\n\tcall();\r\n/*\r\n * three\r\n */\r\n';
    assert.deepEqual(bodies('c', text), ['one\ntwo', 'three']);
    const out = rewriteAll('c', text, (b) => `${b}\nextra`);
    assert.equal(out, '\t// one\r\n\t// two\r\n\t// extra\r\n\tcall();\r\n/*\r\n * three\r\n * extra\r\n */\r\n');
    assert.equal(/[^\r]\n/.test(out), false);
  });

  test('the code skeleton is the same before and after a prose-only rewrite', () => {
    const text = 'a(); // x\n/* y */ b("//");\n# not c\n';
    const pieces = splitComments(text, syntaxOf('javascript'));
    const after = splitComments(
      rewriteAll('javascript', text, (b) => `${b} rewritten`),
      syntaxOf('javascript'),
    );
    assert.equal(codeSkeleton(after), codeSkeleton(pieces));
    assert.ok(codeSkeleton(pieces).includes('b("//");'));
  });
});
