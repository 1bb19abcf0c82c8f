// Shapes shared by the completion engine, its VS Code edge and the keystroke-replay benchmark.
import type { NormalizedUsage } from '../types';
import type { ContextItem } from './context/types';

/** Where the cursor is. The edge reads it from the editor; the benchmark from its replay. */
export interface CompletionInput {
  /** Identifies the document (its URI); cache entries never cross documents. */
  docKey: string;
  /** Text before the cursor (the edge may pass a generous tail rather than the whole file). */
  prefix: string;
  /** Text after the cursor (likewise, a generous head). */
  suffix: string;
  /** Absolute offset of the cursor in the document: anchors the cache and in-flight reuse. */
  offset: number;
  languageId: string;
  /** Asked for explicitly (Alt+\, InlineCompletionTriggerKind.Invoke): never held back by the gate. */
  explicit?: boolean;
}

/** What the source sends: the prompt windows already cut to the token budget. */
export interface SourceRequest {
  /** The engine's id for this request (Suggestion.requestId, FlightReport.requestId). */
  requestId: number;
  prefix: string;
  suffix: string;
  languageId: string;
  /** False where one line is wanted (mid-expression): a chat prompt may say so (multiline.ts). */
  multiline?: boolean;
  /** Aborting it must close the connection (the server sees the socket close). */
  signal: AbortSignal;
  onText(delta: string): void;
  /** Context from other files chosen for this request (goes before the file window). */
  context?: ContextItem[];
  /** Workspace-relative path of the file, when the gatherer knows it (repo-level FIM prompts). */
  path?: string;
}

export interface SourceResult {
  text: string;
  /** Our model table id, for per-model acceptance counts. */
  model?: string;
  usage?: NormalizedUsage | null;
}

/** Performs one model call. In the extension it wraps ctx.runner.run({ command: 'complete', ... }). */
export type CompletionSource = (request: SourceRequest) => Promise<SourceResult>;

export interface Suggestion {
  /** Ghost text to insert at the cursor. */
  text: string;
  /**
   * Characters after the cursor, on its line, that the text writes over (closers the editor wrote
   * ahead of the cursor, which the text goes through): the inline item's range ends there.
   */
  covers?: number;
  /** The model request this text came from (cache and reuse keep it). */
  requestId: number;
  model?: string;
  /** How it was obtained: 'request' paid for a call; the others cost nothing extra. */
  via: 'request' | 'reuse' | 'cache';
}

export type FlightEnd = 'done' | 'enough' | 'diverged' | 'cancelled' | 'superseded' | 'error';

/** One model request, reported when it ends (the benchmark and the stats read these). */
export interface FlightReport {
  requestId: number;
  startedAt: number;
  endedAt: number;
  end: FlightEnd;
  /** Raw text streamed before the end. */
  streamed: string;
  /** Post-processed suggestion ('' when nothing worth showing). */
  text: string;
  model?: string;
  usage?: NormalizedUsage | null;
  /** Prompt windows as sent (for prompt-token accounting), context included. */
  promptChars: number;
  /** Context items sent with the request (absent: no context step). */
  contextItems?: number;
  /** Time spent gathering context before the request, ms. */
  contextMs?: number;
  error?: unknown;
}

/** Timers are injected so tests run in virtual time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * How the engine avoids requests. Tiered's defaults are all on; the benchmark sets other tools'
 * published behaviour with the same code, so the comparison measures policy, not plumbing.
 */
export interface EnginePolicy {
  /** 'adaptive' learns from typing gaps and model latency; a number is a fixed wait in ms. */
  debounce: 'adaptive' | number;
  /** 'typedAlong' serves the rest of a suggestion the user is typing; 'exact' only the same prefix. */
  cache: 'none' | 'exact' | 'typedAlong';
  /** Reuse a streaming request whose prediction still matches what was typed since. */
  reuseInFlight: boolean;
  /**
   * When a request is aborted: 'divergence' as soon as the user typed past its prediction,
   * 'cancel' when the editor cancels the call that started it, 'supersede' only when a new
   * request starts, 'never' (it runs to its end).
   */
  abortOn: 'divergence' | 'cancel' | 'supersede' | 'never';
  /** With a request in flight that cannot be reused: 'replace' it, or 'skip' the new one. */
  whenBusy: 'replace' | 'skip';
  /**
   * Consult EngineOptions.gate (ask only where an answer will be used: gate.ts) before the
   * debounce. Without a gate object there is nothing to consult.
   */
  gate?: boolean;
  /**
   * Whether a place gets a multi-line suggestion (default: multiline.ts wantsMultiline). Another
   * tool's rule plugs in here, so the inline bench can compare policies that ask for more lines.
   */
  multiline?: (prefix: string, suffix: string) => boolean;
}

export const TIERED_POLICY: EnginePolicy = {
  debounce: 'adaptive',
  cache: 'typedAlong',
  reuseInFlight: true,
  abortOn: 'divergence',
  whenBusy: 'replace',
  gate: true,
};
