// Chooses the prompt's context block from what the edge gathered, within a token budget, in two
// parts. The stable head (the definitions of the file's imports, most used first, then snippets of
// open files most like the code at the cursor) takes up to STABLE_SHARE of the budget and, once sent,
// stays as it is while the material backs it: not grown, not reordered, so consecutive prompts share
// it as a cached prefix. The volatile part (marked `volatile`; a chat prompt sends it after the file)
// takes the rest: the definitions of the symbols used nearest the cursor that the head lacks, then
// the newest recent edits. The head is rebuilt when it has lost most of itself or no longer fits,
// and when the engine passes no previous block (it drops it when the file window's start moves).
import { estimateTextTokens } from '../../usage';
import type { CompletionInput } from '../types';
import {
  bestWindow,
  cursorContext,
  identifiers,
  identifiersOf,
  jaccard,
  lastUse,
  SNIPPET_WINDOW_LINES,
} from './similarity';
import type { ContextItem, ContextMaterial } from './types';

/** 'tiered': definitions, edits, snippets with a stable order; 'openTabs': Copilot-like snippets only. */
export type ContextStrategy = 'tiered' | 'openTabs';

/** Copilot's DEFAULT_MAX_TOP_SNIPPETS (one per file; similarFiles.ts). */
export const MAX_SNIPPETS = 4;
/** Recent edits kept, newest first. */
export const MAX_EDITS = 3;
/**
 * Share of the context budget the stable head may take; the rest is for the volatile part (the
 * cursor's definitions, recent edits). Copilot splits its prompt the same way, stable context 35 %
 * and volatile context 15 % (DEFAULT_PROMPT_ALLOCATION_PERCENT in
 * https://github.com/microsoft/vscode-copilot-chat, src/extension/completions-core/vscode-node/prompt/src/prompt.ts).
 */
export const STABLE_SHARE = 0.7;
/** Tokens of the header a format adds per item (path, kind, separators): counted against the budget. */
const ITEM_OVERHEAD_TOKENS = 8;
/** Below this a snippet cut to the remaining budget says too little to be worth its header. */
const MIN_SNIPPET_TOKENS = 48;

// Token estimates of texts that come back on every request (the same snippets and definitions).
const MEMO_TEXTS = 256;
const tokenMemo = new Map<string, number>();

function textTokens(text: string): number {
  let n = tokenMemo.get(text);
  if (n === undefined) {
    n = estimateTextTokens(text);
    tokenMemo.set(text, n);
    if (tokenMemo.size > MEMO_TEXTS) tokenMemo.delete(tokenMemo.keys().next().value!);
  }
  return n;
}

export function itemTokens(item: Pick<ContextItem, 'path' | 'text'>): number {
  return estimateTextTokens(item.path) + textTokens(item.text) + ITEM_OVERHEAD_TOKENS;
}

/**
 * The first whole lines of `text` whose item fits `tokens` ('' when not even one line fits). Lines
 * are costed one by one (each rounded up), which never undercounts the whole.
 */
function headLines(path: string, text: string, tokens: number): string {
  if (itemTokens({ path, text }) <= tokens) return text;
  let used = itemTokens({ path, text: '' });
  let end = 0;
  while (end < text.length) {
    let next = text.indexOf('\n', end === 0 ? 0 : end + 1);
    if (next < 0) next = text.length;
    const cost = estimateTextTokens(text.slice(end, next + 1));
    if (used + cost > tokens) break;
    used += cost;
    end = next;
  }
  return text.slice(0, end);
}

interface Candidate {
  item: ContextItem;
}

/**
 * Emission rank: imports' definitions, snippets (the stable part), then the cursor's definitions and
 * edits (the volatile part). `imports` holds the keys of definitions the gatherer gave as the file's
 * imports (Definition.source 'import').
 */
function rank(item: ContextItem, imports: ReadonlySet<string>): number {
  if (item.kind === 'definition') return imports.has(item.key) ? 0 : 2;
  return item.kind === 'snippet' ? 1 : 3;
}

/** The keys of the material's import definitions (a definition given both ways counts as an import). */
function importKeys(material: ContextMaterial): Set<string> {
  const out = new Set<string>();
  for (const d of material.definitions) if (d.source === 'import') out.add(definitionKey(d));
  return out;
}

const definitionKey = (d: { path: string; line: number }): string => `definition:${d.path}:${d.line}`;

/** Deterministic order: stable part first (rank), path, then the number at the end of the key (line or time). */
export function compareItems(a: ContextItem, b: ContextItem, imports: ReadonlySet<string> = new Set()): number {
  const kind = rank(a, imports) - rank(b, imports);
  if (kind) return kind;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  const n = (key: string): number => Number(key.slice(key.lastIndexOf(':') + 1)) || 0;
  return n(a.key) - n(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Snippets of open files (never the current one), best first, one per file. */
function snippetCandidates(material: ContextMaterial, target: ReadonlySet<string>, max: number): Candidate[] {
  const ranked: { c: Candidate; score: number; at: number }[] = [];
  for (const f of material.openFiles) {
    if (f.path === material.currentPath) continue;
    const best = bestWindow(f.path, f.text, target);
    if (!best) continue;
    const text = best.text;
    ranked.push({
      c: { item: { kind: 'snippet', path: f.path, text, key: `snippet:${f.path}:${best.line + 1}` } },
      score: best.score,
      at: f.lastActiveAt ?? 0,
    });
  }
  ranked.sort((a, b) => b.score - a.score || b.at - a.at || (a.c.item.path < b.c.item.path ? -1 : 1));
  return ranked.slice(0, max).map((r) => r.c);
}

/** Definitions, nearest use before the cursor first; those whose text the window already shows are left out. */
function definitionCandidates(material: ContextMaterial, input: CompletionInput, budget: number): Candidate[] {
  const window = input.prefix + input.suffix;
  const seen = new Set<string>();
  const out: { c: Candidate; use: number }[] = [];
  for (const d of material.definitions) {
    const key = definitionKey(d);
    if (!d.text.trim() || seen.has(key) || window.includes(d.text)) continue;
    seen.add(key);
    // Signature first: a long body is cut to half the budget (to all of it when not even its
    // first line fits in half: a small budget is best spent on the definition).
    const text = headLines(d.path, d.text, Math.floor(budget / 2)) || headLines(d.path, d.text, budget);
    if (!text) continue;
    out.push({ c: { item: { kind: 'definition', path: d.path, text, key } }, use: lastUse(input.prefix, d.symbol) });
  }
  out.sort((a, b) => b.use - a.use);
  return out.map((o) => o.c);
}

/** The newest edits (small hunks), newest first; an edit the window already shows adds nothing. */
function editCandidates(material: ContextMaterial, input: CompletionInput, budget: number): Candidate[] {
  const window = input.prefix + input.suffix;
  const out: Candidate[] = [];
  const edits = [...material.edits].sort((a, b) => b.at - a.at);
  for (const e of edits) {
    if (out.length >= MAX_EDITS) break;
    if (!e.text.trim() || window.includes(e.text)) continue;
    const text = headLines(e.path, e.text, Math.floor(budget / 4));
    if (text) out.push({ item: { kind: 'edit', path: e.path, text, key: `edit:${e.path}:${e.at}` } });
  }
  return out;
}

/**
 * Greedy fill in priority order; a snippet (and, with `cutDefinitions`, a definition: its signature
 * comes first) that does not fit whole is cut to its first lines when enough budget is left for it to
 * say something.
 */
function fill(
  candidates: Candidate[],
  budget: number,
  used: number,
  taken: Set<string>,
  cutDefinitions = false,
): ContextItem[] {
  const out: ContextItem[] = [];
  for (const { item } of candidates) {
    if (taken.has(item.key)) continue;
    let chosen: ContextItem | undefined = item;
    let cost = itemTokens(item);
    const cuttable = item.kind === 'snippet' || (cutDefinitions && item.kind === 'definition');
    if (used + cost > budget && cuttable && budget - used >= MIN_SNIPPET_TOKENS) {
      const text = headLines(item.path, item.text, budget - used);
      chosen = text ? { ...item, text } : undefined;
      cost = chosen ? itemTokens(chosen) : 0;
    }
    if (!chosen || used + cost > budget) continue;
    out.push(chosen);
    taken.add(chosen.key);
    used += cost;
  }
  return out;
}

/**
 * The context block for one request. `input` carries the prompt window (prefix and suffix as sent):
 * anything the window already shows is left out, and the snippets are ranked against its end.
 * `previous` is the block sent last for this document: its stable head is sent again as it was
 * while the material still backs it; the volatile part is chosen afresh. Every item's text comes from
 * `material` (a cut of it at most): nothing is invented, and what the gatherer left out stays out.
 */
export function selectContext(
  material: ContextMaterial,
  input: CompletionInput,
  budgetTokens: number,
  previous?: readonly ContextItem[],
  strategy: ContextStrategy = 'tiered',
): ContextItem[] {
  if (budgetTokens <= 0) return [];
  if (strategy === 'openTabs') {
    // Copilot's order: the most similar snippet last, nearest the file.
    const target = identifiers(cursorContext(input.prefix));
    const picked = fill(snippetCandidates(material, target, MAX_SNIPPETS), budgetTokens, 0, new Set());
    return picked.reverse();
  }
  const target = identifiers(cursorContext(input.prefix));
  const imports = importKeys(material);
  const defs = definitionCandidates(material, input, budgetTokens);
  const edits = editCandidates(material, input, budgetTokens);
  // Snippets (a sliding window over every open file) are ranked only when the head is rebuilt: a
  // kept snippet is checked against the material directly.
  const candidates = [...defs, ...edits];
  const byRank = (a: ContextItem, b: ContextItem): number => compareItems(a, b, imports);
  const stableCap = Math.floor(budgetTokens * STABLE_SHARE);

  // The head: what the last block sent as stable, while the material still backs it. It is not
  // grown or reordered (any change there takes everything after it out of the provider's cache);
  // it is rebuilt only when it has none left, lost items and shrank below half its share, or no
  // longer fits (a smaller budget).
  const sentHead = previous?.filter((i) => !i.volatile) ?? [];
  let head = sentHead.length ? keep(sentHead, candidates, material, input, target) : [];
  const headTokens = (items: ContextItem[]): number => items.reduce((n, i) => n + itemTokens(i), 0);
  const shrank = head.length < sentHead.length && headTokens(head) < stableCap / 2;
  if (!head.length || shrank || headTokens(head) > stableCap) {
    // Imports' definitions most used in the window first (a cursor-independent order, so a new
    // head after a jump in the same file is mostly the same), then the snippets.
    // A small budget still leaves room for the definition nearest the cursor (worth most).
    const nearest = defs.find((d) => !imports.has(d.item.key));
    const cap = Math.max(0, Math.min(stableCap, budgetTokens - (nearest ? itemTokens(nearest.item) : 0)));
    const uses = useCounts(material, input.prefix + input.suffix);
    const importDefs = defs
      .filter((d) => imports.has(d.item.key))
      .sort((a, b) => (uses.get(b.item.key) ?? 0) - (uses.get(a.item.key) ?? 0) || byRank(a.item, b.item));
    const snippets = snippetCandidates(material, target, MAX_SNIPPETS);
    head = fill([...importDefs, ...snippets], cap, 0, new Set()).sort(byRank);
  }
  // The volatile part, after the file in a chat prompt: the cursor's definitions and the imports'
  // definitions the head does not hold (nearest use first), then the newest edits, in what is left.
  const taken = new Set(head.map((i) => i.key));
  const volatile = fill(
    [...defs, ...edits].filter((c) => !taken.has(c.item.key)),
    budgetTokens,
    headTokens(head),
    taken,
    true,
  ).sort(byRank);
  return marked(head, volatile);
}

/** How often each definition's symbol appears in `text` (whole words). */
function useCounts(material: ContextMaterial, text: string): Map<string, number> {
  const words = new Map<string, number>();
  for (const m of text.matchAll(/[A-Za-z_$][\w$]*/g)) words.set(m[0], (words.get(m[0]) ?? 0) + 1);
  const out = new Map<string, number>();
  for (const d of material.definitions) out.set(definitionKey(d), words.get(d.symbol) ?? 0);
  return out;
}

/** The block: the head as is, then the volatile part marked (a chat prompt sends it after the file). */
function marked(head: ContextItem[], volatile: ContextItem[]): ContextItem[] {
  // Both come from the material's candidates or the head sent before, none of them marked.
  return [...head, ...volatile.map((i) => ({ ...i, volatile: true }))];
}

/**
 * The previous items that still hold, in their old order: a definition or edit the material still
 * has (its current text), a snippet whose file is still open, still contains the snippet's text,
 * and whose window still shares identifiers with the code at the cursor.
 */
function keep(
  previous: readonly ContextItem[],
  candidates: Candidate[],
  material: ContextMaterial,
  input: CompletionInput,
  target: ReadonlySet<string>,
): ContextItem[] {
  const byKey = new Map(candidates.map((c) => [c.item.key, c.item]));
  const window = input.prefix + input.suffix;
  const out: ContextItem[] = [];
  for (const p of previous) {
    if (p.kind !== 'snippet') {
      const now = byKey.get(p.key);
      if (now) out.push(now);
      continue;
    }
    const file = material.openFiles.find((f) => f.path === p.path);
    if (!file || file.path === material.currentPath || !file.text.includes(p.text) || window.includes(p.text)) continue;
    if (p.text.split('\n').length > SNIPPET_WINDOW_LINES) continue;
    if (jaccard(identifiersOf(p.text), target) > 0) out.push(p);
  }
  return out;
}
