// The inline bench's editor auto-closes brackets and quotes as VS Code does, so the text after the
// cursor holds the closers a real editor writes ahead of the typist; the typed code comes out the
// same as the file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyKey, applyKeys, autoCloseKeys } from '../../bench/inline/autoClose';
import { makeTrace, type Key, type Segment } from '../../bench/inline/trace';

/** A segment typing `text` at `start` of `file` one character a key (a line's indent with its newline). */
function typed(file: string, start: number, end: number): Segment {
  const keys: Key[] = [];
  for (let i = start, t = 0; i < end; t += 100) {
    let insert = file[i]!;
    if (insert === '\n') insert += /^[ \t]*/.exec(file.slice(i + 1))![0];
    keys.push({ at: t, insert });
    i += insert.length;
  }
  return { start, text: file.slice(start, end), after: file.slice(end), keys, durationMs: keys.length * 100 };
}

test('an opener carries its closer and the typed closer goes over it', () => {
  const file = 'foo(a, [b]);\n';
  const keys = autoCloseKeys(file, typed(file, 0, 12));
  assert.deepEqual(
    keys.filter((k) => k.close !== undefined).map((k) => [k.insert, k.close]),
    [
      ['(', ')'],
      ['[', ']'],
    ],
  );
  assert.deepEqual(
    keys.filter((k) => k.over).map((k) => k.insert),
    [']', ')'],
  );
  // While typing the arguments, the closers the editor wrote follow the cursor.
  const state = { doc: '\n', cursor: 0 };
  for (const k of keys.slice(0, 8)) applyKey(state, k); // `foo(a, [`
  assert.equal(state.doc.slice(state.cursor), '])\n');
  assert.equal(applyKeys(file, typed(file, 0, 12), keys).doc, file);
});

test('Enter inside a pair puts the closer on its own line, and the typist moves past it', () => {
  const file = 'if (x) {\n  run(() => {\n    go();\n  });\n}\nnext();\n';
  const seg = typed(file, 0, file.indexOf('\nnext'));
  const keys = autoCloseKeys(file, seg);
  const enter = keys.find((k) => k.insert === '\n  ')!;
  assert.equal(enter.close, '\n');
  const state = { doc: seg.after, cursor: 0 };
  for (const k of keys.slice(0, keys.indexOf(enter) + 1)) applyKey(state, k);
  assert.equal(state.doc.slice(state.cursor, state.cursor + 3), '\n}\n', 'the closer went to its own line');
  // `});` and `}` were written by the editor: the typist moves past them instead of typing them.
  const moves = keys.filter((k) => k.move !== undefined);
  assert.equal(moves.length, 2);
  assert.ok(!keys.some((k) => k.insert === '}'), 'no closing brace typed');
  assert.equal(keys.filter((k) => k.insert === ';').length, 2, 'the semicolon after `})` is still typed');
  assert.equal(applyKeys(file, seg, keys).doc, file);
});

test('no auto-close before a word, for a quote after a word character or in a comment', () => {
  const file = "x = (y) + f(z);\n// don't \"quote\"\nlet s = 'a';\n";
  const seg = typed(file, 0, file.length - 1);
  const keys = autoCloseKeys(file, seg);
  assert.deepEqual(
    keys.filter((k) => k.close !== undefined).map((k) => k.insert),
    ['(', '(', '"', "'"],
    "the apostrophe of don't and the closing quotes are typed as they are",
  );
  assert.equal(applyKeys(file, seg, keys).doc, file);
  // An edit before a word: `(` is not closed when a letter follows the cursor.
  const edit = 'call(value);\n';
  const before: Segment = { start: 4, text: '(', after: 'value);\n', keys: [{ at: 0, insert: '(' }], durationMs: 0 };
  assert.equal(autoCloseKeys(edit, before)[0]!.close, undefined);
});

test('over a real file and both traces, the code typed is the file, with only closers ahead of the cursor', () => {
  const file = readFileSync(join(__dirname, '../../../src/core/callPath.ts'), 'utf8');
  for (const editShare of [0, 0.3]) {
    const segments = makeTrace(file, { seed: 1, keys: 1500, keysPerSegment: 250, editShare });
    let closed = 0;
    let moved = 0;
    for (const seg of segments) {
      const keys = autoCloseKeys(file, seg);
      closed += keys.filter((k) => k.close !== undefined).length;
      moved += keys.filter((k) => k.move !== undefined).length;
      const { doc, cursor } = applyKeys(file, seg, keys);
      assert.equal(
        doc.slice(0, cursor),
        file.slice(0, seg.start + seg.text.length),
        'the text before the cursor is the file',
      );
      const ahead = doc.slice(cursor, doc.length - seg.after.length);
      assert.ok(doc.endsWith(seg.after), 'the rest of the file follows');
      assert.match(ahead, /^[\s)\]}'"`]*$/, `only closers the editor wrote are ahead (${JSON.stringify(ahead)})`);
    }
    assert.ok(closed > 20, `pairs closed (${closed})`);
    if (editShare === 0) assert.ok(moved > 0, 'closer lines moved past');
  }
});
