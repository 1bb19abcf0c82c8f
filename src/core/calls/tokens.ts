// Input token bounds the budget can rely on (DESIGN.md: "never a guess that can come out low").
// OpenAI model families: the exact count of their own tokenizer (o200k_base / cl100k_base through
// gpt-tokenizer) plus framing. Everything else (Gemini's SentencePiece, open-weight BPE models):
// UTF-8 bytes plus framing, which holds for byte-level BPE (a token covers at least one byte) and
// for SentencePiece with byte fallback (a piece covers at least one character, a byte-fallback
// character costs its UTF-8 bytes; +1 for the dummy-prefix piece).
import { familyKey } from './capabilities';

export type Tokenizer = 'o200k' | 'bytes';

/**
 * Per message: OpenAI's documented chat framing is 3 tokens a message and 3 to prime the reply
 * (https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken); Gemini's turn markers
 * are of the same size. 8 and 16 leave room for a name or a changed template.
 */
export const MESSAGE_FRAMING_TOKENS = 8;
export const REQUEST_FRAMING_TOKENS = 16;
/** Above this many characters a text is bounded by its bytes (counting would block the host). */
const EXACT_MAX_CHARS = 256 * 1024;

/**
 * Which tokenizer counts a model's input. o200k: GPT-4o, GPT-4.1, GPT-5.x, o-series, gpt-oss. The
 * older cl100k models (gpt-4, gpt-3.5) are bounded by bytes: their vocabulary would add 1 MB to
 * the extension for models few still use.
 */
export function tokenizerFor(model: string): Tokenizer {
  const key = familyKey(model);
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[134]\b|o[134]-|gpt-oss|chatgpt-4o)/.test(key)) return 'o200k';
  return 'bytes';
}

type Counter = (text: string) => number;
let o200k: Counter | undefined;
// Special-token strings in user text are sent as ordinary text, so they are counted as text.
const PLAIN = { disallowedSpecial: new Set<string>() };

/** The part of gpt-tokenizer's encoding module used here (its types need `moduleResolution: node16`). */
interface Encoding {
  countTokens(text: string, options: typeof PLAIN): number;
}

function counter(): Counter {
  // Loaded on first use: the vocabulary takes ~2 MB and a few hundred ms to parse.
  if (!o200k) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('gpt-tokenizer/encoding/o200k_base') as Encoding;
    o200k = (t) => m.countTokens(t, PLAIN);
  }
  return o200k;
}

/** UTF-8 length without allocating (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * BPE time grows fast with the length of a run it cannot split (gpt-tokenizer: 16,000 CJK characters
 * take ~5 s), so a text with a long run of non-ASCII characters is bounded by its bytes instead.
 */
const MAX_NON_ASCII_RUN = 128;

function hasLongNonAsciiRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) {
      if (++run > MAX_NON_ASCII_RUN) return true;
    } else run = 0;
  }
  return false;
}

/** At least as many tokens as `text` costs with `tokenizer`; exact for OpenAI's own tokenizers. */
export function textTokenBound(text: string, tokenizer: Tokenizer): number {
  if (!text) return 0;
  if (tokenizer === 'bytes' || text.length > EXACT_MAX_CHARS || hasLongNonAsciiRun(text)) return utf8Bytes(text) + 1;
  return counter()(text);
}

/** The parts of a request that count as input. */
export interface InputParts {
  messages?: readonly { content: string }[];
  fim?: { prefix: string; suffix: string; prompt?: string; extra?: readonly { filename: string; text: string }[] };
  jsonSchema?: { name: string; schema: Record<string, unknown> };
}

/** Input tokens `body` can cost on `model`: never below what the provider will bill. */
export function inputTokenBound(body: InputParts, model: string): number {
  const tokenizer = tokenizerFor(model);
  let tokens = REQUEST_FRAMING_TOKENS;
  for (const m of body.messages ?? []) tokens += MESSAGE_FRAMING_TOKENS + textTokenBound(m.content, tokenizer);
  if (body.fim) {
    tokens += body.fim.prompt
      ? textTokenBound(body.fim.prompt, tokenizer)
      : textTokenBound(body.fim.prefix, tokenizer) +
        textTokenBound(body.fim.suffix, tokenizer) +
        MESSAGE_FRAMING_TOKENS;
    // llama.cpp puts each extra chunk before the prefix with its file name and a separator token.
    for (const x of body.fim.extra ?? [])
      tokens += textTokenBound(x.filename, tokenizer) + textTokenBound(x.text, tokenizer) + MESSAGE_FRAMING_TOKENS;
  }
  // A structured-output schema is turned into instructions the provider counts as input; its own
  // bytes bound what it adds (schema text is short, so this over-reserves little).
  if (body.jsonSchema)
    tokens += utf8Bytes(body.jsonSchema.name + JSON.stringify(body.jsonSchema.schema)) + MESSAGE_FRAMING_TOKENS;
  return tokens;
}
