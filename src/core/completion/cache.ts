// Suggestions already paid for, keyed by where they apply. A lookup also serves a suggestion the
// user is typing along: typed text that matches its start leaves the rest to show, for free.
import { compact, covers as coversRest } from './postprocess';
import type { CompletionInput } from './types';

/** Characters before the cursor that must match (enough to tell two places apart). */
const ANCHOR_CHARS = 512;
/** Characters after the cursor that must match (an edit there makes a suggestion stale). */
const SUFFIX_CHARS = 128;

export interface Place {
  docKey: string;
  offset: number;
  anchor: string;
  suffixHead: string;
}

export function placeOf(input: CompletionInput): Place {
  return {
    docKey: input.docKey,
    offset: input.offset,
    anchor: input.prefix.slice(-ANCHOR_CHARS),
    suffixHead: input.suffix.slice(0, SUFFIX_CHARS),
  };
}

/** Characters the editor writes ahead of the cursor when it closes a pair (brackets and quotes). */
const AUTO_CLOSED = /^[)\]}'"`]*/;
/** At most this many of them gained since a place (nested pairs typed along a suggestion). */
const MAX_GAINED = 8;

export interface TypedOver {
  typed: string;
  /** Characters after the place's cursor that are gone (typed over by the editor's overtype, or deleted). */
  gone: number;
  /** Closers the editor wrote after the cursor since (auto-closed pairs typed along). */
  gained: number;
  /**
   * The line break and indent the editor put before the closers when Enter was typed between a
   * pair (`{|}` → `{\n  |\n}`): the closers now sit on a line of their own below the cursor.
   */
  split?: string;
}

/** The closers' own line that Enter between a pair leaves after the cursor (VS Code's onEnter indentOutdent). */
const SPLIT = /^\n[ \t]*(?=[)\]}])/;

/**
 * What was typed at `input` since `place`, or undefined when `input` is not `place` plus typing
 * (another document, before it, an edit behind or after the cursor). Typing here is what
 * auto-closing makes of it too: up to
 * `covers` characters after the place's cursor may be gone (closers a suggestion covered,
 * postprocess.ts `Processed.covers`, typed over), and closers the editor wrote for pairs typed
 * since may sit after the cursor (`foo(` typed along `foo(a);` leaves `foo(|)`). Whether the rest
 * of the suggestion still covers what is after the cursor is remainder()'s to say.
 */
export function typedOver(place: Place, input: CompletionInput, covers = 0): TypedOver | undefined {
  if (place.docKey !== input.docKey) return undefined;
  const typed = input.offset - place.offset;
  if (typed < 0 || typed > input.prefix.length) return undefined;
  const at = input.prefix.length - typed - place.anchor.length;
  if (at < 0 || !input.prefix.startsWith(place.anchor, at)) return undefined;
  const text = input.prefix.slice(input.prefix.length - typed);
  const head = input.suffix.slice(0, SUFFIX_CHARS);
  if (head === place.suffixHead) return { typed: text, gone: 0, gained: 0 };
  // Enter typed since, between a pair: the editor moved the closers to a line below.
  const split = text.includes('\n') ? SPLIT.exec(head)?.[0] : undefined;
  for (const moved of split ? ['', split] : ['']) {
    const after = head.slice(moved.length);
    // Only text typed since can have made the editor write closers.
    const gainable = typed > 0 ? Math.min(MAX_GAINED, AUTO_CLOSED.exec(after)![0].length) : 0;
    for (let gained = 0; gained <= gainable; gained++) {
      for (let gone = 0; gone <= covers; gone++) {
        if (gained === 0 && gone === 0 && !moved) continue;
        // The window both heads still share.
        const shared = SUFFIX_CHARS - moved.length - Math.max(gained, gone);
        if (after.slice(gained, gained + shared) === place.suffixHead.slice(gone, gone + shared))
          return moved ? { typed: text, gone, gained, split: moved } : { typed: text, gone, gained };
      }
    }
  }
  return undefined;
}

/**
 * The rest of a suggestion to show at `input`, typed along as `over` says; undefined when what
 * remains no longer covers the closers after the cursor it must write over (the ones it covered
 * and not yet typed over, and the ones the editor wrote since).
 */
export function remainder(
  text: string,
  covers: number,
  over: TypedOver,
  input: CompletionInput,
): { text: string; covers?: number } | undefined {
  const rest = text.slice(over.typed.length);
  const left = covers - over.gone + over.gained;
  if (over.split !== undefined) return besideSplit(rest, left, input.suffix.slice(over.split.length));
  if (left <= 0) return { text: rest };
  const linePrefix = input.prefix.slice(input.prefix.lastIndexOf('\n') + 1);
  const lineSuffix = input.suffix.slice(0, left);
  return coversRest(linePrefix, rest, lineSuffix) ? { text: rest, covers: left } : undefined;
}

/**
 * The rest of a suggestion once Enter between a pair put the closers on their own line below: the
 * line break the text wrote before them (postprocess.ts puts one after lines that stop short of
 * the closers) or the closers it covered (its last line) are written already, so they are left out.
 * Undefined when the text does not end that way, or when nothing else is left.
 */
function besideSplit(rest: string, covered: number, closersOn: string): { text: string } | undefined {
  const end = rest.lastIndexOf('\n');
  if (end < 0) return undefined;
  const last = rest.slice(end + 1);
  const closers = closersOn.slice(0, Math.max(0, covered));
  if (covered > 0 ? compact(last) !== compact(closers) : last.trim() !== '') return undefined;
  const text = rest.slice(0, end).replace(/[ \t]+$/, '');
  return text.trim() ? { text } : undefined;
}

export interface CacheEntry {
  place: Place;
  /** Post-processed suggestion ('' = the model had nothing: asking again here is pointless). */
  text: string;
  requestId: number;
  model?: string;
  /** The text ends where written code resumes (postprocess.ts `Processed.resumes`). */
  resumes?: boolean;
  /** Characters after the cursor the text writes over (postprocess.ts `Processed.covers`). */
  covers?: number;
}

export interface CacheHit {
  /** What is left to show ('' = nothing to show, and no request to send). */
  text: string;
  /** Characters after the cursor it writes over. */
  covers?: number;
  entry: CacheEntry;
}

export class SuggestionCache {
  private entries: CacheEntry[] = [];

  constructor(
    private readonly capacity = 64,
    private readonly typedAlong = true,
  ) {}

  put(entry: CacheEntry): void {
    this.entries = this.entries.filter(
      (e) => !(e.place.docKey === entry.place.docKey && e.place.offset === entry.place.offset),
    );
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  get(input: CompletionInput): CacheHit | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.place.docKey !== input.docKey) continue;
      const n = input.offset - e.place.offset;
      if (n < 0 || (n > 0 && (!this.typedAlong || n > e.text.length))) continue;
      const over = typedOver(e.place, input, e.covers);
      if (over === undefined || !e.text.startsWith(over.typed)) continue;
      const left = remainder(e.text, e.covers ?? 0, over, input);
      if (left === undefined) continue;
      // Typed (or accepted) all of it: at a line's end what follows is new ground, the next line.
      // Where the answer ended at written text (the rest of the line, or the next line, which the
      // model went on with), it said the code goes on with that, so asking again would only get it
      // back: nothing to show, no request.
      if (n > 0 && n === e.text.length && e.resumes !== true) continue;
      this.entries.splice(i, 1);
      this.entries.push(e);
      return { ...left, entry: e };
    }
    return undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}
