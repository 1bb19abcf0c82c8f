// Prompt windows cut to a token budget at line boundaries, and the request shape per model:
// fill-in-the-middle where the model table says fim: true, a chat prompt otherwise.
import type { RequestBody } from '../calls';
import type { InlineConfig } from '../config';
import type { ResolvedModel } from '../router';
import { createHash } from 'node:crypto';
import { estimateTextTokens } from '../usage';
import { capabilitiesOf, serverKind } from '../calls/capabilities';
import { chatContext, commentContext, infillExtra, qwenRepoContext } from './context/format';
import type { ContextItem } from './context/types';
import { fimChoice, formatFim } from './fim';

export interface PromptWindow {
  prefix: string;
  suffix: string;
  languageId: string;
  /**
   * Context from other files, sent before the file window in every request shape (a chat prompt
   * sends the volatile items after it: context/format.ts chatContext).
   */
  context?: ContextItem[];
  /** Workspace-relative path of the file (the repo-level FIM form names it). */
  path?: string;
  /**
   * An opaque identity of the workspace (the edge's choice, e.g. a hash of its folders): with the
   * language it makes the prompt cache key. Never sent as is.
   */
  cacheScope?: string;
  /**
   * The engine's multi-line decision (multiline.ts): false where one line is wanted. The engine
   * already cuts the answer to one line and stops its stream at the first newline; a prompt may
   * also say so (kept out of the prompt for now: it would change the text the demo server parses).
   */
  multiline?: boolean;
}

/**
 * The end of `prefix` within `tokens`: whole lines walking back from the cursor; the cursor's own
 * line is always kept (cut from its left only when it alone is over budget).
 */
export function windowPrefix(prefix: string, tokens: number): string {
  let start = prefix.lastIndexOf('\n') + 1;
  let used = estimateTextTokens(prefix.slice(start));
  if (used > tokens) return tailWithin(prefix.slice(start), tokens);
  while (start > 0) {
    const lineStart = start >= 2 ? prefix.lastIndexOf('\n', start - 2) + 1 : 0;
    const cost = estimateTextTokens(prefix.slice(lineStart, start));
    if (used + cost > tokens) break;
    used += cost;
    start = lineStart;
  }
  return prefix.slice(start);
}

/**
 * The longest end (or start) of one overlong line within `tokens`. A character-count cut alone
 * overshoots on non-ASCII text (binary or CJK lines cost a token a character), so shrink by the
 * overshoot until the estimate fits; ASCII fits at the first try.
 */
function tailWithin(line: string, tokens: number): string {
  let n = Math.min(line.length, Math.floor(tokens * 3.5));
  for (
    let c = estimateTextTokens(line.slice(line.length - n));
    c > tokens && n > 0;
    c = estimateTextTokens(line.slice(line.length - n))
  ) {
    n = Math.min(n - 1, Math.floor((n * tokens) / c));
  }
  return n > 0 ? line.slice(line.length - n) : '';
}

function headWithin(line: string, tokens: number): string {
  let n = Math.min(line.length, Math.floor(tokens * 3.5));
  for (let c = estimateTextTokens(line.slice(0, n)); c > tokens && n > 0; c = estimateTextTokens(line.slice(0, n))) {
    n = Math.min(n - 1, Math.floor((n * tokens) / c));
  }
  return line.slice(0, n);
}

/** The start of `suffix` within `tokens`: the rest of the cursor's line, then whole lines. */
export function windowSuffix(suffix: string, tokens: number): string {
  if (tokens <= 0) return '';
  let end = suffix.indexOf('\n');
  if (end < 0) end = suffix.length;
  let used = estimateTextTokens(suffix.slice(0, end));
  if (used > tokens) return headWithin(suffix.slice(0, end), tokens);
  while (end < suffix.length) {
    let next = suffix.indexOf('\n', end + 1);
    if (next < 0) next = suffix.length;
    const cost = estimateTextTokens(suffix.slice(end, next));
    if (used + cost > tokens) break;
    used += cost;
    end = next;
  }
  return suffix.slice(0, end);
}

/**
 * The prefix window with its start held in place (cache-friendly: the prompt's beginning stays the
 * same from one request to the next). `cursor` is the absolute offset of the end of `prefix`;
 * `previousStart` the absolute offset where the last window of this document began. That start is
 * kept while it is still a line start inside `prefix` and the window from it fits `tokens`. When it
 * no longer fits (or there is none), the start jumps forward so the window takes three quarters of
 * the budget, leaving a quarter to type into before it has to move again.
 */
export function heldWindowPrefix(
  prefix: string,
  cursor: number,
  tokens: number,
  previousStart?: number,
): { text: string; start: number } {
  const base = cursor - prefix.length;
  // The whole prefix fits: nothing to cut (its start is the file's or the edge's).
  if (estimateTextTokens(prefix) <= tokens) return { text: prefix, start: base };
  if (previousStart !== undefined && previousStart > base && previousStart <= cursor) {
    const rel = previousStart - base;
    if (prefix[rel - 1] === '\n' && estimateTextTokens(prefix.slice(rel)) <= tokens)
      return { text: prefix.slice(rel), start: previousStart };
  }
  const text = windowPrefix(prefix, Math.max(1, tokens - Math.floor(tokens / 4)));
  return { text, start: cursor - text.length };
}

export function promptWindow(
  prefix: string,
  suffix: string,
  languageId: string,
  config: Pick<InlineConfig, 'prefixTokens' | 'suffixTokens'>,
): PromptWindow {
  return {
    prefix: windowPrefix(prefix, config.prefixTokens),
    suffix: windowSuffix(suffix, config.suffixTokens),
    languageId,
  };
}

export const CURSOR_MARK = '<CURSOR>';

export const INLINE_SYSTEM_PROMPT =
  'You are a code completion engine. The user sends a file with the marker ' +
  CURSOR_MARK +
  ' where the cursor is; context from other files may come before or after the file, and is read only.' +
  ' Reply with exactly the text to insert at the marker and nothing else: ' +
  'no explanation, no Markdown code fences, do not repeat the text before or after the marker. ' +
  'Keep it short (at most a few lines). If nothing should be inserted, reply with nothing.';

/**
 * The request for one model: FIM in the server's dialect, or chat messages; output bounded for the
 * budget. A temperature goes only where the user set one (the call path drops it for a model that
 * rejects it). Ollama's `suffix` route needs a suffix: at the end of a file an empty one would switch
 * it to the chat template and a prose answer, so that case is a chat prompt there.
 */
export function buildInlineRequest(
  model: Pick<ResolvedModel, 'fim' | 'maxOutputTokens' | 'temperature' | 'model' | 'capabilities' | 'providerConfig'>,
  window: PromptWindow,
  config: Pick<InlineConfig, 'maxOutputTokens'>,
): RequestBody {
  const maxOutputTokens = Math.min(config.maxOutputTokens, model.maxOutputTokens);
  const temperature = model.temperature !== undefined ? { temperature: model.temperature } : {};
  const fim = fimChoice(model);
  const context = window.context ?? [];
  // Ollama only: an empty suffix there means "no suffix" and its chat template (a prose answer).
  const ollamaAtEnd =
    fim?.dialect === 'suffix' && window.suffix.trim() === '' && serverKind(model.providerConfig) === 'ollama';
  if (fim && !ollamaAtEnd) {
    if (fim.dialect === 'infill') {
      const extra = context.length ? { extra: infillExtra(context) } : {};
      return {
        fim: { prefix: window.prefix, suffix: window.suffix, dialect: 'infill', ...extra },
        maxOutputTokens,
        ...temperature,
      };
    }
    if (fim.dialect === 'template' && fim.template === 'qwen' && context.length) {
      const { prompt, stop } = formatFim('qwen', window.prefix, window.suffix);
      const full = qwenRepoContext(context, window.path) + prompt;
      return {
        fim: { prefix: window.prefix, suffix: window.suffix, dialect: 'template', prompt: full },
        stop,
        maxOutputTokens,
        ...temperature,
      };
    }
    // Other FIM prompts: the context as comment lines at the start of the prefix (as Copilot does).
    const prefix = commentContext(context, window.languageId) + window.prefix;
    const base = { prefix, suffix: window.suffix };
    if (fim.dialect === 'template') {
      const { prompt, stop } = formatFim(fim.template!, prefix, window.suffix);
      return { fim: { ...base, dialect: 'template', prompt }, stop, maxOutputTokens, ...temperature };
    }
    return { fim: { ...base, dialect: fim.dialect }, maxOutputTokens, ...temperature };
  }
  const { before, after } = chatContext(context);
  return {
    messages: [
      { role: 'system', content: INLINE_SYSTEM_PROMPT },
      {
        role: 'user',
        content: `Language: ${window.languageId}\n\n${before}${window.prefix}${CURSOR_MARK}${window.suffix}${after}`,
      },
    ],
    maxOutputTokens,
    ...temperature,
    ...promptCacheKey(model, window),
  };
}

/**
 * `prompt_cache_key` where the capabilities table says the model takes it on its vendor's host:
 * a hash of the workspace identity and the language (never user text or a path), so requests of one
 * workspace and language share a cache route.
 */
function promptCacheKey(
  model: Pick<ResolvedModel, 'model' | 'capabilities' | 'providerConfig'>,
  window: PromptWindow,
): { promptCacheKey?: string } {
  if (!capabilitiesOf(model)?.promptCacheKey || serverKind(model.providerConfig) !== 'openai') return {};
  const hash = createHash('sha256')
    .update(`tiered-inline\0${window.cacheScope ?? ''}\0${window.languageId}`)
    .digest('hex');
  return { promptCacheKey: `tiered-${hash.slice(0, 32)}` };
}
