// The editor, emulated: each key edits the document, cancels the pending provider call and
// schedules a new one after VS Code's 50 ms debounce; ghost text is "shown" when a call returns
// text before the next key. One ReplayEditor per policy, all fed the same keys at the same time.
import { performance } from 'node:perf_hooks';
import {
  CompletionEngine,
  realTimers,
  type DebounceOptions,
  type EnginePolicy,
  type FlightReport,
} from '../../src/core/completion';
import { systemClock } from '../../src/core/types';
import type { CompletionSource } from '../../src/core/completion';
import type { Key, Segment } from './trace';

export const EDITOR_DEBOUNCE_MS = 50;
/** A gap at least this long is a pause, where ghost text is wanted. */
export const PAUSE_MS = 750;

export interface Billing {
  prompt: number;
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
}

export class ReplayEditor {
  readonly engine: CompletionEngine;
  private doc = '';
  private cursor = 0;
  private docKey = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private lastKeyAt = 0;
  private ghostAt: number | undefined;
  private readonly shown = new Set<number>();
  private readonly reports: FlightReport[] = [];
  private readonly callMs = new Map<number, number>();
  private readonly flightMs = new Map<number, number>();
  readonly sdkSyncMs = new Map<number, number>();
  readonly figures: PolicyFigures = {
    keys: 0,
    requests: 0,
    completed: 0,
    aborted: 0,
    errors: 0,
    shownRequests: 0,
    wasted: { prompt: 0, output: 0 },
    billed: { prompt: 0, output: 0 },
    pauses: 0,
    pausesWithGhost: 0,
    pauseToGhostMs: [],
    engineMsPerRequest: [],
    engineMsPerCall: [],
    sdkSyncMsPerRequest: [],
  };

  private readonly t0 = performance.now();
  private readonly epoch0 = Date.now();

  constructor(
    source: CompletionSource,
    policy: EnginePolicy,
    config: { prefixTokens: number; suffixTokens: number; maxLines: number },
    private readonly debug?: string,
    debounce?: Partial<DebounceOptions>,
  ) {
    this.engine = new CompletionEngine({
      source,
      clock: systemClock,
      timers: realTimers,
      config: () => config,
      policy,
      debounce,
      perfNow: () => performance.now(),
      meter: (kind, ms, id) => {
        if (kind === 'request' && id !== undefined) this.flightMs.set(id, ms);
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

  open(segment: Segment, file: string, docKey: string): void {
    this.doc = file.slice(0, segment.start) + segment.after;
    this.cursor = segment.start;
    this.docKey = docKey;
    this.lastKeyAt = performance.now();
    this.ghostAt = undefined;
  }

  key(key: Key): void {
    const now = performance.now();
    this.closeInterval(now);
    if (this.timer) clearTimeout(this.timer);
    this.controller?.abort();
    if (key.insert === undefined) {
      this.doc = this.doc.slice(0, this.cursor - 1) + this.doc.slice(this.cursor);
      this.cursor--;
      this.engine.noteEdit('');
    } else {
      this.doc = this.doc.slice(0, this.cursor) + key.insert + this.doc.slice(this.cursor);
      this.cursor += key.insert.length;
      this.engine.noteEdit(key.insert);
    }
    this.figures.keys++;
    this.lastKeyAt = now;
    this.ghostAt = undefined;
    this.timer = setTimeout(() => this.ask(), EDITOR_DEBOUNCE_MS);
  }

  /** The segment is over: the last interval counts if it was a pause. */
  close(): void {
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
      languageId: 'typescript',
    };
    this.engine.complete(input, controller.signal).then(
      (s) => {
        if (!s || controller.signal.aborted) return;
        this.shown.add(s.requestId);
        this.ghostAt ??= performance.now();
      },
      () => {
        this.figures.errors++;
      },
    );
  }

  /** Figures once every request has settled. */
  finish(serverTokens: (promptChars: number) => number): PolicyFigures {
    const f = this.figures;
    for (const r of this.reports) {
      f.requests++;
      if (r.end === 'done' || r.end === 'enough') f.completed++;
      else if (r.end === 'error') f.errors++;
      else f.aborted++;
      const prompt = r.usage?.inputTokens ?? serverTokens(r.promptChars + 1);
      const output = r.usage?.outputTokens ?? serverTokens(r.streamed.length);
      f.billed.prompt += prompt;
      f.billed.output += output;
      if (this.debug)
        console.log(
          `[${this.debug}] req ${r.requestId} ${r.end} shown=${this.shown.has(r.requestId)} text=${JSON.stringify(r.text.slice(0, 30))}`,
        );
      if (this.shown.has(r.requestId)) f.shownRequests++;
      else {
        f.wasted.prompt += prompt;
        f.wasted.output += output;
      }
      const sdk = this.sdkSyncMs.get(r.requestId) ?? 0;
      f.sdkSyncMsPerRequest.push(sdk);
      f.engineMsPerRequest.push((this.callMs.get(r.requestId) ?? 0) - sdk + (this.flightMs.get(r.requestId) ?? 0));
    }
    return f;
  }
}
