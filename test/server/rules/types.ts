// Shared shapes for the per-provider rules. The rules model what each real server rejects; they
// share nothing with src/ on purpose (a test double that shares our rules passes by construction).

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Which real server a request is answered as (chosen by path prefix, see flavours.ts). */
export type Flavour = 'openai' | 'gemini' | 'ollama' | 'llamacpp' | 'vllm' | 'lmstudio' | 'openrouter' | 'litellm';

/** A request the server refuses, with the provider's own status and body. */
export interface Rejection {
  status: number;
  body: unknown;
  /** Short reason for the log (e.g. "temperature 0.2 on gpt-5-mini"). */
  reason: string;
}

/** What the rules decided about one generation request. */
export interface RuleVerdict {
  reject?: Rejection;
  /**
   * The reasoning level the model runs at (request value or the model's default), in one
   * vocabulary: none | minimal | low | medium | high | xhigh, or `budget:<n>` (Gemini 2.5),
   * undefined for a model that does not reason (or an unknown one).
   */
  effort?: string;
  /** Reasoning counts against the output cap (max_completion_tokens / maxOutputTokens). */
  reasoningInCap?: boolean;
  /** The request is answered through the model's chat template (Ollama with an empty suffix). */
  chatTemplate?: boolean;
  /** Temperature the request sent, for the log (tests assert we do not send it). */
  temperature?: number;
}

/** The model id without a vendor prefix (`openai/`, `google/`, `models/`), lower-cased. */
export function modelFamilyId(model: string): string {
  return model
    .replace(/^(openai|google|models|gemini)\//i, '')
    .replace(/^models\//i, '')
    .toLowerCase();
}

/** OpenAI's way of listing values: 'a', 'b', and 'c'. */
export function quoteList(values: readonly string[]): string {
  const q = values.map((v) => `'${v}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}
