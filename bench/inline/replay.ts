// The editor, emulated: each key edits the document, cancels the pending provider call and
// schedules a new one after VS Code's 50 ms debounce; ghost text is "shown" when a call returns
// text before the next key. One ReplayEditor per policy, all fed the same keys at the same time.
import { performance } from 'node:perf_hooks';
import {
  CompletionEngine,
  type AskGate,
  type EngineOptions,
  type RecentEdit,
  realTimers,
  VirtualTime,
  type DebounceOptions,
  type EnginePolicy,
  type SourceRequest,
  type FlightReport,
} from '../../src/core/completion';
import { systemClock } from '../../src/core/types';
import type { CompletionSource } from '../../src/core/completion';
import type { Key, Segment } from './trace';
import { applyKey, openState, type EditorState } from './autoClose';

export const EDITOR_DEBOUNCE_MS = 50;

/**
 * CPU time of this process in ms. The engine's own work is metered in CPU time, not wall time, so
 * that the OS running other processes in the middle of a section does not count as engine work.
 */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
/** A gap at least this long is a pause, where ghost text is wanted. */
export const PAUSE_MS = 750;

export interface Billing {
  prompt: number;
  /** Prompt tokens read from the provider's cache (inside `prompt`). */
  cached: number;
  output: number;
}

export interface PolicyFigures {
  keys: number;
  requests: number;
  completed: number;
  aborted: number;
  errors: number;
  shownRequests: number;
  /** Tokens billed for requests whose text was never shown. */
  wasted: Billing;
  billed: Billing;
  pauses: number;
  pausesWithGhost: number;
  pauseToGhostMs: number[];
  /** Engine ms per request (SDK excluded) and per complete() call that sent nothing. */
  engineMsPerRequest: number[];
  engineMsPerCall: number[];
  sdkSyncMsPerRequest: number[];
  /** Context gathering wall time per request that gathered (ms). */
  contextMs: number[];
  /** Characters of ghost text the typist typed as shown (accepted by typing along). */
  acceptedChars: number;
}

/** Workspace mode: what the editor adds to the engine for a policy, and where it types. */
export interface ReplayExtras {
  context?: EngineOptions['context'];
  gate?: AskGate;
  languageId?: string;
  /** Workspace-relative path of the typed file (recent edits name it). */
  path?: string;
}

export class ReplayEditor {
  readonly engine: CompletionEngine;
  private readonly state: EditorState = { doc: '', cursor: 0 };
  private docKey = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private lastKeyAt = 0;
  private ghostAt: number | undefined;
  /** The open segment retypes a span inside a line (trace.ts edit segments). */
  private editing = false;
  /** The ghost text on screen: VS Code keeps showing it while the keys match it, with no call. */
  private displayed: { offset: number; text: string; requestId: number } | undefined;
  /** The typist's recent line edits (newest last), for the workspace gatherer. */
  readonly edits: RecentEdit[] = [];
  private readonly shown = new Set<number>();
  private readonly reports: FlightReport[] = [];
  private readonly callMs = new Map<number, number>();
  private readonly flightMs = new Map<number, number>();
  readonly sdkSyncMs = new Map<number, number>();
  /** Debug only: the end of each request's prefix. */
  readonly prefixTail = new Map<number, string>();
  readonly figures: PolicyFigures = {
    keys: 0,
    requests: 0,
    completed: 0,
    aborted: 0,
    errors: 0,
    shownRequests: 0,
    wasted: { prompt: 0, cached: 0, output: 0 },
    billed: { prompt: 0, cached: 0, output: 0 },
    pauses: 0,
    pausesWithGhost: 0,
    pauseToGhostMs: [],
    engineMsPerRequest: [],
    engineMsPerCall: [],
    sdkSyncMsPerRequest: [],
    contextMs: [],
    acceptedChars: 0,
  };

  private readonly t0 = performance.now();
  private readonly epoch0 = Date.now();

  constructor(
    source: CompletionSource,
    policy: EnginePolicy,
    config: { prefixTokens: number; suffixTokens: number; maxLines: number; contextTokens?: number },
    private readonly debug?: string,
    debounce?: Partial<DebounceOptions>,
    private readonly extras: ReplayExtras = {},
  ) {
    this.engine = new CompletionEngine({
      source,
      clock: systemClock,
      timers: realTimers,
      config: () => config,
      policy,
      debounce,
      perfNow: cpuNow,
      ...(extras.context ? { context: extras.context } : {}),
      ...(extras.gate ? { gate: extras.gate } : {}),
      meter: (kind, ms, id) => {
        if (kind === 'context') this.figures.contextMs.push(ms);
        else if (kind === 'request' && id !== undefined) this.flightMs.set(id, ms);
        else if (id !== undefined) this.callMs.set(id, ms);
        else this.figures.engineMsPerCall.push(ms);
      },
      onFlightEnd: (r) => {
        this.reports.push(r);
        if (this.debug) {
          const at = (r.startedAt - this.epoch0).toFixed(0);
          console.log(
            `[${this.debug}] req ${r.requestId} at ${at} ms: ${r.end} after ${r.endedAt - r.startedAt} ms, text ${JSON.stringify(r.text.slice(0, 40))}`,
          );
        }
      },
    });
  }

  private get doc(): string {
    return this.state.doc;
  }
  private get cursor(): number {
    return this.state.cursor;
  }

  open(segment: Segment, file: string, docKey: string): void {
    Object.assign(this.state, openState(file, segment));
    this.docKey = docKey;
    this.lastKeyAt = performance.now();
    this.ghostAt = undefined;
    this.editing = segment.edit === true;
  }

  key(key: Key): void {
    const now = performance.now();
    this.closeInterval(now);
    if (this.timer) clearTimeout(this.timer);
    this.controller?.abort();
    const shownBefore = this.displayed;
    this.displayed = undefined;
    applyKey(this.state, key);
    this.figures.keys++;
    this.lastKeyAt = now;
    this.ghostAt = undefined;
    // A cursor move: the ghost text goes, and VS Code asks for none (it asks on edits).
    if (key.move !== undefined) return;
    this.engine.noteEdit(key.insert ?? '');
    if (
      key.insert !== undefined &&
      shownBefore &&
      shownBefore.offset + key.insert.length === this.cursor &&
      shownBefore.text.startsWith(key.insert)
    ) {
      this.figures.acceptedChars += key.insert.length;
      if (shownBefore.text.length > key.insert.length) {
        this.displayed = { ...shownBefore, offset: this.cursor, text: shownBefore.text.slice(key.insert.length) };
        this.ghostAt = now;
      } else this.extras.gate?.noteAccepted(shownBefore.requestId); // typed to its end: taken
    }
    if (key.insert?.startsWith('\n')) this.noteLineEdit(now);
    this.timer = setTimeout(() => this.ask(), EDITOR_DEBOUNCE_MS);
  }

  /** The line just finished, with the one above it, as a recent edit (at most 10 kept). */
  private noteLineEdit(now: number): void {
    const before = this.doc.slice(0, this.cursor);
    const lines = before.split('\n');
    const text = lines.slice(-3, -1).join('\n');
    if (!text.trim()) return;
    this.edits.push({ path: this.extras.path ?? this.docKey, text, at: now });
    if (this.edits.length > 10) this.edits.shift();
  }

  /**
   * An edit inside a line is done: the line as it now reads, with the one above, as a recent edit
   * (the VS Code edge records every change; a typed line is recorded when it ends, an edit here).
   */
  private noteInlineEdit(now: number): void {
    const start = this.doc.lastIndexOf('\n', this.cursor - 1) + 1;
    const end = this.doc.indexOf('\n', this.cursor);
    const above = this.doc.lastIndexOf('\n', start - 2) + 1;
    const text = this.doc.slice(start > 0 ? above : start, end < 0 ? undefined : end);
    if (!text.trim()) return;
    this.edits.push({ path: this.extras.path ?? this.docKey, text, at: now });
    if (this.edits.length > 10) this.edits.shift();
  }

  /** The segment is over: the last interval counts if it was a pause. */
  close(): void {
    if (this.editing) this.noteInlineEdit(performance.now());
    this.closeInterval(performance.now());
    if (this.timer) clearTimeout(this.timer);
    this.controller?.abort();
  }

  private closeInterval(now: number): void {
    if (now - this.lastKeyAt < PAUSE_MS) return;
    this.figures.pauses++;
    if (this.debug) {
      const ghost = this.ghostAt === undefined ? 'none' : `${(this.ghostAt - this.lastKeyAt).toFixed(0)} ms`;
      console.log(
        `[${this.debug}] pause of ${(now - this.lastKeyAt).toFixed(0)} ms at ${(this.lastKeyAt - this.t0).toFixed(0)} ms: ghost ${ghost}`,
      );
    }
    if (this.ghostAt !== undefined) {
      this.figures.pausesWithGhost++;
      this.figures.pauseToGhostMs.push(this.ghostAt - this.lastKeyAt);
    }
  }

  private ask(): void {
    const controller = new AbortController();
    this.controller = controller;
    const input = {
      docKey: this.docKey,
      prefix: this.doc.slice(Math.max(0, this.cursor - 64_000), this.cursor),
      suffix: this.doc.slice(this.cursor, this.cursor + 16_000),
      offset: this.cursor,
      languageId: this.extras.languageId ?? 'typescript',
    };
    this.engine.complete(input, controller.signal).then(
      (s) => {
        if (!s || controller.signal.aborted) return;
        this.shown.add(s.requestId);
        this.extras.gate?.noteShown(input, s.requestId);
        this.displayed = { offset: input.offset, text: s.text, requestId: s.requestId };
        this.ghostAt ??= performance.now();
      },
      () => {
        this.figures.errors++;
      },
    );
  }

  /**
   * Figures once every request has settled. `billing` is the server's prompt count for a request
   * (cached part included), when it saw it; otherwise the usage, or 4 characters a token.
   */
  finish(billing: (requestId: number) => { prompt: number; cached: number } | undefined): PolicyFigures {
    const f = this.figures;
    for (const r of this.reports) {
      f.requests++;
      if (r.end === 'done' || r.end === 'enough') f.completed++;
      else if (r.end === 'error') f.errors++;
      else f.aborted++;
      const billed = billing(r.requestId);
      const prompt = billed?.prompt ?? r.usage?.inputTokens ?? Math.ceil((r.promptChars + 1) / 4);
      const cached = billed?.cached ?? r.usage?.cachedInputTokens ?? 0;
      const output = r.usage?.outputTokens ?? Math.ceil(r.streamed.length / 4);
      f.billed.prompt += prompt;
      f.billed.cached += cached;
      f.billed.output += output;
      if (this.debug)
        console.log(
          `[${this.debug}] req ${r.requestId} ${r.end} shown=${this.shown.has(r.requestId)} at=${JSON.stringify(this.prefixTail.get(r.requestId))} text=${JSON.stringify(r.text.slice(0, 30))} raw=${JSON.stringify(r.streamed.slice(0, 50))}`,
        );
      if (this.shown.has(r.requestId)) f.shownRequests++;
      else {
        f.wasted.prompt += prompt;
        f.wasted.cached += cached;
        f.wasted.output += output;
      }
      const sdk = this.sdkSyncMs.get(r.requestId) ?? 0;
      f.sdkSyncMsPerRequest.push(sdk);
      const call = (this.callMs.get(r.requestId) ?? 0) - sdk;
      const flight = this.flightMs.get(r.requestId) ?? 0;
      if (this.debug && call + flight > 1) {
        console.log(
          `[${this.debug}] req ${r.requestId} engine ${call.toFixed(2)} + ${flight.toFixed(2)} ms (${r.end})`,
        );
      }
      f.engineMsPerRequest.push(call + flight);
    }
    return f;
  }
}

/**
 * Runs the engine's code paths (prompt windows, streaming checks, post-processing, cache) a few
 * hundred times on a throwaway engine in virtual time, so that the measured run does not count
 * the JIT compiling them.
 */
export async function warmUp(file: string, rounds = 300): Promise<void> {
  const time = new VirtualTime();
  let pending: { req: SourceRequest; resolve: (r: { text: string }) => void } | undefined;
  const engine = new CompletionEngine({
    source: (req) => new Promise((resolve) => (pending = { req, resolve })),
    clock: time,
    timers: time,
    config: () => ({ prefixTokens: 1200, suffixTokens: 300, maxLines: 8 }),
    policy: { debounce: 0 },
    perfNow: cpuNow,
    meter: () => {},
  });
  for (let i = 0; i < rounds; i++) {
    const pos = Math.floor(((i + 0.5) / rounds) * (file.length - 2000));
    const input = {
      docKey: 'warm',
      prefix: file.slice(Math.max(0, pos - 64_000), pos),
      suffix: file.slice(pos, pos + 16_000),
      offset: pos,
      languageId: 'typescript',
    };
    const done = engine.complete(input, new AbortController().signal);
    await time.advance(0);
    const truth = file.slice(pos, pos + 160);
    const settle = (text: string): void => {
      if (pending) {
        for (let k = 0; k < text.length; k += 4) pending.req.onText(text.slice(k, k + 4));
        pending.resolve({ text });
      }
      pending = undefined;
    };
    settle(truth);
    await done;
    // Typing along the answer: the cache path (a miss would start a request: cancel it).
    const along = new AbortController();
    const served = engine.complete({ ...input, prefix: input.prefix + truth[0], offset: pos + 1 }, along.signal);
    await time.advance(0);
    along.abort();
    settle('');
    await served;
  }
  engine.dispose();
}

/** One request as the source saw it, for re-running the engine's part of it in isolation. */
export interface RecordedRequest {
  prefix: string;
  suffix: string;
  deltas: string[];
}

/**
 * Engine CPU per request without the SDK, the server or the other policies: each recorded request
 * is replayed through a fresh engine in virtual time (same prompt, same streamed chunks), `repeats`
 * times; per request the least CPU time is kept (the OS and GC only ever add).
 */
export async function isolatedEngineMs(recorded: RecordedRequest[], repeats = 5): Promise<number[]> {
  const best = recorded.map(() => Infinity);
  for (let r = 0; r < repeats; r++) {
    for (const [i, rec] of recorded.entries()) {
      const time = new VirtualTime();
      let total = 0;
      let pending: { req: SourceRequest; resolve: (x: { text: string }) => void } | undefined;
      const engine = new CompletionEngine({
        source: (req) => new Promise((resolve) => (pending = { req, resolve })),
        clock: time,
        timers: time,
        config: () => ({ prefixTokens: 1200, suffixTokens: 300, maxLines: 8 }),
        policy: { debounce: 0 },
        perfNow: cpuNow,
        meter: (_kind, ms) => (total += ms),
      });
      const input = {
        docKey: 'isolated',
        prefix: rec.prefix,
        suffix: rec.suffix,
        offset: rec.prefix.length,
        languageId: 'typescript',
      };
      const done = engine.complete(input, new AbortController().signal);
      await time.advance(0);
      const p = pending as { req: SourceRequest; resolve: (x: { text: string }) => void } | undefined;
      if (p) {
        for (const d of rec.deltas) p.req.onText(d);
        p.resolve({ text: rec.deltas.join('') });
      }
      await done;
      await time.advance(0);
      engine.dispose();
      best[i] = Math.min(best[i]!, total);
    }
  }
  return best;
}
