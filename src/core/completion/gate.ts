// Whether a place is worth a model request at all, asked by the engine after the free answers
// (cache, a stream in flight) and before the debounce. Each rule below skips requests whose answer
// would not be used; an explicit trigger (Alt+\) is never blocked. Pure: time comes from `now`.
import { AcceptanceModel, features } from './acceptance';
import { atEmptyBlock, bodyBelow, CLOSERS_ONLY } from './multiline';
import { compact } from './postprocess';
import type { CompletionInput } from './types';

export type GateReason = 'midline' | 'typo' | 'suffixHolds' | 'negative' | 'unlikely';

export interface AskGateOptions {
  now(): number;
  /** The user's threshold (tiered.inline.acceptThreshold): below it the model blocks; 0 = off. */
  threshold?(): number;
  model?: AcceptanceModel;
  /** Places remembered for the negative cache and the last suggestion (LRU). */
  places?: number;
  /** How long an empty answer keeps a place from being asked again. */
  negativeTtlMs?: number;
  /** A shown suggestion neither accepted nor superseded after this long counts as not accepted. */
  pendingMs?: number;
  /**
   * One in this many places the model would block is asked anyway, so that it keeps learning
   * where it blocks (a blocked place is never shown, so it could never change its mind); 0 = never.
   */
  exploreEvery?: number;
  /** Called after the model learned (the edge persists it, debounced). */
  onLearn?(model: AcceptanceModel): void;
}

interface PlaceMemory {
  /** Hash of the rest of the line when the answer came: another value means the line changed. */
  suffixHash: number;
  at: number;
  /** The last answer here ('' = empty). */
  text: string;
}

interface Pending {
  x: number[];
  at: number;
  line: string;
}

/** FNV-1a: a place key need not hold the user's text. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function lineParts(input: CompletionInput): { linePrefix: string; lineSuffix: string; line: string; place: string } {
  const linePrefix = input.prefix.slice(input.prefix.lastIndexOf('\n') + 1);
  const lineSuffix = input.suffix.split('\n', 1)[0]!;
  // The line: document + where it starts (an edit above moves it, which is a new place too).
  const line = `${input.docKey}\u0000${input.offset - linePrefix.length}`;
  return { linePrefix, lineSuffix, line, place: `${line}\u0000${hash(linePrefix)}` };
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\w$]/.test(c);

/** True when `text` has `word` at the start of a name (not inside a longer one), before `end`. */
function startsAName(text: string, word: string, end = text.length): boolean {
  for (let at = text.indexOf(word); at >= 0 && at < end; at = text.indexOf(word, at + 1)) {
    if (!isWordChar(text[at - 1])) return true;
  }
  return false;
}

/**
 * The last key turned the word before the cursor from the start of a name the document has into the
 * start of none ("ReserveResul" → "ReserveResulp"): a typo, which ghost text cannot mend (it only
 * inserts), or the first letter of a new name past everything the document knows, where a model can
 * only guess. In the benchmark's edit trace 7 of Tiered's 10 aborted requests were sent in the pause
 * after a typo. Only that one key is skipped: at the next, the word's start is unknown already and
 * the request goes.
 */
export function leftKnownNames(prefix: string, suffix: string): boolean {
  if (isWordChar(suffix[0])) return false;
  const word = /[A-Za-z_$][\w$]*$/.exec(prefix.slice(-80))?.[0];
  if (!word || word.length < 2) return false;
  // The word being typed ends the prefix: it does not count; the suffix starts with no word
  // character, so no name spans the two (and they are searched apart: no copy on each key).
  const own = prefix.length - word.length;
  const known = (w: string): boolean => startsAName(prefix, w, own) || startsAName(suffix, w);
  return known(word.slice(0, -1)) && !known(word);
}

/** Empty automatic answers in a row after which empty ones stop teaching the acceptance model. */
const RECENT_ANSWERS = 10;

export class AskGate {
  readonly model: AcceptanceModel;
  /** Requests each rule saved (for the benchmark and the log). */
  readonly blocked: Record<GateReason, number> = { midline: 0, typo: 0, suffixHolds: 0, negative: 0, unlikely: 0 };
  private readonly places = new Map<string, PlaceMemory>();
  private readonly lastOutcome = new Map<string, 'accepted' | 'rejected'>();
  private readonly pending = new Map<number, Pending>();
  private lastAcceptAt: number | undefined;
  private unlikelySeen = 0;
  /** Automatic answers in a row without text since the last one with text (none yet: no evidence). */
  private emptyRun = RECENT_ANSWERS;

  constructor(private readonly opts: AskGateOptions) {
    this.model = opts.model ?? new AcceptanceModel();
  }

  /** The engine asks before a request; false = send nothing. */
  shouldAsk(input: CompletionInput, explicit = input.explicit === true): boolean {
    if (explicit) return true;
    const why = this.reason(input);
    if (why) this.blocked[why]++;
    return why === undefined;
  }

  /** Why a request at `input` would be wasted, or undefined when it is worth asking. */
  reason(input: CompletionInput): GateReason | undefined {
    const { linePrefix, lineSuffix, line, place } = lineParts(input);

    // Copilot asks mid-line only when closers (and one trailing `:{;,`) follow the cursor:
    // isValidMiddleOfTheLinePosition in
    // https://github.com/microsoft/vscode-copilot-chat/blob/main/src/extension/completions-core/vscode-node/lib/src/ghostText/ghostText.ts
    // llama.vscode does not auto-trigger with more than max_line_suffix (8) characters after the
    // cursor, unless invoked: https://github.com/ggml-org/llama.vscode/blob/master/src/completion.ts
    if (!CLOSERS_ONLY.test(lineSuffix)) return 'midline';
    if (leftKnownNames(input.prefix, input.suffix)) return 'typo';
    // A block the editor closed over a body already written below: the answer would repeat it.
    if (bodyBelow(input.prefix, input.suffix)) return 'suffixHolds';

    const now = this.opts.now();
    const mem = this.touch(place);
    if (mem && mem.suffixHash === hash(lineSuffix)) {
      // An empty answer here: asking the same place again gets the same nothing (Continue and
      // Copilot cache answers by prefix; this remembers the empty ones longer and per line).
      if (mem.text === '' && now - mem.at < (this.opts.negativeTtlMs ?? 10 * 60_000)) return 'negative';
    }
    // The text after the cursor already holds what the last answer here would add (the user typed
    // or accepted it, then came back): llama.vscode discards such suggestions after the fact
    // (shouldDiscardSuggestion in src/completion.ts above); here the request is not even sent.
    if (mem && mem.text !== '') {
      const want = compact(mem.text);
      // A closer alone adds nothing the model would not now see as written.
      if (
        want.length >= 2 &&
        !/^[)\]}>"'`;,]*$/.test(want) &&
        compact(input.suffix.slice(0, mem.text.length * 2 + 64)).startsWith(want)
      )
        return 'suffixHolds';
    }

    const threshold = this.opts.threshold?.() ?? 0;
    if (threshold > 0 && this.model.warm) {
      const p = this.model.predict(this.features(input, linePrefix, lineSuffix, line));
      const every = this.opts.exploreEvery ?? 20;
      if (p < threshold && (every <= 0 || ++this.unlikelySeen % every !== 0)) return 'unlikely';
    }
    return undefined;
  }

  /**
   * The engine reports each answered request: '' = the model had nothing to add here. An empty
   * answer to an automatic request also teaches the acceptance model "not accepted": it is the
   * request the model exists to save, and it is never shown, so the shown/accepted feed alone would
   * never learn from it. Only while the model also answers elsewhere: when none of the last
   * RECENT_ANSWERS automatic answers had text (a model or server that answers nothing, a broken
   * template), the fault is not the place, and learning it would keep suggestions away long after
   * the setup is mended.
   */
  noteOutcome(input: CompletionInput, outcome: 'empty' | 'answered', text = ''): void {
    const { linePrefix, lineSuffix, line, place } = lineParts(input);
    if (input.explicit !== true) {
      if (outcome === 'answered') this.emptyRun = 0;
      else if (this.emptyRun++ < RECENT_ANSWERS) {
        this.model.learn(this.features(input, linePrefix, lineSuffix, line), false);
        this.opts.onLearn?.(this.model);
      }
    }
    this.places.delete(place);
    this.places.set(place, {
      suffixHash: hash(lineSuffix),
      at: this.opts.now(),
      text: outcome === 'empty' ? '' : text,
    });
    const cap = this.opts.places ?? 512;
    while (this.places.size > cap) this.places.delete(this.places.keys().next().value!);
  }

  /** A suggestion was displayed at `input` (once per request). Earlier ones are settled as not accepted. */
  noteShown(input: CompletionInput, requestId: number): void {
    const now = this.opts.now();
    for (const [id, p] of [...this.pending]) if (id !== requestId) this.settle(id, p, false);
    if (this.pending.has(requestId)) return;
    const { linePrefix, lineSuffix, line } = lineParts(input);
    this.pending.set(requestId, { x: this.features(input, linePrefix, lineSuffix, line), at: now, line });
  }

  /** The user accepted the suggestion of `requestId` (Tab). */
  noteAccepted(requestId: number): void {
    this.lastAcceptAt = this.opts.now();
    const p = this.pending.get(requestId);
    if (p) this.settle(requestId, p, true);
  }

  /** Settles shown suggestions left unanswered for too long (typed past, dismissed, abandoned). */
  expire(): void {
    const limit = this.opts.now() - (this.opts.pendingMs ?? 60_000);
    for (const [id, p] of [...this.pending]) if (p.at < limit) this.settle(id, p, false);
  }

  private settle(id: number, p: Pending, accepted: boolean): void {
    this.pending.delete(id);
    this.model.learn(p.x, accepted);
    this.lastOutcome.delete(p.line);
    this.lastOutcome.set(p.line, accepted ? 'accepted' : 'rejected');
    if (this.lastOutcome.size > (this.opts.places ?? 512))
      this.lastOutcome.delete(this.lastOutcome.keys().next().value!);
    this.opts.onLearn?.(this.model);
  }

  private features(input: CompletionInput, linePrefix: string, lineSuffix: string, line: string): number[] {
    this.expire();
    return features({
      linePrefix,
      lineSuffix,
      languageId: input.languageId,
      sinceAcceptMs: this.lastAcceptAt === undefined ? undefined : this.opts.now() - this.lastAcceptAt,
      lastOutcome: this.lastOutcome.get(line),
      blockStart: atEmptyBlock(input.prefix, input.suffix),
    });
  }

  /** The memory of a place, refreshed as most recently used. */
  private touch(place: string): PlaceMemory | undefined {
    const m = this.places.get(place);
    if (m) {
      this.places.delete(place);
      this.places.set(place, m);
    }
    return m;
  }
}
