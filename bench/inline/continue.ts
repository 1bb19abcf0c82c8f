// Continue's autocomplete prompt for an OpenAI chat model (gpt-*), rebuilt from its source so the
// bench's `continue` policy pays for what Continue really sends. Pure: the caller gives the full
// prefix/suffix, the open tabs (most recent first) and the import definitions.
// Every path cited below is relative to https://github.com/continuedev/continue/blob/main/
// (read at commit d0a3c0b, 2026-06-18).
import { hash, rng } from '../../test/support/random';

/** Defaults: https://github.com/continuedev/continue/blob/main/core/util/parameters.ts */
export const CONTINUE_OPTIONS = {
  maxPromptTokens: 1024,
  prefixPercentage: 0.3,
  maxSuffixPercentage: 0.2,
  debounceDelay: 350,
};

/**
 * core/autocomplete/classification/shouldCompleteMultiline.ts: several lines unless the cursor is
 * mid-line (the suffix does not start with a newline) or its line is a single-line comment
 * (TypeScript's `//`, core/autocomplete/constants/AutocompleteLanguageInfo.ts). Setting
 * `multilineCompletions` to "auto" (the default) takes this path.
 */
export function continueMultiline(prefix: string, suffix: string): boolean {
  // Its isMidlineCompletion is `!suffix.startsWith("\n")`: the very end of a file counts as mid-line.
  if (!suffix.startsWith('\n')) return false;
  return !prefix
    .slice(prefix.lastIndexOf('\n') + 1)
    .trimStart()
    .startsWith('//');
}

/** core/autocomplete/templating/filtering.ts TOKEN_BUFFER. */
export const TOKEN_BUFFER = 10;
/** core/autocomplete/templating/formatOpenedFilesContext.ts constants. */
const NUM_FILES_CONSIDERED = 10;
const DEFAULT_NUM_FILES_USED = 5;
const RECENCY_WEIGHT = 0.6;
const SIZE_WEIGHT = 0.4;
const MIN_SIZE = 10;
export const MIN_TOKENS_IN_SNIPPET = 125;
/** core/autocomplete/util/openedFilesLruCache.ts MAX_NUM_OPEN_CONTEXT_FILES. */
const MAX_OPEN_FILES = 20;

interface Encoding {
  encode(text: string, options: { disallowedSpecial: Set<string> }): number[];
  decode(tokens: number[]): string;
}
let cl100k: Encoding | undefined;
const PLAIN = { disallowedSpecial: new Set<string>() };
/**
 * Continue counts a gpt-* model's tokens with js-tiktoken's "gpt-4" encoding (cl100k_base):
 * autodetectTemplateType returns undefined for "gpt" names (core/llm/autodetect.ts
 * isProviderHandlesTemplatingOrNoTemplateTypeRequired), so encodingForModel picks gpt-4
 * (core/llm/countTokens.ts). Same vocabulary here through gpt-tokenizer.
 */
function encoding(): Encoding {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cl100k ??= require('gpt-tokenizer/encoding/cl100k_base') as Encoding;
  return cl100k;
}
/**
 * Token arrays memoised: the same lines and the same open files come back on every request (the
 * bench's CPU, not a figure of Continue's; the counts are the same).
 */
const memo = new Map<string, number[]>();
function tokens(text: string): number[] {
  let t = memo.get(text);
  if (!t) {
    t = encoding().encode(text, PLAIN);
    if (memo.size > 5_000) memo.clear();
    memo.set(text, t);
  }
  return t;
}
export function countTokens(text: string): number {
  return tokens(text).length;
}

/** core/llm/countTokens.ts pruneLinesFromTop: whole lines off the top, a token per joining newline. */
export function pruneLinesFromTop(text: string, maxTokens: number): string {
  const lines = text.split('\n');
  const counts = lines.map(countTokens);
  let total = counts.reduce((a, b) => a + b, 0) + Math.max(0, lines.length - 1);
  let start = 0;
  while (total > maxTokens && start < lines.length) {
    total -= counts[start]!;
    if (lines.length - start > 1) total--;
    start++;
  }
  return lines.slice(start).join('\n');
}

/** core/llm/countTokens.ts pruneLinesFromBottom. */
export function pruneLinesFromBottom(text: string, maxTokens: number): string {
  const lines = text.split('\n');
  const counts = lines.map(countTokens);
  let total = counts.reduce((a, b) => a + b, 0) + Math.max(0, lines.length - 1);
  let end = lines.length;
  while (total > maxTokens && end > 0) {
    end--;
    total -= counts[end]!;
    if (end > 0) total--;
  }
  return lines.slice(0, end).join('\n');
}

/** core/llm/countTokens.ts pruneStringFromBottom: the first `maxTokens` tokens. */
function pruneStringFromBottom(text: string, maxTokens: number): string {
  const all = tokens(text);
  return all.length <= maxTokens ? text : encoding().decode(all.slice(0, maxTokens));
}

/** core/autocomplete/util/HelperVars.ts prunePrefixSuffix (no held window: it moves with the cursor). */
export function caretWindow(fullPrefix: string, fullSuffix: string): { prefix: string; suffix: string } {
  const o = CONTINUE_OPTIONS;
  const prefix = pruneLinesFromTop(fullPrefix, o.maxPromptTokens * o.prefixPercentage);
  const maxSuffix = Math.min(o.maxPromptTokens - countTokens(prefix), o.maxSuffixPercentage * o.maxPromptTokens);
  return { prefix, suffix: pruneLinesFromBottom(fullSuffix, maxSuffix) };
}

export interface Snippet {
  /** Workspace-relative path. */
  path: string;
  content: string;
  /** Which of Continue's sources it stands for. */
  kind: 'recentlyOpened' | 'importDefinition';
}

/** Fisher-Yates as filtering.ts shuffleArray, from a seeded generator (Continue: Math.random per request). */
export function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** formatOpenedFilesContext.ts getRecencyAndSizeScore (logMin/logMax from setLogStats). */
function rankByScore(snippets: Snippet[]): Snippet[] {
  const sizes = snippets.slice(0, 10).map((s) => s.content.length);
  const logMin = Math.log(Math.max(Math.min(...sizes), MIN_SIZE));
  const logMax = Math.log(Math.max(Math.max(...sizes), MIN_SIZE));
  const score = (i: number, s: Snippet): number => {
    const logCurrent = Math.log(Math.max(s.content.length, MIN_SIZE));
    const size = logMax === logMin ? 0.5 : 1 - (logCurrent - logMin) / (logMax - logMin);
    return RECENCY_WEIGHT * Math.pow(1.15, -i) + SIZE_WEIGHT * size;
  };
  return snippets
    .slice(0, NUM_FILES_CONSIDERED)
    .map((s, i) => ({ s, score: score(i, s) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.min(DEFAULT_NUM_FILES_USED, snippets.length))
    .map((x) => x.s);
}

/**
 * core/autocomplete/templating/formatOpenedFilesContext.ts: the open files whole when at least
 * five (or all) fit, else the best-scored (recency and size) trimmed from the bottom, each getting
 * 125 tokens plus a share of what is left.
 */
export function formatOpenedFiles(snippets: Snippet[], remaining: number): Snippet[] {
  if (!snippets.length) return [];
  let fit = 0;
  let total = 0;
  const used = Math.min(DEFAULT_NUM_FILES_USED, snippets.length);
  for (const s of snippets) {
    const t = countTokens(s.content);
    if (total + t < remaining - TOKEN_BUFFER) {
      total += t;
      fit++;
    } else break;
  }
  if (fit >= used) return snippets.slice(0, fit);
  const top = rankByScore(snippets);
  while (top.length && remaining - TOKEN_BUFFER < top.length * MIN_TOKENS_IN_SNIPPET) top.pop();
  const out: Snippet[] = [];
  while (top.length) {
    const n = top.length;
    const limit = Math.floor(
      MIN_TOKENS_IN_SNIPPET + (2 / (n + 1)) * (remaining - TOKEN_BUFFER - n * MIN_TOKENS_IN_SNIPPET),
    );
    const s = top.shift()!;
    const content = countTokens(s.content) <= limit ? s.content : pruneStringFromBottom(s.content, limit);
    out.push({ ...s, content });
    remaining -= countTokens(content);
  }
  return out;
}

export interface ContinueMaterial {
  /** Open tabs, most recently used first (openedFilesLruCache.entriesDescending); the current file is skipped. */
  openFiles: { path: string; text: string }[];
  /** ImportDefinitionsService: each imported local name → its definitions' contents. */
  imports: Map<string, { path: string; contents: string }[]>;
}

/** core/autocomplete/context/ranking/index.ts getSymbolsForSnippet. */
export function symbolsOf(text: string): Set<string> {
  return new Set(
    text
      .split(/[\s.,/#!$%^&*;:{}=\-_`~()[\]]/g)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}
/** core/autocomplete/constants/AutocompleteLanguageInfo.ts (TypeScript / JavaScript). */
const TOP_LEVEL_KEYWORDS = ['function', 'class', 'module', 'export', 'import'];

/**
 * ContextRetrievalService.getSnippetsFromImportDefinitions: definitions of imported names that
 * appear in the last 5 prefix lines + first 3 suffix lines (joined without a newline, as there).
 */
export function importSnippets(
  fullPrefix: string,
  fullSuffix: string,
  imports: ContinueMaterial['imports'],
): Snippet[] {
  const around = fullPrefix.split('\n').slice(-5).join('\n') + fullSuffix.split('\n').slice(0, 3).join('\n');
  const out: Snippet[] = [];
  for (const symbol of symbolsOf(around)) {
    if (TOP_LEVEL_KEYWORDS.includes(symbol)) continue;
    for (const d of imports.get(symbol) ?? [])
      out.push({ path: d.path, content: d.contents, kind: 'importDefinition' });
  }
  return out;
}

/**
 * core/autocomplete/templating/filtering.ts getSnippets with the default options: remaining =
 * maxPromptTokens − tokens(caret window); recently opened files first (formatOpenedFilesContext),
 * then recently visited / edited ranges and the diff (all empty here, see the policy description),
 * then "base" = shuffled root-path + import-definition + static snippets not already in the caret
 * window; each snippet costs its tokens + TOKEN_BUFFER; a path already added is not added again.
 */
export function selectSnippets(
  window: { prefix: string; suffix: string },
  opened: Snippet[],
  base: Snippet[],
  next: () => number,
): Snippet[] {
  const caret = window.prefix + window.suffix;
  let remaining = CONTINUE_OPTIONS.maxPromptTokens - countTokens(caret);
  const chosen: Snippet[] = [];
  const added = new Set<string>();
  const take = (s: Snippet): void => {
    if (s.content.trim() === '') return; // validation.ts isValidSnippet
    const size = countTokens(s.content) + TOKEN_BUFFER;
    if (remaining < size) return;
    chosen.push(s);
    added.add(s.path);
    remaining -= size;
  };
  for (const s of formatOpenedFiles(opened, remaining)) take(s);
  if (remaining <= 0) return chosen;
  const shuffled = shuffle(
    base.filter((s) => s.content.trim() !== '' && !caret.includes(s.content.trim())),
    next,
  );
  for (const s of shuffled.filter((s) => !added.has(s.path))) take(s);
  return chosen;
}

/** core/util/uri.ts getLastNUriRelativePathParts(…, 2). */
const lastTwo = (path: string): string => path.split('/').slice(-2).join('/');
/** formatting.ts addCommentMarks (TypeScript's singleLineComment). */
const commented = (text: string, mark = '//'): string =>
  text
    .trim()
    .split('\n')
    .map((l) => `${mark} ${l}`)
    .join('\n');

/** core/autocomplete/templating/formatting.ts formatSnippets: `Path: …` + content, all commented, then the current path. */
export function formatSnippets(snippets: Snippet[], currentPath: string): string {
  return (
    snippets.map((s) => commented(`Path: ${lastTwo(s.path)}\n${s.content}`)).join('\n') +
    `\n${commented(lastTwo(currentPath))}`
  );
}

/**
 * holeFillerTemplate's fixed text, verbatim (core/autocomplete/templating/AutocompleteTemplate.ts,
 * "From https://github.com/VictorTaelin/AI-scripts"): the template used for every "gpt" model.
 */
export const HOLE_FILLER_SYSTEM = `You are a HOLE FILLER. You are provided with a file containing holes, formatted as '{{HOLE_NAME}}'. Your TASK is to complete with a string to replace this hole with, inside a <COMPLETION/> XML tag, including context-aware indentation, if needed.  All completions MUST be truthful, accurate, well-written and correct.

## EXAMPLE QUERY:

<QUERY>
function sum_evens(lim) {
  var sum = 0;
  for (var i = 0; i < lim; ++i) {
    {{FILL_HERE}}
  }
  return sum;
}
</QUERY>

TASK: Fill the {{FILL_HERE}} hole.

## CORRECT COMPLETION

<COMPLETION>if (i % 2 === 0) {
      sum += i;
    }</COMPLETION>

## EXAMPLE QUERY:

<QUERY>
def sum_list(lst):
  total = 0
  for x in lst:
  {{FILL_HERE}}
  return total

print sum_list([1, 2, 3])
</QUERY>

## CORRECT COMPLETION:

<COMPLETION>  total += x</COMPLETION>

## EXAMPLE QUERY:

<QUERY>
// data Tree a = Node (Tree a) (Tree a) | Leaf a

// sum :: Tree Int -> Int
// sum (Node lft rgt) = sum lft + sum rgt
// sum (Leaf val)     = val

// convert to TypeScript:
{{FILL_HERE}}
</QUERY>

## CORRECT COMPLETION:

<COMPLETION>type Tree<T>
  = {$:"Node", lft: Tree<T>, rgt: Tree<T>}
  | {$:"Leaf", val: T};

function sum(tree: Tree<number>): number {
  switch (tree.$) {
    case "Node":
      return sum(tree.lft) + sum(tree.rgt);
    case "Leaf":
      return tree.val;
  }
}</COMPLETION>

## EXAMPLE QUERY:

The 5th {{FILL_HERE}} is Jupiter.

## CORRECT COMPLETION:

<COMPLETION>planet from the Sun</COMPLETION>

## EXAMPLE QUERY:

function hypothenuse(a, b) {
  return Math.sqrt({{FILL_HERE}}b ** 2);
}

## CORRECT COMPLETION:

<COMPLETION>a ** 2 + </COMPLETION>`;

export const FILL_HERE = '{{FILL_HERE}}';
export const QUERY_START = `${HOLE_FILLER_SYSTEM}\n\n<QUERY>\n`;

/** holeFillerTemplate.template(prefix, suffix). */
export function holeFillerPrompt(prefix: string, suffix: string): string {
  return (
    `${QUERY_START}${prefix}${FILL_HERE}${suffix}\n</QUERY>\n` +
    `TASK: Fill the ${FILL_HERE} hole. Answer only with the CORRECT completion, and NOTHING ELSE. Do it now.\n<COMPLETION>`
  );
}

/** The text before the hole in a hole-filler prompt (the oracle's cursor), or undefined if it is not one. */
export function holeFillerPrefix(prompt: string): string | undefined {
  if (!prompt.startsWith(QUERY_START)) return undefined;
  const at = prompt.indexOf(FILL_HERE, QUERY_START.length);
  return at < 0 ? undefined : prompt.slice(QUERY_START.length, at);
}

/**
 * Stop strings: holeFillerTemplate's `</COMPLETION>` + getStopTokens' common ones
 * (core/autocomplete/templating/getStopTokens.ts), at most 4 for api.openai.com
 * (core/llm/llms/OpenAI.ts getMaxStopWords). gpt-5 / gpt-5-mini refuse `stop` with a 400
 * ("Unsupported parameter: 'stop'", https://github.com/huggingface/smolagents/issues/1671), so
 * the bench does not send them; Continue's stream pipeline also cuts at them client-side
 * (core/autocomplete/filtering/streamTransforms/StreamTransformPipeline.ts stopAtStopTokens).
 */
export const CONTINUE_STOP = ['</COMPLETION>', '/src/', '#- coding: utf-8', '```'];

export interface ContinuePrompt {
  /** The one user message (core/llm/llms/OpenAI.ts _streamComplete → _streamChat([{ role: 'user', content }])). */
  prompt: string;
  window: { prefix: string; suffix: string };
  snippets: Snippet[];
}

/**
 * What Continue sends for one request: caret window, snippets, rendering
 * (core/autocomplete/templating/index.ts renderPromptWithTokenLimit; its context-length pruning
 * never triggers at 1,024 prompt tokens on a 400k-token model).
 */
export function continuePrompt(
  input: { fullPrefix: string; fullSuffix: string; path: string; shuffleSeed: number },
  material: ContinueMaterial,
): ContinuePrompt {
  const window = caretWindow(input.fullPrefix, input.fullSuffix);
  const opened: Snippet[] = material.openFiles
    .filter((f) => f.path !== input.path && f.text.trim() !== '')
    .slice(0, MAX_OPEN_FILES)
    .map((f) => ({ path: f.path, content: f.text, kind: 'recentlyOpened' }));
  const base = importSnippets(input.fullPrefix, input.fullSuffix, material.imports);
  const snippets = selectSnippets(window, opened, base, rng(hash(String(input.shuffleSeed))));
  // index.ts preparePromptContext: an empty suffix becomes "\n"; buildPrompt joins snippets and prefix with "\n".
  const suffix = window.suffix === '' ? '\n' : window.suffix;
  const prefix = [formatSnippets(snippets, input.path), window.prefix].join('\n');
  return { prompt: holeFillerPrompt(prefix, suffix), window, snippets };
}

/**
 * Client-side stop (core/autocomplete/filtering/streamTransforms/charStream.ts stopAtStopTokens):
 * passes text on until a stop string, holding back a tail that could be the start of one (as its
 * buffer does). Returns the filter and a flush for the stream's end.
 */
export function stopFilter(onText: (delta: string) => void): { push(delta: string): void; end(): string } {
  let held = '';
  let out = '';
  let stopped = false;
  const longest = Math.max(...CONTINUE_STOP.map((s) => s.length));
  const emit = (text: string): void => {
    if (!text) return;
    out += text;
    onText(text);
  };
  return {
    push(delta) {
      if (stopped) return;
      held += delta;
      const hits = CONTINUE_STOP.map((s) => held.indexOf(s)).filter((i) => i >= 0);
      if (hits.length) {
        stopped = true;
        emit(held.slice(0, Math.min(...hits)));
        held = '';
        return;
      }
      const keep = Math.min(held.length, longest - 1);
      emit(held.slice(0, held.length - keep));
      held = held.slice(held.length - keep);
    },
    end() {
      if (!stopped) emit(held);
      held = '';
      return out;
    },
  };
}
