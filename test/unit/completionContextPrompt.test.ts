// The context block in each inline request shape (always before the file window), and the held
// start of the prefix window (the prompt's beginning stays put until the window overflows).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ollamaModel } from '../support/models';
import { buildInlineRequest, CURSOR_MARK, heldWindowPrefix, windowPrefix } from '../../src/core/completion';
import type { ContextItem, PromptWindow } from '../../src/core/completion';
import { CHAT_FILE_END, commentContext, lineComment } from '../../src/core/completion/context/format';
import { inputTokenBound } from '../../src/core/calls/tokens';
import { infillBody } from '../../src/providers/infill';
import { estimateTextTokens } from '../../src/core/usage';

const CONTEXT: ContextItem[] = [
  {
    kind: 'definition',
    path: 'src/pricing.ts',
    text: 'export function priceOf(order: Order): number {\n  return 1;\n}',
    key: 'definition:src/pricing.ts:3',
  },
  { kind: 'snippet', path: 'src/orders.ts', text: 'const cost = priceOf(order);', key: 'snippet:src/orders.ts:12' },
];

const window: PromptWindow = {
  prefix: 'const order = load();\nconst total = ',
  suffix: ';\n',
  languageId: 'typescript',
  context: CONTEXT,
  path: 'src/main.ts',
};

describe('inline context in each request shape', () => {
  test('chat: in the user message before the file, each item headed by its path and kind', () => {
    const body = buildInlineRequest(ollamaModel({ fim: false }), window, { maxOutputTokens: 64 });
    const user = body.messages![1]!.content;
    const def = user.indexOf('Definition from src/pricing.ts');
    const snip = user.indexOf('Snippet from src/orders.ts');
    const file = user.indexOf(`${window.prefix}${CURSOR_MARK}${window.suffix}`);
    assert.ok(def > 0 && snip > def && file > snip, user);
    assert.ok(user.startsWith('Language: typescript\n\n'), 'the stable part stays first');
    const none = buildInlineRequest(ollamaModel({ fim: false }), { ...window, context: [] }, { maxOutputTokens: 64 });
    assert.equal(none.messages![1]!.content, `Language: typescript\n\n${window.prefix}${CURSOR_MARK}${window.suffix}`);
  });

  test('chat: volatile items (cursor definitions, edits) go after the file, so a change among them keeps the file in the shared prefix', () => {
    const near = (text: string, line: number): ContextItem => ({
      kind: 'definition',
      path: 'src/ship.ts',
      text,
      key: `definition:src/ship.ts:${line}`,
      volatile: true,
    });
    const chat = (items: ContextItem[]): string =>
      buildInlineRequest(ollamaModel({ fim: false }), { ...window, context: items }, { maxOutputTokens: 64 })
        .messages![1]!.content;
    const a = chat([...CONTEXT, near('export function ship(order: Order): void', 4)]);
    const b = chat([...CONTEXT, near('export function track(id: string): Status', 9)]);
    const file = `${window.prefix}${CURSOR_MARK}${window.suffix}`;
    // Stable items, then the file, then the file's end and the cursor's definitions.
    assert.ok(a.indexOf('Snippet from src/orders.ts') < a.indexOf(file), a);
    assert.ok(a.indexOf(file) < a.indexOf('export function ship'), a);
    assert.ok(a.includes(`${file}${CHAT_FILE_END}`), 'the file is closed before the context after it');
    // Everything up to the end of the file is the same in both prompts: only the tail differs.
    let shared = 0;
    while (shared < a.length && a[shared] === b[shared]) shared++;
    assert.ok(shared >= a.indexOf(file) + file.length, `shared ${shared} chars`);
    // Without volatile items nothing follows the file.
    assert.ok(chat(CONTEXT).endsWith(file));
  });

  test('FIM with suffix (Ollama): comment lines of the language before the prefix', () => {
    const body = buildInlineRequest(ollamaModel(), window, { maxOutputTokens: 64 });
    assert.equal(body.fim!.dialect, 'suffix');
    assert.ok(body.fim!.prefix.endsWith(window.prefix));
    const head = body.fim!.prefix.slice(0, -window.prefix.length);
    assert.ok(head.length > 0);
    for (const line of head.trimEnd().split('\n')) assert.ok(line.startsWith('//'), line);
    assert.ok(head.includes('// export function priceOf(order: Order): number {'));
    assert.equal(body.fim!.suffix, window.suffix);
  });

  test('comment syntax per language; a language without a line comment gets no FIM context', () => {
    assert.equal(lineComment('python'), '#');
    assert.equal(lineComment('sql'), '--');
    assert.ok(commentContext(CONTEXT, 'python').split('\n')[0]!.startsWith('# Definition from src/pricing.ts'));
    assert.equal(commentContext(CONTEXT, 'html'), '');
    const body = buildInlineRequest(ollamaModel(), { ...window, languageId: 'html' }, { maxOutputTokens: 64 });
    assert.equal(body.fim!.prefix, window.prefix);
  });

  test('FIM templates: the context is in the prompt before the prefix (starcoder comment lines, Qwen repo-level)', () => {
    const star = buildInlineRequest(ollamaModel({ fim: 'starcoder' }), window, { maxOutputTokens: 64 });
    const p = star.fim!.prompt!;
    assert.ok(p.startsWith('<fim_prefix>// Definition from src/pricing.ts'), p);
    assert.ok(p.indexOf('priceOf') < p.indexOf(window.prefix));

    const qwen = buildInlineRequest(ollamaModel({ fim: 'qwen' }), window, { maxOutputTokens: 64 });
    const q = qwen.fim!.prompt!;
    assert.ok(q.startsWith('<|repo_name|>'), q);
    assert.ok(q.includes('<|file_sep|>src/pricing.ts\nexport function priceOf'));
    assert.ok(q.includes(`<|file_sep|>src/main.ts\n<|fim_prefix|>${window.prefix}<|fim_suffix|>`));
    assert.ok(q.indexOf('src/orders.ts') < q.indexOf('<|fim_prefix|>'));
    // The input bound counts the whole prompt, context included.
    assert.ok(
      inputTokenBound(qwen, 'qwen2.5-coder') > inputTokenBound({ fim: { ...qwen.fim!, prompt: undefined } }, 'x'),
    );
  });

  test('llama.cpp /infill: the context as input_extra [{filename, text}], counted in the input bound', () => {
    const body = buildInlineRequest(ollamaModel({ fim: 'infill' }), window, { maxOutputTokens: 64 });
    assert.equal(body.fim!.dialect, 'infill');
    assert.equal(body.fim!.prefix, window.prefix);
    const wire = infillBody({ ...body, model: 'm', timeoutMs: 1000 }, body.fim!);
    assert.deepEqual(wire.input_extra, [
      { filename: 'src/pricing.ts', text: `${CONTEXT[0]!.text}\n` },
      { filename: 'src/orders.ts', text: `${CONTEXT[1]!.text}\n` },
    ]);
    const bare = buildInlineRequest(
      ollamaModel({ fim: 'infill' }),
      { ...window, context: [] },
      { maxOutputTokens: 64 },
    );
    assert.deepEqual(infillBody({ ...bare, model: 'm', timeoutMs: 1000 }, bare.fim!).input_extra, []);
    assert.ok(inputTokenBound(body, 'm') > inputTokenBound(bare, 'm'));
  });
});

describe('held window start', () => {
  const doc = Array.from({ length: 400 }, (_, i) => `const v${i} = compute(${i});`).join('\n') + '\n';

  test('the start stays put while the window fits, then jumps forward by a quarter of the budget', () => {
    const tokens = 300;
    let start: number | undefined;
    const starts: number[] = [];
    let text = doc;
    for (let i = 0; i < 120; i++) {
      text += 'x';
      if (i % 10 === 9) text += '\n';
      const held = heldWindowPrefix(text, text.length, tokens, start);
      assert.ok(estimateTextTokens(held.text) <= tokens, 'never over budget');
      assert.ok(text.endsWith(held.text));
      assert.equal(held.start, text.length - held.text.length);
      assert.ok(held.start === 0 || text[held.start - 1] === '\n', 'starts at a line start');
      starts.push(held.start);
      start = held.start;
    }
    const moves = starts.filter((s, i) => i > 0 && s !== starts[i - 1]).length;
    // Without holding, the start moves on (almost) every new line: 12 lines typed.
    const unheld = new Set(
      starts.map((_, i) => {
        let t = doc;
        for (let j = 0; j <= i; j++) t += j % 10 === 9 ? 'x\n' : 'x';
        return t.length - windowPrefix(t, tokens).length;
      }),
    ).size;
    assert.ok(moves <= 2, `held start moved ${moves} times`);
    assert.ok(unheld > moves + 5, `unheld moved ${unheld - 1} times`);
    // After a move the window takes about three quarters of the budget.
    const fresh = heldWindowPrefix(doc, doc.length, tokens, undefined);
    assert.ok(estimateTextTokens(fresh.text) <= tokens * 0.75 + 1);
    assert.ok(estimateTextTokens(fresh.text) > tokens * 0.6);
  });

  test('a start that is no longer a line start inside the prefix is not reused', () => {
    const held = heldWindowPrefix(doc, doc.length, 300, doc.length - 5);
    assert.notEqual(held.start, doc.length - 5);
    const small = heldWindowPrefix('a\nb', 3, 300, 2);
    assert.deepEqual(small, { text: 'a\nb', start: 0 }, 'a prefix within budget is sent whole');
  });
});
