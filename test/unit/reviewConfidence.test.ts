// Confidence per finding: asked of both providers in the schema they enforce, read back from the
// answer (kept unknown when a server without structured output leaves it out), and split against
// `tiered.review.minConfidence` into shown and collapsed findings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config';
import {
  FINDINGS_SCHEMA_VERSION,
  findingsJsonSchema,
  parseFindings,
  splitByConfidence,
  type Finding,
} from '../../src/core/review/findings';

type Json = Record<string, unknown>;
const itemsOf = (schema: Json) => ((schema.properties as Json).findings as Json).items as Json;

const finding: Finding = {
  file: 'src/a.ts',
  startLine: 3,
  endLine: 3,
  severity: 'warning',
  category: 'bug',
  title: 'Off by one',
  explanation: 'The loop reads past the end.',
};

describe('confidence in the findings schema', () => {
  test('OpenAI strict: required, a plain string enum with no null branch', () => {
    const items = itemsOf(findingsJsonSchema('openai').schema as Json);
    assert.ok((items.required as string[]).includes('confidence'));
    assert.deepEqual((items.properties as Json).confidence, {
      type: 'string',
      enum: ['high', 'medium', 'low'],
      description: ((items.properties as Json).confidence as Json).description,
    });
  });

  test('Gemini: required, string enum; written after the explanation (generation follows key order)', () => {
    const items = itemsOf(findingsJsonSchema('gemini').schema as Json);
    assert.ok((items.required as string[]).includes('confidence'));
    const confidence = (items.properties as Json).confidence as Json;
    assert.equal(confidence.type, 'string');
    assert.deepEqual(confidence.enum, ['high', 'medium', 'low']);
    const keys = Object.keys(items.properties as Json);
    assert.ok(keys.indexOf('confidence') > keys.indexOf('explanation'), keys.join(','));
  });

  test('the schema version moved past the shape without confidence (old cached results are not reused)', () => {
    assert.ok(FINDINGS_SCHEMA_VERSION >= 2);
  });

  test('parse keeps the confidence, leaves it unknown when absent, rejects a value outside the enum', () => {
    const ok = parseFindings(
      JSON.stringify({
        summary: 's',
        findings: [
          { ...finding, confidence: 'low' },
          { ...finding, title: 'No confidence given' },
        ],
      }),
    );
    assert.ok(ok.ok);
    assert.equal(ok.value.findings[0]!.confidence, 'low');
    assert.equal('confidence' in ok.value.findings[1]!, false);

    const bad = parseFindings(JSON.stringify({ summary: 's', findings: [{ ...finding, confidence: 0.9 }] }));
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /findings\.0\.confidence/);
  });
});

describe('splitByConfidence', () => {
  const high = { ...finding, title: 'h', confidence: 'high' as const };
  const medium = { ...finding, title: 'm', confidence: 'medium' as const };
  const low = { ...finding, title: 'l', confidence: 'low' as const };
  const unknown = { ...finding, title: 'u' };
  const all = [low, high, unknown, medium];
  const titles = (fs: Finding[]) => fs.map((f) => f.title);

  test('medium: low is collapsed; order is kept; unknown is shown', () => {
    const { shown, lower } = splitByConfidence(all, 'medium');
    assert.deepEqual(titles(shown), ['h', 'u', 'm']);
    assert.deepEqual(titles(lower), ['l']);
  });

  test('high: only high and unknown are shown', () => {
    const { shown, lower } = splitByConfidence(all, 'high');
    assert.deepEqual(titles(shown), ['h', 'u']);
    assert.deepEqual(titles(lower), ['l', 'm']);
  });

  test('low: everything is shown', () => {
    const { shown, lower } = splitByConfidence(all, 'low');
    assert.equal(shown.length, 4);
    assert.equal(lower.length, 0);
  });
});

describe('tiered.review.minConfidence', () => {
  test('defaults to medium and accepts only high, medium, low', () => {
    const d = parseConfig({});
    assert.ok(d.ok);
    assert.equal(d.config.review.minConfidence, 'medium');
    const set = parseConfig({ review: { minConfidence: 'high' } });
    assert.ok(set.ok);
    assert.equal(set.config.review.minConfidence, 'high');
    assert.equal(parseConfig({ review: { minConfidence: 'sure' } }).ok, false);
  });
});
