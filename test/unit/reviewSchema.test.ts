import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingsJsonSchema, parseFindings, stripFence } from '../../src/core/review/findings';

const finding = {
  file: 'src/a.ts',
  startLine: 3,
  endLine: 4,
  severity: 'warning',
  category: 'bug',
  title: 'Off by one',
  explanation: 'The loop reads past the end.',
};

type Json = Record<string, unknown>;
const itemsOf = (schema: Json) => ((schema.properties as Json).findings as Json).items as Json;

describe('findings schema', () => {
  test('accepts a valid answer and normalises null replacement and swapped lines', () => {
    const r = parseFindings(
      JSON.stringify({
        summary: 's',
        findings: [
          { ...finding, replacement: null },
          { ...finding, startLine: 9, endLine: 7, replacement: 'x = 1;' },
        ],
      }),
    );
    assert.ok(r.ok);
    assert.equal(r.value.findings.length, 2);
    assert.equal('replacement' in r.value.findings[0]!, false);
    assert.deepEqual([r.value.findings[1]!.startLine, r.value.findings[1]!.endLine], [7, 9]);
    assert.equal(r.value.findings[1]!.replacement, 'x = 1;');
  });

  test('accepts JSON wrapped in a code fence', () => {
    const text = '```json\n' + JSON.stringify({ summary: '', findings: [finding] }) + '\n```';
    assert.ok(parseFindings(text).ok);
    assert.equal(stripFence(' plain '), 'plain');
  });

  test('rejects invalid JSON and wrong shapes with a path in the message', () => {
    const bad = parseFindings('{"summary": "x", "findings": [');
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /not valid JSON/);

    const cases: Array<[unknown, RegExp]> = [
      [{ summary: 's', findings: [{ ...finding, severity: 'critical' }] }, /findings\.0\.severity/],
      [{ summary: 's', findings: [{ ...finding, startLine: 0 }] }, /findings\.0\.startLine/],
      [{ summary: 's', findings: [{ ...finding, startLine: 1.5 }] }, /startLine/],
      [{ summary: 's', findings: [{ ...finding, title: '' }] }, /title/],
      [{ findings: [] }, /summary/],
      [{ summary: 's', findings: [{ ...finding, file: undefined }] }, /file/],
    ];
    for (const [value, pattern] of cases) {
      const r = parseFindings(JSON.stringify(value));
      assert.equal(r.ok, false, JSON.stringify(value));
      assert.match(!r.ok ? r.error : '', pattern);
    }
  });

  test('OpenAI schema: strict shape, every property required, replacement nullable', () => {
    const spec = findingsJsonSchema('openai');
    assert.equal(spec.name, 'review_findings');
    const root = spec.schema;
    assert.equal(root.$schema, undefined);
    assert.equal(root.additionalProperties, false);
    assert.deepEqual(new Set(root.required as string[]), new Set(['summary', 'findings']));
    const item = itemsOf(root);
    assert.equal(item.additionalProperties, false);
    const props = item.properties as Record<string, Json>;
    assert.deepEqual(new Set(item.required as string[]), new Set(Object.keys(props)));
    assert.deepEqual(props.replacement!.type, ['string', 'null']);
    assert.deepEqual(props.severity!.enum, ['error', 'warning', 'info', 'hint']);
    assert.equal(props.startLine!.type, 'integer');
    for (const bound of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems']) {
      assert.equal(JSON.stringify(root).includes(`"${bound}"`), false, `${bound} is not sent`);
    }
  });

  test('Gemini schema: replacement optional (not required, not nullable), no additionalProperties', () => {
    const root = findingsJsonSchema('gemini').schema;
    assert.equal(root.$schema, undefined);
    assert.equal(root.additionalProperties, undefined);
    const item = itemsOf(root);
    const props = item.properties as Record<string, Json>;
    assert.equal((item.required as string[]).includes('replacement'), false);
    assert.equal((item.required as string[]).includes('file'), true);
    assert.equal(props.replacement!.type, 'string');
    assert.equal(JSON.stringify(root).includes('"null"'), false);
    assert.equal(JSON.stringify(root).includes('additionalProperties'), false);
    assert.equal(JSON.stringify(root).includes('"maxLength"'), false);
    assert.equal(typeof props.file!.description, 'string', 'descriptions guide the model');
  });

  test('bounds not sent to the provider are still enforced locally', () => {
    const long = parseFindings(JSON.stringify({ summary: 's', findings: [{ ...finding, title: 'x'.repeat(201) }] }));
    assert.equal(long.ok, false);
  });

  test('an answer shaped by either provider schema parses', () => {
    const openaiStyle = { summary: 's', findings: [{ ...finding, replacement: null }] };
    const geminiStyle = { summary: 's', findings: [finding] };
    assert.ok(parseFindings(JSON.stringify(openaiStyle)).ok);
    assert.ok(parseFindings(JSON.stringify(geminiStyle)).ok);
  });
});
