// The demo reply mode (test/server/demo): answers built from the real prompts of src/core
// (inline, tone, review) must pass the same checks the extension applies to a model's answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildInlineRequest, CURSOR_MARK } from '../../src/core/completion/prompt';
import { findingsJsonSchema, jsonSchemaFor, parseFindings, parseJsonWith } from '../../src/core/review/findings';
import { renderInput, type ReviewFile } from '../../src/core/review/input';
import {
  extractionSchema,
  extractMessages,
  reviewMessages,
  triageMessages,
  triageSchema,
} from '../../src/core/review/prompts';
import { checkAnswer } from '../../src/core/tone/checks';
import { planToneFix, toneTarget } from '../../src/core/tone/plan';
import { toneMessages } from '../../src/core/tone/prompt';
import { BUILT_IN_TONES } from '../../src/core/tone/tones';
import type { ChatMessage, JsonSchemaSpec } from '../../src/core/types';
import { classify, demoCompletion, demoReply } from './demo';
import { fixGrammar, rewrite } from './demo/tone';
import { numberedLines } from './demo/review';
import { startModelServer } from './modelServer';

const text = (c: ChatMessage['content']) => (typeof c === 'string' ? c : JSON.stringify(c));

/** A Gemini generateContent body as src/providers/gemini.ts sends it (system apart, JSON schema in config). */
function geminiBody(messages: ChatMessage[], schema?: JsonSchemaSpec) {
  const system = messages.find((m) => m.role === 'system');
  return {
    ...(system ? { systemInstruction: { parts: [{ text: text(system.content) }] } } : {}),
    contents: messages
      .filter((m) => m.role !== 'system')
      .map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: text(m.content) }] })),
    generationConfig: schema ? { responseMimeType: 'application/json', responseJsonSchema: schema.schema } : {},
  };
}

function asRequest(messages: ChatMessage[], schema?: JsonSchemaSpec) {
  return {
    messages: messages.map((m) => ({ role: m.role, text: text(m.content) })),
    body: geminiBody(messages, schema),
  };
}

/** The inline chat request the extension sends for a cursor at `|` in `source`. */
function inlineReply(source: string, languageId = 'typescript'): string {
  const at = source.indexOf('|');
  const body = buildInlineRequest(
    { maxOutputTokens: 1024, model: 'gemini-3.1-flash-lite', providerConfig: { kind: 'gemini' } } as never,
    { prefix: source.slice(0, at), suffix: source.slice(at + 1), languageId },
    { maxOutputTokens: 128 },
  );
  return demoReply(asRequest(body.messages!));
}

describe('demo replies: inline', () => {
  test('the chat prompt with <CURSOR> is read back as prefix and suffix', () => {
    const task = classify(
      asRequest([
        { role: 'system', content: `engine ${CURSOR_MARK}` },
        { role: 'user', content: `Language: go\n\na := 1${CURSOR_MARK}\nb := 2` },
      ]),
    );
    assert.deepEqual(task, { kind: 'inline', prefix: 'a := 1', suffix: '\nb := 2', languageId: 'go' });
  });

  test('an empty function body gets a return of its declared type', () => {
    const src = 'export function orderTotal(order: Order): number {\n  |\n}\n';
    assert.equal(inlineReply(src), 'return 0;');
    assert.equal(demoCompletion('function name(): string {\n  ', '\n}\n'), "return '';");
    assert.equal(demoCompletion('function log(): void {\n  ', '\n}\n'), '');
    const orders = [
      'export interface Order {',
      '  id: string;',
      '  items: { sku: string; qty: number; unitPrice: number }[];',
      '}',
      '',
      'export function orderTotal(order: Order): number {',
      '  |',
      '}',
    ].join('\n');
    assert.equal(inlineReply(orders), 'return order.items.reduce((sum, item) => sum + item.qty * item.unitPrice, 0);');
  });

  test('after `= ` a call of a function declared in the file, with arguments of its parameter types', () => {
    const src = 'export function computeAnswer(n: number): number {\n  return n;\n}\n\nconst answer = |';
    const reply = inlineReply(src);
    assert.equal(reply, 'computeAnswer(0);');
    assert.equal(demoCompletion('function one(): number {}\nconst x =', ''), ' one();', 'the space after `=`');
    assert.ok(!reply.includes(CURSOR_MARK) && !reply.includes('gemini'), 'never an echo');
  });

  test('a word being typed completes to an identifier seen earlier', () => {
    const src = 'const orderTotalCents = 5;\nfunction f() {\n  return orderT|\n}\n';
    assert.equal(inlineReply(src), 'otalCents');
  });

  test('an open call is closed; a call of a known function gets its arguments', () => {
    assert.equal(demoCompletion('  console.log(total', '\n'), ');');
    assert.equal(demoCompletion('function add(a: number, b: number) {}\nadd(', '\n'), '0, 0);');
    assert.equal(demoCompletion('  const xs = [1, 2', ''), '];');
    assert.equal(demoCompletion('  foo(bar', ')\n'), '', 'the suffix already closes it');
  });

  test('nothing fits: empty, not an echo', () => {
    assert.equal(demoCompletion('x', ' + y;\n'), '');
    assert.equal(demoCompletion('', ''), '');
    assert.equal(inlineReply('// a comment\n|'), '');
  });

  test('FIM: suffix dialect and a Qwen template prompt', () => {
    const suffix = demoReply({ messages: [], fim: { prefix: 'def area(r):\n    ', suffix: '\n' }, body: {} });
    assert.equal(suffix, 'return None');
    const qwen = demoReply({
      messages: [],
      fim: { prefix: '<|fim_prefix|>def show(value):\n    print(value<|fim_suffix|>\n<|fim_middle|>', suffix: '' },
      body: {},
    });
    assert.equal(qwen, ')');
  });
});

describe('demo replies: tone', () => {
  const grammar = BUILT_IN_TONES.find((t) => t.id === 'grammar')!;

  for (const tone of BUILT_IN_TONES) {
    test(`${tone.label} on code comments passes the tone checks and keeps the code`, () => {
      const code = [
        '// teh total we charge, basically',
        'export function total(xs: number[]): number {',
        '  /* sums the items, really */',
        '  return xs.reduce((a, b) => a + b, 0); // TODO: handle `NaN`',
        '}',
        '',
      ].join('\n');
      const plan = planToneFix('typescript', code);
      const answer = demoReply(asRequest(toneMessages(toneTarget(plan)!, tone)));
      const verdict = checkAnswer(plan, answer, { mayBeUnchanged: tone.mayBeUnchanged });
      assert.ok(verdict.ok, `${answer} → ${JSON.stringify(verdict)}`);
      assert.ok(verdict.changed);
      assert.match(verdict.replacement, /return xs\.reduce\(\(a, b\) => a \+ b, 0\); \/\/ TODO: /);
      assert.match(verdict.replacement, /export function total\(xs: number\[\]\): number \{/);
    });
  }

  test('Fix grammar: capitalised, a period, typos fixed; code spans and markers untouched', () => {
    const plan = planToneFix('typescript', '// teh greeting we send to users\nexport const g = 1;\n');
    const answer = demoReply(asRequest(toneMessages(toneTarget(plan)!, grammar)));
    assert.equal(answer, '<c1>\nThe greeting we send to users.\n</c1>');
    assert.equal(fixGrammar('TODO: call `foo_bar` here'), 'TODO: call `foo_bar` here');
    assert.equal(fixGrammar('see https://x.io/teh'), 'See https://x.io/teh');
  });

  test('prose (Markdown): a rewrite that keeps inline code', () => {
    const md = 'we fixed the thing in `teh.ts` and also made stuff faster, probably.\n';
    const plan = planToneFix('markdown', md);
    const concise = BUILT_IN_TONES.find((t) => t.id === 'concise')!;
    const answer = demoReply(asRequest(toneMessages(toneTarget(plan)!, concise)));
    assert.equal(answer, 'We fixed the thing in `teh.ts` and made stuff faster.');
    assert.ok(checkAnswer(plan, answer, { mayBeUnchanged: false }).ok);
  });

  test('every non-grammar tone changes even already-clean text', () => {
    for (const tone of ['concise', 'friendly', 'formal', 'neutral', 'custom'] as const)
      assert.notEqual(rewrite('Sums the items.', tone).replace(/\s+/g, ' '), 'Sums the items.', tone);
  });
});

const CART = [
  'export async function loadCart(id: any) {',
  '  console.log("loading", id);',
  '  const res = fetch(`/cart/${id}`);',
  '  if (id.length == 0) return [];',
  '  // TODO: cache carts',
  '  return res;',
  '}',
].join('\n');

const file = (path: string, text: string): ReviewFile => ({
  path,
  uri: `file:///${path}`,
  languageId: 'typescript',
  text,
  firstLine: 1,
});

describe('demo replies: review', () => {
  for (const kind of ['gemini', 'openai'] as const) {
    test(`findings JSON matches the schema (${kind}) with real issues, line numbers and quick fixes`, () => {
      const messages = reviewMessages('file', renderInput([file('src/cart.ts', CART)]));
      const answer = demoReply(asRequest(messages, findingsJsonSchema(kind)));
      const parsed = parseFindings(answer);
      assert.ok(parsed.ok, answer);
      const found = parsed.value.findings;
      assert.ok(found.length >= 1 && found.length <= 3, answer);
      assert.deepEqual(
        found.map((f) => [f.file, f.startLine, f.title]),
        [
          ['src/cart.ts', 1, '`any` turns off type checking'],
          ['src/cart.ts', 3, 'Promise used without await'],
          ['src/cart.ts', 4, 'Loose equality (`==`) instead of `===`'],
        ],
      );
      assert.equal(found[0]!.replacement, 'export async function loadCart(id: unknown) {');
      assert.equal(found[1]!.replacement, '  const res = await fetch(`/cart/${id}`);');
      assert.equal(found[2]!.replacement, '  if (id.length === 0) return [];');
      if (kind === 'openai') assert.ok(JSON.parse(answer).findings.every((f: object) => 'replacement' in f));
      // Every finding says how sure it is (src/core/review/findings.ts confidence, required of providers).
      assert.ok(
        found.every((f) => f.confidence !== undefined),
        answer,
      );
    });
  }

  test('a TODO has no replacement; strings and comments are not read as code', () => {
    const src = 'const s = "a == b";\n// TODO: remove\nconst t = s; // x == y\n';
    const answer = demoReply(
      asRequest(reviewMessages('file', renderInput([file('a.ts', src)])), findingsJsonSchema('gemini')),
    );
    const parsed = parseFindings(answer);
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.value.findings.map((f) => [f.startLine, f.replacement]),
      [[2, undefined]],
    );
  });

  test('diffs: only added lines are reported, at new-side numbers', () => {
    const rendered =
      "=== FILE: a.ts — changes, new-side line numbers, '+' added, '-' removed ===\n 4  | console.log(1);\n 5 +| console.log(2);";
    assert.deepEqual(numberedLines(rendered), [{ file: 'a.ts', line: 5, code: 'console.log(2);' }]);
  });

  test('clean code: valid JSON with no findings', () => {
    const answer = demoReply(
      asRequest(
        reviewMessages('file', renderInput([file('ok.ts', 'export const x = 1;\n')])),
        findingsJsonSchema('gemini'),
      ),
    );
    const parsed = parseFindings(answer);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.findings.length, 0);
  });

  test('triage and extraction answer their own schemas', () => {
    const rendered = renderInput([file('src/cart.ts', CART)]);
    const triage = demoReply(
      asRequest(triageMessages('file', rendered), jsonSchemaFor('gemini', 'triage', triageSchema)),
    );
    assert.ok(parseJsonWith(triageSchema, triage).ok, triage);
    const extract = demoReply(
      asRequest(extractMessages('file', rendered), jsonSchemaFor('openai', 'extraction', extractionSchema)),
    );
    const parsed = parseJsonWith(extractionSchema, extract);
    assert.ok(parsed.ok, extract);
    assert.deepEqual(
      parsed.value.files[0]!.keyLines.map((k) => k.line),
      [1, 2, 3, 4, 5],
    );
  });
});

describe('demo knob on the server', () => {
  test('off by default (the echo stays); on, an inline request gets a continuation', async () => {
    const server = await startModelServer();
    try {
      const body = geminiBody(
        buildInlineRequest(
          { maxOutputTokens: 64, model: 'm', providerConfig: { kind: 'gemini' } } as never,
          { prefix: 'function f(): number {\n  ', suffix: '\n}\n', languageId: 'typescript' },
          { maxOutputTokens: 64 },
        ).messages!,
      );
      const ask = async () => {
        const res = await fetch(`${server.geminiBaseUrl}/v1beta/models/test-model:generateContent`, {
          method: 'POST',
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
        return json.candidates[0]!.content.parts.map((p) => p.text).join('');
      };
      assert.match(await ask(), /^\[test-model\]/);
      server.setDefaults({ demo: true });
      assert.equal(await ask(), 'return 0;');
    } finally {
      await server.close();
    }
  });
});
