// What kind of request the demo server is answering, read from the request as a real model would
// read it: a FIM prompt, a chat prompt with the <CURSOR> marker (src/core/completion/prompt.ts),
// a tone rewrite (src/core/tone/prompt.ts), or a structured-output request whose JSON schema says
// which review stage it is (src/core/review/findings.ts, prompts.ts).
import type { ScriptRequest } from '../knobs';

export type DemoTask =
  | { kind: 'inline'; prefix: string; suffix: string; languageId?: string }
  | { kind: 'tone'; system: string; user: string }
  | { kind: 'review' | 'triage' | 'extract'; users: string[]; schema: Json }
  | { kind: 'other' };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

export const CURSOR = '<CURSOR>';
/** Where the file ends in a chat prompt with context after it (src/core/completion/context/format.ts). */
const FILE_END = '\n--- end of file ---\n\nContext for the code at the cursor';

/**
 * FIM prompts in a model's own tokens (src/core/completion/fim.ts TEMPLATES): Qwen, StarCoder,
 * DeepSeek, Code Llama, Codestral. Anything else is a plain prefix.
 */
const TEMPLATES: { re: RegExp; prefix: number; suffix: number }[] = [
  { re: /^<\|fim_prefix\|>([\s\S]*)<\|fim_suffix\|>([\s\S]*)<\|fim_middle\|>$/, prefix: 1, suffix: 2 },
  { re: /^<fim_prefix>([\s\S]*)<fim_suffix>([\s\S]*)<fim_middle>$/, prefix: 1, suffix: 2 },
  { re: /^<｜fim▁begin｜>([\s\S]*)<｜fim▁hole｜>([\s\S]*)<｜fim▁end｜>$/, prefix: 1, suffix: 2 },
  { re: /^<PRE> ([\s\S]*) <SUF>([\s\S]*) <MID>$/, prefix: 1, suffix: 2 },
  { re: /^\[SUFFIX\]([\s\S]*)\[PREFIX\]([\s\S]*)$/, prefix: 2, suffix: 1 },
];

export function splitFimPrompt(prefix: string, suffix: string): { prefix: string; suffix: string } {
  if (suffix) return { prefix, suffix };
  for (const t of TEMPLATES) {
    const m = t.re.exec(prefix);
    if (m) return { prefix: m[t.prefix]!, suffix: m[t.suffix]! };
  }
  return { prefix, suffix };
}

/** The structured-output schema a request carries: OpenAI response_format or Gemini generationConfig. */
export function requestSchema(body: unknown): Json | undefined {
  const b = obj(body);
  // https://platform.openai.com/docs/guides/structured-outputs (response_format.json_schema.schema)
  const openai = obj(obj(b.response_format).json_schema).schema;
  if (openai) return obj(openai);
  // https://ai.google.dev/api/generate-content#generationconfig (responseJsonSchema / responseSchema)
  const config = obj((b.generateContentRequest ? obj(b.generateContentRequest) : b).generationConfig);
  const gemini = config.responseJsonSchema ?? config.responseSchema;
  return gemini ? obj(gemini) : undefined;
}

export function classify(req: Pick<ScriptRequest, 'messages' | 'fim' | 'body'>): DemoTask {
  if (req.fim) return { kind: 'inline', ...splitFimPrompt(req.fim.prefix, req.fim.suffix) };
  const system = req.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.text)
    .join('\n');
  const users = req.messages.filter((m) => m.role === 'user').map((m) => m.text);
  const last = users[users.length - 1] ?? '';
  const schema = requestSchema(req.body);
  if (schema) {
    const props = obj(schema.properties);
    if ('findings' in props) return { kind: 'review', users, schema };
    if ('complexity' in props) return { kind: 'triage', users, schema };
    if ('files' in props) return { kind: 'extract', users, schema };
  }
  if (system.includes(CURSOR) && last.includes(CURSOR)) {
    const lang = /^Language: (\S+)\n\n/.exec(last);
    const body = lang ? last.slice(lang[0].length) : last;
    const at = body.lastIndexOf(CURSOR);
    const rest = body.slice(at + CURSOR.length);
    const end = rest.indexOf(FILE_END);
    const suffix = end < 0 ? rest : rest.slice(0, end);
    return { kind: 'inline', prefix: body.slice(0, at), suffix, languageId: lang?.[1] };
  }
  if (system.startsWith('You rewrite')) return { kind: 'tone', system, user: last };
  return { kind: 'other' };
}
