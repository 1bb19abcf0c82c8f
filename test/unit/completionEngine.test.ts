// Each avoidance rule of the inline engine, in virtual time: the count of model requests (source
// calls) is what each rule saves, so every test pins that count.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompletionEngine, VirtualTime, flushPromises } from '../../src/core/completion';
import type { CompletionInput, EnginePolicy, SourceRequest, SourceResult, Suggestion } from '../../src/core/completion';
import { TieredError } from '../../src/core/errors';

interface Call {
  req: SourceRequest;
  push(text: string): void;
  end(text?: string): void;
  fail(err: unknown): void;
  aborted: boolean;
}

/** A model that streams only when the test says so. */
class FakeModel {
  readonly calls: Call[] = [];
  readonly source = (req: SourceRequest): Promise<SourceResult> =>
    new Promise((resolve, reject) => {
      let streamed = '';
      const call: Call = {
        req,
        aborted: false,
        push: (t) => {
          streamed += t;
          req.onText(t);
        },
        end: (t) => {
          if (t !== undefined) call.push(t);
          resolve({ text: streamed, model: 'lite-model' });
        },
        fail: reject,
      };
      req.signal.addEventListener('abort', () => {
        call.aborted = true;
        reject(new TieredError('cancelled', 'aborted'));
      });
      this.calls.push(call);
    });
  get last(): Call {
    return this.calls[this.calls.length - 1]!;
  }
}

/** A document with a cursor, typed into the way the editor would: each key cancels the last call. */
class Editor {
  text: string;
  cursor: number;
  private pending: AbortController | undefined;
  results: Array<Suggestion | undefined> = [];

  constructor(
    readonly engine: CompletionEngine,
    readonly time: VirtualTime,
    doc: string,
  ) {
    this.cursor = doc.indexOf('|');
    this.text = doc.replace('|', '');
  }

  input(): CompletionInput {
    return {
      docKey: 'file:///a.ts',
      prefix: this.text.slice(0, this.cursor),
      suffix: this.text.slice(this.cursor),
      offset: this.cursor,
      languageId: 'typescript',
    };
  }

  /** Types `k` over the same character after the cursor (the editor's overtype of a closer it wrote). */
  over(k: string): Promise<Suggestion | undefined> {
    assert.equal(this.text[this.cursor], k);
    this.pending?.abort();
    this.cursor++;
    this.engine.noteEdit(k);
    return this.ask();
  }

  /** Types the opener `pair[0]`; the editor writes its closer `pair[1]` after the cursor (auto-closing). */
  typeClosed(pair: string): Promise<Suggestion | undefined> {
    this.pending?.abort();
    this.text = this.text.slice(0, this.cursor) + pair + this.text.slice(this.cursor);
    this.cursor++;
    this.engine.noteEdit(pair[0]!);
    return this.ask();
  }

  /** Enter between a pair the editor closed (`{|}`): the closer goes to a line of its own below, at the line's indent. */
  enter(): Promise<Suggestion | undefined> {
    this.pending?.abort();
    const indent = /^[ \t]*/.exec(this.text.slice(this.text.lastIndexOf('\n', this.cursor - 1) + 1))![0];
    const change = `\n${indent}  \n${indent}`;
    this.text = this.text.slice(0, this.cursor) + change + this.text.slice(this.cursor);
    this.cursor += indent.length + 3;
    this.engine.noteEdit(change);
    return this.ask();
  }

  /** Inserts text at the cursor (or deletes one char for '\b') and asks for a completion. */
  type(keys: string): Promise<Suggestion | undefined> {
    let last: Promise<Suggestion | undefined> = Promise.resolve(undefined);
    for (const k of keys) {
      this.pending?.abort();
      if (k === '\b') {
        this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor);
        this.cursor--;
        this.engine.noteEdit('');
      } else {
        this.text = this.text.slice(0, this.cursor) + k + this.text.slice(this.cursor);
        this.cursor++;
        this.engine.noteEdit(k);
      }
      last = this.ask();
    }
    return last;
  }

  ask(): Promise<Suggestion | undefined> {
    this.pending?.abort();
    const c = new AbortController();
    this.pending = c;
    const p = this.engine.complete(this.input(), c.signal);
    p.then(
      (s) => this.results.push(s),
      () => this.results.push(undefined),
    );
    return p;
  }
}

const CONFIG = { prefixTokens: 1200, suffixTokens: 300, maxLines: 8 };

function setup(doc: string, policy: Partial<EnginePolicy> = {}, debounceMs: number | 'adaptive' = 100) {
  const time = new VirtualTime(1_000_000);
  const model = new FakeModel();
  const engine = new CompletionEngine({
    source: model.source,
    clock: time,
    timers: time,
    config: () => CONFIG,
    policy: { debounce: debounceMs, ...policy },
  });
  return { time, model, engine, editor: new Editor(engine, time, doc) };
}

describe('completion engine: what costs a request', () => {
  test('a request is sent after the debounce and its text is served', async () => {
    const { time, model, editor } = setup('const a = |\n');
    const p = editor.ask();
    await time.advance(99);
    assert.equal(model.calls.length, 0, 'nothing sent before the debounce elapsed');
    await time.advance(1);
    assert.equal(model.calls.length, 1);
    assert.equal(model.last.req.prefix, 'const a = ');
    model.last.end('foo();');
    assert.deepEqual(await p, { text: 'foo();', requestId: 1, model: 'lite-model', via: 'request' });
  });

  test('keys typed faster than the debounce send nothing', async () => {
    const { time, model, editor } = setup('|\n');
    for (const k of 'const') {
      void editor.type(k);
      await time.advance(60);
    }
    assert.equal(model.calls.length, 0);
    await time.advance(100);
    assert.equal(model.calls.length, 1, 'one request once the user stops');
  });

  test('prefix cache: returning to a prefix seen before costs no request', async () => {
    const { time, model, editor } = setup('const a = |\n');
    const first = editor.ask();
    await time.advance(100);
    model.last.end('foo();');
    assert.equal((await first)?.text, 'foo();');

    // Type something else (the suggestion no longer applies), then delete it.
    void editor.type('x');
    await time.advance(20);
    const back = editor.type('\b');
    assert.deepEqual(await back, { text: 'foo();', requestId: 1, model: 'lite-model', via: 'cache' });
    await time.advance(1000);
    assert.equal(model.calls.length, 1);
  });

  test('prefix cache: a prefix where the model had nothing is not asked again', async () => {
    const { time, model, editor } = setup('let b|\n');
    const first = editor.ask();
    await time.advance(100);
    model.last.end('   \n');
    assert.equal(await first, undefined, 'whitespace-only text is not shown');
    void editor.type('x');
    await time.advance(20);
    assert.equal(await editor.type('\b'), undefined);
    await time.advance(1000);
    assert.equal(model.calls.length, 1);
  });

  test('typing along: keys that match the suggestion are served the rest with no request', async () => {
    const { time, model, editor } = setup('const a = |\n');
    const first = editor.ask();
    await time.advance(100);
    model.last.end('foo(bar);');
    await first;

    assert.deepEqual(await editor.type('f'), { text: 'oo(bar);', requestId: 1, model: 'lite-model', via: 'cache' });
    assert.equal((await editor.type('oo('))?.text, 'bar);');
    await time.advance(1000);
    assert.equal(model.calls.length, 1);

    // Typing something the suggestion did not predict needs a new request.
    void editor.type('z');
    await time.advance(100);
    assert.equal(model.calls.length, 2);
  });

  /** Asks at the `|` of `doc` and the model answers `reply`: what is shown, with the set-up. */
  async function answered(doc: string, reply: string) {
    const s = setup(doc);
    const first = s.editor.ask();
    await s.time.advance(100);
    s.model.last.end(reply);
    return { ...s, first: await first };
  }

  /** Asks at the `|` of `doc`, the model answers `reply`, and the user types the shown text to its end. */
  async function takeInFull(doc: string, reply: string) {
    const s = await answered(doc, reply);
    const shown = s.first?.text ?? '';
    const last = s.editor.type(shown);
    await s.time.advance(1000);
    return { ...s, shown, calls: s.model.calls.length, last };
  }

  test('typing along to the end of a mid-line answer asks nothing more there; at a line end it asks', async () => {
    // Mid-line: the answer ended where the text after the cursor resumes.
    const mid = await takeInFull('check(|);\n', 'a, b');
    assert.equal(mid.shown, 'a, b');
    assert.equal(mid.calls, 1, 'the model already said the line resumes here');
    assert.equal(await mid.last, undefined, 'nothing left to show');
    // An explicit ask (Alt+\) still goes.
    void mid.engine.complete({ ...mid.editor.input(), explicit: true }, new AbortController().signal);
    await mid.time.advance(100);
    assert.equal(mid.model.calls.length, 2);

    // At a line end, what follows a typed-out answer is new ground: the next line.
    const end = await takeInFull('const a = |\n', 'b;');
    assert.equal(end.shown, 'b;');
    assert.equal(end.calls, 2);
  });

  test('an answer the model carried on into the next written line, taken in full, asks nothing more there', async () => {
    const resumed = await takeInFull('  y = 1;|\n  return y;\n', '\n  y++;\n  return y;');
    assert.equal(resumed.shown, '\n  y++;');
    assert.equal(resumed.calls, 1, 'the model said the written line comes next');
    assert.equal(await resumed.last, undefined);

    // An answer that stopped by itself: what follows it is new ground.
    const own = await takeInFull('  y = 1;|\n  return y;\n', '\n  y++;');
    assert.equal(own.shown, '\n  y++;');
    assert.equal(own.calls, 2);
  });

  test('an answer through the closers the editor wrote covers them, typed along and over them for free', async () => {
    const { time, model, editor, first } = await answered('  foo(|)\n  next();\n', 'a, b);\n  more();');
    const pick = (x: Suggestion | undefined) => x && { text: x.text, covers: x.covers, via: x.via };
    assert.deepEqual(pick(first), { text: 'a, b);', covers: 1, via: 'request' });
    const typed = editor.type('a, b');
    await time.advance(1000);
    assert.deepEqual(pick(await typed), { text: ');', covers: 1, via: 'cache' });
    // The editor's overtype: `)` typed over the one it wrote; the rest no longer covers anything.
    const over = editor.over(')');
    await time.advance(1000);
    assert.deepEqual(pick(await over), { text: ';', covers: undefined, via: 'cache' });
    assert.equal(model.calls.length, 1, 'typed along and over the closer: no request');
    // Typed as new text (no overtype), the `)` leaves the written one uncovered: the rest is stale.
    const again = await answered('  foo(|)\n', 'a, b);');
    assert.equal(again.first?.covers, 1);
    void again.editor.type('a, b)');
    await again.time.advance(1000);
    assert.equal(again.model.calls.length, 2, 'the line now reads `foo(a, b))`: asked afresh');
  });

  test('typing along through a pair the editor closes: the rest covers the closer it wrote, for free', async () => {
    const { time, model, editor, first } = await answered('  x = |\n  next();\n', 'run(a, [b]);');
    assert.equal(first?.text, 'run(a, [b]);');
    void editor.type('run');
    const opened = editor.typeClosed('()');
    await time.advance(1000);
    assert.deepEqual([(await opened)?.text, (await opened)?.covers], ['a, [b]);', 1]);
    void editor.type('a, ');
    const nested = editor.typeClosed('[]');
    await time.advance(1000);
    assert.deepEqual([(await nested)?.text, (await nested)?.covers], ['b]);', 2], 'both closers covered');
    void editor.type('b');
    void editor.over(']');
    const last = editor.over(')');
    await time.advance(1000);
    assert.deepEqual([(await last)?.text, (await last)?.covers], [';', undefined]);
    assert.equal(model.calls.length, 1, 'no request while typing along, closers and all');
    // A pair the suggestion does not hold: the closer the editor wrote is not covered, so it asks.
    void editor.typeClosed('()');
    await time.advance(1000);
    assert.equal(model.calls.length, 2);
  });

  test('Enter between a pair the editor closed keeps the block suggestion, without its line break before the closer', async () => {
    const body = await answered('  if (x) {|}\n  next();\n', '\n    a();\n    b();\n');
    assert.equal(body.first?.text, '\n    a();\n    b();\n  ', 'lines that stop short of the closer');
    const entered = body.editor.enter();
    await body.time.advance(1000);
    assert.equal(body.model.calls.length, 1, 'Enter asks nothing');
    assert.deepEqual([(await entered)?.text, (await entered)?.via], ['a();\n    b();', 'cache']);
    void body.editor.type('a();');
    const next = body.editor.type('\n    ');
    await body.time.advance(1000);
    assert.equal(body.model.calls.length, 1, 'typing along asks nothing');
    assert.equal((await next)?.text, 'b();');

    // A text that covered the closer: its last line is the closer line the editor wrote.
    const covered = await answered('  if (x) {|}\n', '\n    a();\n  }');
    assert.equal(covered.first?.covers, 1);
    const after = covered.editor.enter();
    await covered.time.advance(1000);
    assert.equal(covered.model.calls.length, 1);
    assert.deepEqual([(await after)?.text, (await after)?.covers], ['a();', undefined]);

    // A body indented otherwise than Enter indents: the keys part from it, so it asks.
    const other = await answered('  if (x) {|}\n', '\n\ta();\n');
    void other.editor.enter();
    await other.time.advance(1000);
    assert.equal(other.model.calls.length, 2);
  });

  test('in-flight reuse: a streaming request whose prediction matches the keys is not duplicated', async () => {
    const { time, model, editor } = setup('const a = |\n');
    void editor.ask();
    await time.advance(100);
    assert.equal(model.calls.length, 1);
    model.last.push('foo');

    // The user types the predicted "f" while the answer still streams.
    const second = editor.type('f');
    await time.advance(500);
    assert.equal(model.calls.length, 1, 'the streaming request is reused');
    assert.equal(model.calls[0]!.aborted, false);
    model.last.end('(bar);');
    assert.deepEqual(await second, { text: 'oo(bar);', requestId: 1, model: 'lite-model', via: 'reuse' });
  });

  test('in-flight reuse waits when the keys run ahead of the stream and still agree', async () => {
    const { time, model, editor } = setup('x = |\n');
    void editor.ask();
    await time.advance(100);
    model.last.push('ab');
    const later = editor.type('abc');
    await time.advance(300);
    assert.equal(model.calls.length, 1);
    model.last.end('cde');
    assert.equal((await later)?.text, 'de');
  });

  test('abort on divergence: a stream the user typed past is aborted at once', async () => {
    const { time, model, editor } = setup('const a = |\n', {}, 300);
    void editor.ask();
    await time.advance(300);
    model.last.push('foo');
    const stream = model.last;

    void editor.type('b'); // the prediction said "f"
    await flushPromises();
    assert.equal(stream.aborted, true, 'aborted before any new request is due');
    assert.equal(model.calls.length, 1);
  });

  test('a stream that already produced all that can be shown is stopped', async () => {
    const { time, model, editor } = setup('function f() {\n  |\n}\n');
    const p = editor.ask();
    await time.advance(100);
    const stream = model.last;
    stream.push('a();\n  b();\n');
    assert.equal(stream.aborted, false);
    stream.push('}\nfunction g() {}\n'); // the suffix's "}" resumes here
    assert.equal(stream.aborted, true);
    assert.equal((await p)?.text, 'a();\n  b();');
  });

  test('the editor cancelling a call does not waste the request: its answer fills the cache', async () => {
    const { time, model, editor } = setup('const a = |\n');
    void editor.ask();
    await time.advance(100);
    const stream = model.last;
    // The user presses a key that the model then predicts (typing along an answer not yet shown).
    const typed = editor.type('f');
    stream.end('foo();');
    assert.equal((await typed)?.text, 'oo();');
    assert.equal(model.calls.length, 1);
  });

  test('a call cancelled during the debounce sends nothing', async () => {
    const { time, model, engine, editor } = setup('const a = |\n');
    const c = new AbortController();
    const p = engine.complete(editor.input(), c.signal);
    await time.advance(50);
    c.abort();
    assert.equal(await p, undefined);
    await time.advance(1000);
    assert.equal(model.calls.length, 0);
  });

  test('a budget refusal reaches the caller and is not cached', async () => {
    const { time, model, editor } = setup('const a = |\n');
    const p = editor.ask();
    await time.advance(100);
    model.last.fail(new TieredError('budget', 'cap reached'));
    await assert.rejects(p, (e: unknown) => TieredError.is(e, 'budget'));
    void editor.ask();
    await time.advance(100);
    assert.equal(model.calls.length, 2);
  });

  test('the prompt windows follow the token budget', async () => {
    const time = new VirtualTime();
    const model = new FakeModel();
    const engine = new CompletionEngine({
      source: model.source,
      clock: time,
      timers: time,
      config: () => ({ prefixTokens: 64, suffixTokens: 0, maxLines: 3 }),
      policy: { debounce: 0 },
    });
    const lines = Array.from({ length: 200 }, (_, i) => `line number ${i};`).join('\n') + '\n';
    void engine.complete(
      { docKey: 'd', prefix: lines, suffix: 'rest\n', offset: lines.length, languageId: 'ts' },
      new AbortController().signal,
    );
    await time.advance(0);
    const req = model.last.req;
    assert.ok(req.prefix.length < lines.length / 10, 'only the end of the prefix is sent');
    assert.ok(req.prefix.startsWith('line number'), 'cut at a line boundary');
    assert.equal(req.suffix, '');
  });

  test('policy "cancel" aborts the request when the editor cancels its only caller', async () => {
    const { time, model, editor } = setup('const a = |\n', { abortOn: 'cancel', reuseInFlight: false });
    void editor.ask();
    await time.advance(100);
    void editor.type('f');
    await flushPromises();
    assert.equal(model.calls[0]!.aborted, true);
  });

  test('policy "skip" sends nothing while a request is in flight', async () => {
    const { time, model, editor } = setup('x = |\n', { whenBusy: 'skip', abortOn: 'never', reuseInFlight: false }, 0);
    void editor.ask();
    await time.advance(0);
    void editor.type('q');
    await time.advance(0);
    assert.equal(model.calls.length, 1);
    assert.equal(model.calls[0]!.aborted, false);
  });
});

describe('completion engine: adaptive debounce', () => {
  /** Types `rounds` words of 5 letters, 90 ms apart, each followed by a newline and a long pause. */
  async function trainTyping(editor: Editor, time: VirtualTime, model: FakeModel, rounds: number) {
    for (let r = 0; r < rounds; r++) {
      for (const k of 'abcd;') {
        void editor.type(k);
        await time.advance(90);
      }
      void editor.type('\n');
      await time.advance(2000);
      // Answer whatever was asked, quickly (this also teaches the engine the model's latency).
      for (const c of model.calls) c.end('');
    }
  }

  test('sends at once where the user pauses, and waits inside words', async () => {
    const { time, model, editor } = setup('|', {}, 'adaptive');
    await trainTyping(editor, time, model, 30);
    const before = model.calls.length;

    // Inside a word: a 150 ms hesitation is not worth a request for this typist.
    void editor.type('w');
    await time.advance(150);
    assert.equal(model.calls.length, before, 'no request mid-word');
    // After a line end, where this typist always pauses: sent without waiting.
    void editor.type(';');
    await time.advance(90);
    void editor.type('\n');
    await time.advance(10);
    assert.equal(model.calls.length, before + 1, 'request right after the newline');
  });
});
