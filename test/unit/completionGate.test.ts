// Each rule of the ask gate (core/completion/gate.ts): a place whose answer would not be used costs
// no request; an explicit trigger always does. The engine tests count model requests (source calls).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AcceptanceModel, AskGate, CompletionEngine, VirtualTime, flushPromises } from '../../src/core/completion';
import type { CompletionInput, EnginePolicy, SourceRequest, SourceResult } from '../../src/core/completion';

/** `doc` with a `|` for the cursor. */
function at(doc: string, extra: Partial<CompletionInput> = {}): CompletionInput {
  const cursor = doc.indexOf('|');
  const text = doc.replace('|', '');
  return {
    docKey: 'file:///a.ts',
    prefix: text.slice(0, cursor),
    suffix: text.slice(cursor),
    offset: cursor,
    languageId: 'typescript',
    ...extra,
  };
}

function gate(now = { t: 0 }, threshold = 0, model?: AcceptanceModel, exploreEvery = 0): AskGate {
  return new AskGate({
    now: () => now.t,
    threshold: () => threshold,
    model,
    places: 4,
    negativeTtlMs: 60_000,
    exploreEvery,
  });
}

describe('ask gate: mid-line', () => {
  test('asks at the end of a line and before closers, quotes and ; , only', () => {
    const g = gate();
    assert.equal(g.shouldAsk(at('const a = |\n')), true);
    assert.equal(g.shouldAsk(at('foo(|)\n')), true);
    assert.equal(g.shouldAsk(at('call("|");\n')), true);
    assert.equal(g.shouldAsk(at('if (a|) {\n')), true, "Copilot's rule also allows one trailing { : ; ,");
    assert.equal(g.blocked.midline, 0);
  });

  test('does not ask with code after the cursor on its line', () => {
    const g = gate();
    assert.equal(g.shouldAsk(at('const a = |b + c;\n')), false);
    assert.equal(g.shouldAsk(at('foo(|a, b)\n')), false);
    assert.equal(g.blocked.midline, 2);
  });

  test('an explicit trigger (Alt+\\) is never blocked', () => {
    const g = gate();
    assert.equal(g.shouldAsk(at('const a = |b + c;\n', { explicit: true })), true);
    assert.equal(g.shouldAsk(at('const a = |b + c;\n'), true), true);
    assert.equal(g.blocked.midline, 0);
  });
});

describe('ask gate: a key that leaves every known name (a typo)', () => {
  const doc = 'interface ReserveResult {\n  ok: boolean;\n}\nfunction reorder(command: string) {}\n';

  test('the key that turns a known name start into an unknown one is not asked', () => {
    const g = gate();
    assert.equal(g.shouldAsk(at(`${doc}const r: ReserveResul|\n`)), true, 'a prefix of ReserveResult');
    assert.equal(g.shouldAsk(at(`${doc}const r: ReserveResulp|\n`)), false, 'p left every name');
    assert.equal(g.shouldAsk(at(`${doc}reorder(comman|);\n`)), true);
    assert.equal(g.shouldAsk(at(`${doc}reorder(commanj|);\n`)), false);
    assert.equal(g.blocked.typo, 2);
  });

  test('a new name is skipped at one key only: the next one asks', () => {
    const g = gate();
    assert.equal(g.shouldAsk(at(`${doc}const rq|\n`)), false, 'r starts names, rq none');
    assert.equal(g.shouldAsk(at(`${doc}const rqu|\n`)), true, 'rq was unknown already');
    assert.equal(g.shouldAsk(at(`${doc}const rqua|\n`)), true);
    assert.equal(g.blocked.typo, 1);
  });

  test('the word being typed does not count as known; mid-word, after a dot and explicit triggers still ask', () => {
    const g = gate();
    // "ReserveResulp" typed twice: its earlier copy is a known name now, the cursor's own is not counted.
    assert.equal(g.shouldAsk(at(`${doc}let ReserveResulp = 1;\nconst r: ReserveResulp|\n`)), true);
    assert.equal(g.shouldAsk(at(`${doc}const r = ok|\n`)), true, 'a whole known name');
    assert.equal(g.shouldAsk(at(`${doc}const r: ReserveResulp|\n`, { explicit: true })), true);
    assert.equal(g.blocked.typo, 0);
  });
});

describe('ask gate: negative cache', () => {
  test('a place whose answer was empty is not asked again until its line changes', () => {
    const now = { t: 0 };
    const g = gate(now);
    const p = at('function f() {\n  return |\n}\n');
    assert.equal(g.shouldAsk(p), true);
    g.noteOutcome(p, 'empty');
    now.t += 1000;
    assert.equal(g.shouldAsk(p), false);
    assert.equal(g.blocked.negative, 1);
    // Same line start and prefix, but the rest of the line changed.
    assert.equal(g.shouldAsk(at('function f() {\n  return |;\n}\n')), true);
    // Another prefix on the line is another place.
    assert.equal(g.shouldAsk(at('function f() {\n  return x|\n}\n')), true);
    assert.equal(g.shouldAsk(p, true), true, 'explicit still asks');
  });

  test('it expires and is bounded', () => {
    const now = { t: 0 };
    const g = gate(now);
    const p = at('let a = |\n');
    g.noteOutcome(p, 'empty');
    now.t += 61_000;
    assert.equal(g.shouldAsk(p), true, 'expired');
    g.noteOutcome(p, 'empty');
    for (const name of ['b', 'c', 'd', 'e']) g.noteOutcome(at(`let ${name} = |\n`), 'empty');
    assert.equal(g.shouldAsk(p), true, 'evicted by newer places (capacity 4)');
    assert.equal(g.shouldAsk(at('let e = |\n')), false);
  });

  test('a non-empty answer is not a negative entry', () => {
    const g = gate();
    const p = at('let a = |\n');
    g.noteOutcome(p, 'answered', '42;');
    assert.equal(g.shouldAsk(p), true);
  });
});

describe('ask gate: the text after the cursor already holds the answer', () => {
  test('no request where the following text is what the last answer here would add', () => {
    const g = gate();
    const before = at('if (a) {|\n}\n');
    g.noteOutcome(before, 'answered', '\n  run(a);');
    // The user took it (or typed it) and came back to the same place.
    const back = at('if (a) {|\n  run(a);\n}\n');
    assert.equal(g.shouldAsk(back), false);
    assert.equal(g.blocked.suffixHolds, 1);
    // Different text after the cursor: asked.
    assert.equal(g.shouldAsk(at('if (a) {|\n  stop(a);\n}\n')), true);
  });

  test('no request in a block the editor closed over a body already written below', () => {
    const g = gate();
    // The end of a signature retyped: VS Code closed the `{`, the body is the next lines.
    assert.equal(g.shouldAsk(at('  run(): void {|}\n    body();\n  }\n')), false);
    assert.equal(g.shouldAsk(at('  reserve({|})\n    id: 1,\n  });\n')), false);
    assert.equal(g.blocked.suffixHolds, 2);
    // A new block above code at its own indent, or at the end of the file: asked.
    assert.equal(g.shouldAsk(at('  run(): void {|}\n  other();\n')), true);
    assert.equal(g.shouldAsk(at('function f() {|}\n')), true);
    assert.equal(g.shouldAsk(at('  run(): void {|}\n\n  }\n')), true, 'only a closer below');
    assert.equal(g.shouldAsk(at('  run(): void {|}\n    body();\n', { explicit: true })), true, 'Alt+\\ asks');
  });

  test('a closer alone is not a reason to skip', () => {
    const g = gate();
    g.noteOutcome(at('foo(|\n'), 'answered', ')');
    assert.equal(g.shouldAsk(at('foo(|)\n')), true);
  });
});

describe('ask gate: learned acceptance under the threshold', () => {
  /** A model that has seen places like `p` rejected many times. */
  function trained(g: AskGate, p: CompletionInput, accepted: boolean, n: number, now: { t: number }): void {
    for (let i = 0; i < n; i++) {
      g.noteShown(p, 1000 + i);
      if (accepted) g.noteAccepted(1000 + i);
      now.t += 10;
    }
    g.noteShown(p, 999_999); // settles the last one
  }

  test('blocks places the user keeps rejecting, once warm, and only under the threshold', () => {
    const now = { t: 0 };
    const model = new AcceptanceModel({ warmup: 20 });
    const g = gate(now, 0.15, model);
    const p = at('x = 1;\nlet total = |\n', { languageId: 'python' });
    trained(g, p, false, 10, now);
    assert.equal(g.shouldAsk(p), true, 'never blocks before warm-up');
    trained(g, p, false, 150, now);
    assert.ok(model.warm);
    assert.equal(g.shouldAsk(p), false);
    assert.equal(g.blocked.unlikely, 1);
    // Threshold 0 switches the model off.
    assert.equal(gate(now, 0, model).shouldAsk(p), true);
    assert.equal(g.shouldAsk(p, true), true, 'explicit still asks');
  });

  test('one in `exploreEvery` blocked places is asked anyway, so the model can change its mind', () => {
    const now = { t: 0 };
    const model = new AcceptanceModel({ warmup: 20 });
    const g = gate(now, 0.15, model, 3);
    const p = at('x = 1;\nlet total = |\n');
    trained(g, p, false, 150, now);
    assert.deepEqual([g.shouldAsk(p), g.shouldAsk(p), g.shouldAsk(p), g.shouldAsk(p)], [false, false, true, false]);
  });

  test('empty answers teach the model: a kind of place that keeps answering nothing is no longer asked', () => {
    const now = { t: 0 };
    const model = new AcceptanceModel({ warmup: 20 });
    const g = gate(now, 0.15, model);
    // Places like the end of an argument before its closers, each on a line of its own.
    const empty = (i: number) => at(`${'\n'.repeat(i)}call(arg${i}|);\n`);
    g.noteOutcome(at('let a = |\n'), 'answered', '1;'); // the model answers elsewhere
    for (let i = 0; i < 150; i++) {
      if (i % 9 === 0) g.noteOutcome(at(`${'\n'.repeat(i)}let b = |\n`), 'answered', '2;');
      g.noteOutcome(empty(i), 'empty');
      now.t += 10;
    }
    assert.equal(model.seen, 150, 'each empty answer was learned from');
    assert.equal(g.shouldAsk(empty(500)), false);
    assert.equal(g.blocked.unlikely, 1);
    // An explicit request's empty answer says nothing about where the user wants suggestions.
    const before = model.seen;
    g.noteOutcome(at('x(|)\n', { explicit: true }), 'empty');
    assert.equal(model.seen, before);
    // A non-empty answer is learned when its suggestion is settled, not here.
    g.noteOutcome(at('y(|)\n'), 'answered', 'a');
    assert.equal(model.seen, before);
  });

  test('a model that answers nothing anywhere teaches nothing about places', () => {
    const now = { t: 0 };
    const model = new AcceptanceModel({ warmup: 20 });
    const g = gate(now, 0.15, model);
    const place = (i: number) => at(`${'\n'.repeat(i)}call(arg${i}|);\n`);
    for (let i = 0; i < 150; i++) g.noteOutcome(place(i), 'empty');
    assert.equal(model.seen, 0, 'every answer empty: the setup is at fault, not the places');
    assert.equal(g.shouldAsk(place(500)), true);
    // Once it answers somewhere, the next empty answers teach again; ten empty in a row stop it.
    g.noteOutcome(at('let a = |\n'), 'answered', '1;');
    for (let i = 0; i < 15; i++) g.noteOutcome(place(i), 'empty');
    assert.equal(model.seen, 10);
  });

  test('places the user accepts stay asked', () => {
    const now = { t: 0 };
    const model = new AcceptanceModel({ warmup: 20 });
    const g = gate(now, 0.15, model);
    const p = at('x = 1;\nlet total = |\n');
    trained(g, p, true, 150, now);
    assert.equal(g.shouldAsk(p), true);
  });
});

describe('ask gate: learning feed', () => {
  test('a shown suggestion is settled as accepted, superseded or expired', () => {
    const now = { t: 0 };
    let learned = 0;
    const g = new AskGate({ now: () => now.t, pendingMs: 30_000, onLearn: () => learned++ });
    g.noteShown(at('a|\n'), 1);
    g.noteShown(at('a|\n'), 1);
    assert.equal(g.model.seen, 0, 'the same request shown twice is one suggestion');
    g.noteAccepted(1);
    assert.equal(g.model.seen, 1);
    g.noteShown(at('b|\n'), 2);
    g.noteShown(at('c|\n'), 3);
    assert.equal(g.model.seen, 2, 'the next suggestion settles the one typed past');
    now.t += 31_000;
    g.expire();
    assert.equal(g.model.seen, 3, 'one shown and left alone counts as not accepted');
    assert.equal(learned, 3);
  });
});

/** A model answering each request with the next text, at once. */
function engineWith(policy: Partial<EnginePolicy>, answers: string[]) {
  const time = new VirtualTime(1_000_000);
  const calls: SourceRequest[] = [];
  const g = new AskGate({ now: () => time.now() });
  const engine = new CompletionEngine({
    source: (req): Promise<SourceResult> => {
      calls.push(req);
      return Promise.resolve({ text: answers.shift() ?? '' });
    },
    clock: time,
    timers: time,
    config: () => ({ prefixTokens: 1200, suffixTokens: 300, maxLines: 8 }),
    policy: { debounce: 0, ...policy },
    gate: g,
  });
  const ask = async (input: CompletionInput) => {
    const p = engine.complete(input, new AbortController().signal);
    await time.advance(0);
    await flushPromises();
    return p;
  };
  return { calls, ask, gate: g };
}

describe('ask gate in the engine', () => {
  test('mid-line sends nothing; explicit sends; policy gate:false sends', async () => {
    const on = engineWith({}, ['x']);
    assert.equal(await on.ask(at('const a = |b;\n')), undefined);
    assert.equal(on.calls.length, 0);
    await on.ask(at('const a = |b;\n', { explicit: true }));
    assert.equal(on.calls.length, 1);

    const off = engineWith({ gate: false }, ['x']);
    await off.ask(at('const a = |b;\n'));
    assert.equal(off.calls.length, 1);
  });

  test('an empty answer is reported: the place is not asked again even without the cache', async () => {
    const e = engineWith({ cache: 'none' }, ['', 'never']);
    await e.ask(at('let a = |\n'));
    await e.ask(at('let a = |\n'));
    assert.equal(e.calls.length, 1);
    assert.equal(e.gate.blocked.negative, 1);
  });

  test('an explicit ask where the cache holds an empty answer asks again; a typed one does not', async () => {
    const e = engineWith({}, ['', 'again']);
    assert.equal(await e.ask(at('let a = |\n')), undefined);
    assert.equal(await e.ask(at('let a = |\n')), undefined, 'the empty answer is served from the cache');
    assert.equal(e.calls.length, 1);
    const s = await e.ask(at('let a = |\n', { explicit: true }));
    assert.equal(e.calls.length, 2);
    assert.equal(s?.text, 'again');
  });
});
