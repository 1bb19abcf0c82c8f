// Suggestions already paid for, keyed by where they apply. A lookup also serves a suggestion the
// user is typing along: typed text that matches its start leaves the rest to show, for free.
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

/**
 * What was typed at `input` since `place`, or undefined when `input` is not `place` plus typing
 * (another document, before it, an edit behind or after the cursor).
 */
export function typedSince(place: Place, input: CompletionInput): string | undefined {
  if (place.docKey !== input.docKey) return undefined;
  const typed = input.offset - place.offset;
  if (typed < 0 || typed > input.prefix.length) return undefined;
  const at = input.prefix.length - typed - place.anchor.length;
  if (at < 0 || !input.prefix.startsWith(place.anchor, at)) return undefined;
  if (input.suffix.slice(0, SUFFIX_CHARS) !== place.suffixHead) return undefined;
  return input.prefix.slice(input.prefix.length - typed);
}

export interface CacheEntry {
  place: Place;
  /** Post-processed suggestion ('' = the model had nothing: asking again here is pointless). */
  text: string;
  requestId: number;
  model?: string;
  /** The text ends where written code resumes (postprocess.ts `Processed.resumes`). */
  resumes?: boolean;
}

export interface CacheHit {
  /** What is left to show ('' = nothing to show, and no request to send). */
  text: string;
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
      const typed = typedSince(e.place, input);
      if (typed === undefined || !e.text.startsWith(typed)) continue;
      // Typed (or accepted) all of it: at a line's end what follows is new ground, the next line.
      // Where the answer ended at written text (the rest of the line, or the next line, which the
      // model went on with), it said the code goes on with that, so asking again would only get it
      // back: nothing to show, no request.
      if (n > 0 && n === e.text.length && e.resumes !== true) continue;
      this.entries.splice(i, 1);
      this.entries.push(e);
      return { text: e.text.slice(typed.length), entry: e };
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
