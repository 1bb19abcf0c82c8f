// The review's answer, written once in zod: validated here and sent to each provider as its
// structured-output JSON schema (OpenAI response_format json_schema, Gemini responseJsonSchema).
import { z } from 'zod';
import type { JsonSchemaSpec, ProviderKind } from '../types';

/** Bump when the answer's shape changes: cached results of an older shape are not reused. */
export const FINDINGS_SCHEMA_VERSION = 2;

export const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
export const CATEGORIES = [
  'bug',
  'security',
  'performance',
  'concurrency',
  'error-handling',
  'api-misuse',
  'maintainability',
  'style',
  'test',
  'docs',
] as const;

/**
 * How sure the model is that a finding is real. Three labels rather than a number: both OpenAI
 * strict json_schema and Gemini responseJsonSchema enforce a string enum exactly, while numeric
 * bounds are outside what they enforce (see dropBounds), and a model calibrates "high / medium /
 * low" more honestly than a two-decimal figure.
 */
export const CONFIDENCES = ['high', 'medium', 'low'] as const;

export type Severity = (typeof SEVERITIES)[number];
export type Confidence = (typeof CONFIDENCES)[number];
export type Category = (typeof CATEGORIES)[number];

const line = z.number().int().min(1);

export const findingSchema = z.object({
  file: z.string().min(1).describe('Path of the file exactly as given in the input header.'),
  startLine: line.describe('First line (1-based, as numbered in the input).'),
  endLine: line.describe('Last line (1-based, inclusive).'),
  severity: z.enum(SEVERITIES),
  category: z.enum(CATEGORIES),
  title: z.string().min(1).max(200).describe('One short line naming the problem.'),
  explanation: z.string().min(1).max(4000).describe('Why it is a problem and how to fix it.'),
  // After the explanation: structured output is generated in the schema's key order (OpenAI:
  // https://platform.openai.com/docs/guides/structured-outputs "Key ordering"; Gemini:
  // https://ai.google.dev/gemini-api/docs/structured-output "same order as the keys in the schema"),
  // so the model rates its certainty having written out why it is a problem.
  confidence: z
    .enum(CONFIDENCES)
    .describe(
      'How sure you are that this is a real problem in this code: high (certain), medium (likely), low (possible, needs checking).',
    ),
  // OpenAI strict mode needs every property present, so "no replacement" arrives as null there.
  replacement: z
    .string()
    .nullish()
    .describe('Optional exact text replacing lines startLine..endLine in full (no line numbers), or null.'),
});

export const findingsSchema = z.object({
  summary: z.string().max(4000).describe('Two or three sentences on the overall state of the code.'),
  findings: z.array(findingSchema),
});

/**
 * What parseFindings accepts: the schema above with confidence optional. The providers are asked
 * for it (required in the JSON schema they enforce); a server without structured output that leaves
 * it out should not cost a repair on the pro tier, so such a finding is kept with no confidence
 * (shown, never collapsed).
 */
const answerSchema = z.object({
  summary: findingsSchema.shape.summary,
  findings: z.array(findingSchema.extend({ confidence: findingSchema.shape.confidence.optional() })),
});

export interface Finding {
  file: string;
  startLine: number;
  endLine: number;
  severity: Severity;
  category: Category;
  /** How sure the model is the finding is real; undefined when its answer did not say. */
  confidence?: Confidence;
  title: string;
  explanation: string;
  /** Text replacing lines startLine..endLine in full; absent when the finding has no fix. */
  replacement?: string;
}

export interface Findings {
  summary: string;
  findings: Finding[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Strips a Markdown code fence some models wrap JSON in even when asked not to. */
export function stripFence(text: string): string {
  const t = text.trim();
  const m = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(t);
  return m ? m[1]!.trim() : t;
}

/** Parses with any zod schema; the error names the first problem with its JSON path. */
export function parseJsonWith<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(stripFence(text));
  } catch (err) {
    return { ok: false, error: `not valid JSON (${(err as Error).message})` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, error: `does not match the schema (${issues.join('; ')})` };
  }
  return { ok: true, value: parsed.data };
}

/** Validates a model's review answer; normalises null replacements and swapped line ranges. */
export function parseFindings(text: string): ParseResult<Findings> {
  const parsed = parseJsonWith(answerSchema, text);
  if (!parsed.ok) return parsed;
  const findings = parsed.value.findings.map((f): Finding => {
    const startLine = Math.min(f.startLine, f.endLine);
    const endLine = Math.max(f.startLine, f.endLine);
    const out: Finding = {
      file: f.file,
      startLine,
      endLine,
      severity: f.severity,
      category: f.category,
      ...(f.confidence ? { confidence: f.confidence } : {}),
      title: f.title,
      explanation: f.explanation,
    };
    if (typeof f.replacement === 'string') out.replacement = f.replacement;
    return out;
  });
  return { ok: true, value: { summary: parsed.value.summary, findings } };
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };

/**
 * Findings at or above `min` confidence are shown; the rest are collapsed behind "Show N
 * lower-confidence findings". A finding whose confidence is unknown is shown: nothing says it is weak.
 */
export function splitByConfidence<T extends Pick<Finding, 'confidence'>>(
  findings: readonly T[],
  min: Confidence,
): { shown: T[]; lower: T[] } {
  const shown: T[] = [];
  const lower: T[] = [];
  for (const f of findings) {
    if (f.confidence && CONFIDENCE_RANK[f.confidence] < CONFIDENCE_RANK[min]) lower.push(f);
    else shown.push(f);
  }
  return { shown, lower };
}

type Json = Record<string, unknown>;

/**
 * A zod schema as the JSON schema a provider accepts.
 * - OpenAI strict mode: every property required, optional ones nullable, additionalProperties
 *   false everywhere.
 * - Gemini responseJsonSchema: optional properties left out of `required`, plain types.
 * Both: no numeric or length bounds (see dropBounds).
 */
export function jsonSchemaFor(kind: ProviderKind, name: string, schema: z.ZodType): JsonSchemaSpec {
  const base = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Json;
  delete base.$schema;
  return { name, schema: kind === 'openai' ? toOpenAI(base) : toGemini(base) };
}

export function findingsJsonSchema(kind: ProviderKind): JsonSchemaSpec {
  return jsonSchemaFor(kind, 'review_findings', findingsSchema);
}

function mapSchema(node: Json, visit: (node: Json) => Json): Json {
  const out: Json = { ...node };
  if (out.properties && typeof out.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, Json>).map(([k, v]) => [k, mapSchema(v, visit)]),
    );
  }
  if (out.items && typeof out.items === 'object') out.items = mapSchema(out.items as Json, visit);
  return visit(out);
}

/**
 * Numeric and length bounds are outside the subset both providers enforce (OpenAI strict mode
 * rejects some outright); zod checks them on our side and a violation gets the one repair.
 */
const UNENFORCED = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
];

function dropBounds(node: Json): Json {
  for (const key of UNENFORCED) delete node[key];
  return node;
}

function toOpenAI(root: Json): Json {
  return mapSchema(root, (node) => {
    dropBounds(node);
    if (node.type === 'object' && node.properties) {
      const props = node.properties as Record<string, Json>;
      const required = new Set((node.required as string[] | undefined) ?? []);
      for (const [key, prop] of Object.entries(props)) {
        if (!required.has(key)) props[key] = nullable(prop);
      }
      node.required = Object.keys(props);
      node.additionalProperties = false;
    }
    return node;
  });
}

function nullable(prop: Json): Json {
  const t = prop.type;
  if (Array.isArray(t)) return t.includes('null') ? prop : { ...prop, type: [...t, 'null'] };
  if (typeof t === 'string') return { ...prop, type: [t, 'null'] };
  return { anyOf: [prop, { type: 'null' }] };
}

function toGemini(root: Json): Json {
  return mapSchema(root, (node) => {
    dropBounds(node);
    // An optional property needs no null branch for Gemini: it is simply left out.
    if (Array.isArray(node.type)) {
      const types = (node.type as string[]).filter((t) => t !== 'null');
      node.type = types.length === 1 ? types[0] : types;
    }
    delete node.additionalProperties;
    return node;
  });
}
