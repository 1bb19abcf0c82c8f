// The inline completion engine: decides whether a keystroke costs a model request, and serves
// ghost text from what was already paid for whenever it can. Pure: the editor reaches it through
// CompletionInput + AbortSignal, time through Clock + Timers, the model through CompletionSource.
import type { InlineConfig } from '../config';
import { TieredError } from '../errors';
import type { Clock, Logger } from '../types';
import { silentLogger } from '../types';
import { placeOf, remainder, SuggestionCache, typedOver, type Place } from './cache';
import { AdaptiveDebounce, type DebounceOptions } from './debounce';
import type { AskGate } from './gate';
import { wantsMultiline } from './multiline';
import { postProcess, stripFences, type PostContext } from './postprocess';
import { heldWindowPrefix, promptWindow, windowSuffix, type PromptWindow } from './prompt';
import { selectContext, type ContextStrategy } from './context/select';
import type { ContextGatherer, ContextItem, ContextMaterial } from './context/types';
import {
  TIERED_POLICY,
  type CompletionInput,
  type CompletionSource,
  type EnginePolicy,
  type FlightEnd,
  type FlightReport,
  type SourceResult,
  type Suggestion,
  type Timers,
} from './types';

export interface EngineOptions {
  source: CompletionSource;
  clock: Clock;
  timers: Timers;
  /** Read on every request, so setting changes apply at once. */
  config: () => Pick<InlineConfig, 'prefixTokens' | 'suffixTokens' | 'maxLines'> &
    Partial<Pick<InlineConfig, 'contextTokens'>>;
  policy?: Partial<EnginePolicy>;
  debounce?: Partial<DebounceOptions>;
  cacheSize?: number;
  logger?: Logger;
  /** Called when a request ends, after the source settled (usage known). */
  onFlightEnd?(report: FlightReport): void;
  /** High-resolution time for metering the engine's own work (ms); unset = not metered. */
  perfNow?: () => number;
  /**
   * Engine time in ms: each complete() call's synchronous part ('call', with the id of the request
   * it started, whose synchronous start includes the source's), and per request its stream
   * handling and end ('request').
   */
  meter?(kind: 'call' | 'request' | 'context', ms: number, requestId?: number): void;
  /**
   * Context from outside the file (context/types.ts): gathered after the debounce within
   * `budgetMs` (default 100) and cancelled with the call, then selected into `contextTokens`
   * ('tiered' by default; 'openTabs' is the Copilot-like policy the benchmark compares with).
   * 'context' in `meter` (and FlightReport.contextMs) is the step's time: the gathering's wall time
   * plus the selection's; the selection is not counted in 'call'.
   */
  context?: { gather: ContextGatherer; budgetMs?: number; strategy?: ContextStrategy };
  /**
   * Keep each document's prefix-window start in place until it overflows (prompt-cache friendly).
   * Default: on when `context` is set, off otherwise (the window then ends the budget at the cursor).
   */
  holdWindow?: boolean;
  /** Decides whether a place is worth a request (consulted while `policy.gate` is not false). */
  gate?: AskGate;
}

type Match = 'match' | 'pending' | 'diverged';

/** Default of `tiered.inline.contextTokens`. */
export const DEFAULT_CONTEXT_TOKENS = 1024;
export const DEFAULT_CONTEXT_BUDGET_MS = 100;
/** A gatherer that ignores its abort costs at most this much more before the request goes without. */
const CONTEXT_GRACE_MS = 20;
/** Documents whose window start and context block are remembered (least recently used dropped). */
const HELD_DOCS = 32;
const NO_MATERIAL: ContextMaterial = { openFiles: [], edits: [], definitions: [] };

interface Gathered {
  material: ContextMaterial;
  ms: number;
  /** Time the selection took (set when the request starts; 0 without perfNow). */
  selectMs: number;
}

const ENDS_EARLY = /[\n)\]}]/;

interface Flight {
  id: number;
  input: CompletionInput;
  place: Place;
  post: PostContext;
  startedAt: number;
  raw: string;
  text: string;
  /** The text ends where written code resumes (postprocess.ts). */
  resumes?: boolean;
  /** Characters after the cursor the text writes over (postprocess.ts). */
  covers?: number;
  ended: boolean;
  end?: FlightEnd;
  error?: unknown;
  model?: string;
  controller: AbortController;
  endedSignal: Promise<void>;
  resolveEnded: () => void;
  waiters: number;
  promptChars: number;
  engineMs: number;
  contextItems?: number;
  contextMs?: number;
}

export class CompletionEngine {
  private readonly policy: EnginePolicy;
  private readonly cache: SuggestionCache;
  readonly debounce: AdaptiveDebounce;
  private readonly flights: Flight[] = [];
  private nextId = 1;
  private readonly log: Logger;
  private disposed = false;
  /** Per document: where the last prefix window began (absolute offset) and the context block sent. */
  private readonly held = new Map<string, { start?: number; context?: ContextItem[] }>();

  constructor(private readonly opts: EngineOptions) {
    this.policy = { ...TIERED_POLICY, ...opts.policy };
    this.cache = new SuggestionCache(opts.cacheSize ?? 64, this.policy.cache === 'typedAlong');
    this.debounce = new AdaptiveDebounce(opts.debounce);
    this.log = opts.logger ?? silentLogger;
  }

  /** Every edit in the active editor: the typing rhythm the debounce learns from. */
  noteEdit(inserted: string): void {
    this.debounce.noteKey(this.opts.clock.now(), inserted);
  }

  /**
   * Ghost text for the cursor at `input`, or undefined. Resolves undefined as soon as `signal`
   * aborts. Rejects with the source's error (e.g. TieredError 'budget') when a request failed.
   */
  async complete(input: CompletionInput, signal: AbortSignal): Promise<Suggestion | undefined> {
    if (this.disposed || signal.aborted) return undefined;
    const t0 = this.opts.perfNow?.();
    const quick = this.quickAnswer(input, signal);
    // Free answers first; then whether a request here would be used at all.
    const ask = quick !== 'miss' || this.mayAsk(input);
    this.meterCall(t0);
    if (quick !== 'miss') return quick;
    if (!ask) return undefined;

    if (this.policy.whenBusy === 'skip' && this.flights.some((f) => !f.ended)) return undefined;
    // Alt+\ is a request already made by the user: no typing-rhythm wait.
    const wait = input.explicit
      ? 0
      : this.policy.debounce === 'adaptive'
        ? this.debounce.remainingWait(this.opts.clock.now())
        : this.policy.debounce;
    if (wait > 0 && !(await this.sleep(wait, signal))) return undefined;
    if (this.disposed) return undefined;

    let t1 = this.opts.perfNow?.();
    // Something may have landed while we waited.
    const again = this.quickAnswer(input, signal);
    if (again !== 'miss') {
      this.meterCall(t1);
      return again;
    }
    if (this.policy.whenBusy === 'skip' && this.flights.some((f) => !f.ended)) return undefined;
    let gathered: Gathered | undefined;
    if (this.wantsContext()) {
      this.meterCall(t1);
      gathered = await this.gather(input, signal);
      if (!gathered || this.disposed) return undefined;
      t1 = this.opts.perfNow?.();
      // Something may have landed while it gathered.
      const late = this.quickAnswer(input, signal);
      if (late !== 'miss') {
        this.meterCall(t1);
        return late;
      }
      if (this.policy.whenBusy === 'skip' && this.flights.some((f) => !f.ended)) return undefined;
    }
    if (this.policy.abortOn !== 'never') {
      for (const f of [...this.flights]) if (!f.ended) this.abort(f, 'superseded');
    }
    const flight = this.start(input, gathered);
    // The selection belongs to the context step: metered there, not in the call.
    this.meterCall(t1 === undefined ? undefined : t1 + (gathered?.selectMs ?? 0), flight.id);
    if (gathered) this.opts.meter?.('context', gathered.ms + gathered.selectMs, flight.id);
    return this.follow(flight, input, signal, 'request');
  }

  /** Aborts every request (the extension is deactivating). */
  dispose(): void {
    this.disposed = true;
    for (const f of [...this.flights]) this.abort(f, 'cancelled');
    this.cache.clear();
  }

  /** Requests currently streaming. */
  get inFlight(): number {
    return this.flights.filter((f) => !f.ended).length;
  }

  private wantsContext(): boolean {
    return this.opts.context !== undefined && (this.opts.config().contextTokens ?? DEFAULT_CONTEXT_TOKENS) > 0;
  }

  /**
   * Gathers context within its time budget: the gatherer's signal aborts at the budget or when the
   * call is cancelled, and a gatherer that fails or ignores the abort leaves the request without
   * context. Undefined when the call was cancelled meanwhile.
   */
  private async gather(input: CompletionInput, signal: AbortSignal): Promise<Gathered | undefined> {
    const { gather, budgetMs = DEFAULT_CONTEXT_BUDGET_MS } = this.opts.context!;
    const timers = this.opts.timers;
    const now = (): number => this.opts.perfNow?.() ?? this.opts.clock.now();
    const started = now();
    const controller = new AbortController();
    let giveUp = (): void => {};
    const onCancel = (): void => {
      controller.abort();
      giveUp();
    };
    signal.addEventListener('abort', onCancel, { once: true });
    const deadline = timers.setTimeout(() => controller.abort(), budgetMs);
    let late: unknown;
    try {
      const fallback = new Promise<ContextMaterial>((resolve) => {
        giveUp = () => resolve(NO_MATERIAL);
        late = timers.setTimeout(giveUp, budgetMs + CONTEXT_GRACE_MS);
      });
      const gathering = (async () => gather(input, controller.signal))().catch((err: unknown) => {
        this.log.debug(`inline context: ${String(err)}`);
        return NO_MATERIAL;
      });
      const material = await Promise.race([gathering, fallback]);
      if (signal.aborted) return undefined;
      return { material, ms: material.gatherMs ?? now() - started, selectMs: 0 };
    } finally {
      signal.removeEventListener('abort', onCancel);
      timers.clearTimeout(deadline);
      timers.clearTimeout(late);
    }
  }

  /** Remembered per document (bounded: the least recently used document is forgotten). */
  private heldFor(docKey: string): { start?: number; context?: ContextItem[] } {
    let h = this.held.get(docKey);
    if (h) this.held.delete(docKey);
    else h = {};
    this.held.set(docKey, h);
    if (this.held.size > HELD_DOCS) this.held.delete(this.held.keys().next().value!);
    return h;
  }

  /** The prompt window, its prefix start held in place per document when that is on. */
  private windowFor(input: CompletionInput, config: ReturnType<EngineOptions['config']>): PromptWindow {
    if (!(this.opts.holdWindow ?? this.opts.context !== undefined))
      return promptWindow(input.prefix, input.suffix, input.languageId, config);
    const h = this.heldFor(input.docKey);
    const held = heldWindowPrefix(input.prefix, input.offset, config.prefixTokens, h.start);
    // The window moved (a jump, or typing past its end): the provider's cached prefix now ends
    // before the file text, so keeping the context head would save at most the head's own tokens,
    // and nothing while system text and head stay under OpenAI's 1,024-token minimum (the default
    // head is ~700 tokens). Chosen afresh, it holds what the new window's code uses.
    if (h.start !== undefined && held.start !== h.start) h.context = undefined;
    h.start = held.start;
    return { prefix: held.text, suffix: windowSuffix(input.suffix, config.suffixTokens), languageId: input.languageId };
  }

  /** The context block for this request, kept in the order of the document's previous one. */
  private contextFor(input: CompletionInput, window: PromptWindow, gathered: Gathered): ContextItem[] {
    const config = this.opts.config();
    const h = this.heldFor(input.docKey);
    const items = selectContext(
      gathered.material,
      { ...input, prefix: window.prefix, suffix: window.suffix },
      config.contextTokens ?? DEFAULT_CONTEXT_TOKENS,
      h.context,
      this.opts.context?.strategy,
    );
    h.context = items;
    return items;
  }

  private mayAsk(input: CompletionInput): boolean {
    const gate = this.policy.gate !== false ? this.opts.gate : undefined;
    return gate ? gate.shouldAsk(input, input.explicit === true) : true;
  }

  /** What costs nothing: abort what diverged, then the cache, then a request still streaming. */
  private quickAnswer(input: CompletionInput, signal: AbortSignal): Promise<Suggestion | undefined> | 'miss' {
    if (this.policy.abortOn === 'divergence') {
      for (const f of [...this.flights]) if (!f.ended && this.match(f, input) === 'diverged') this.abort(f, 'diverged');
    }
    if (this.policy.cache !== 'none') {
      const hit = this.cache.get(input);
      // An explicit ask where the last answer was empty asks again: the user wants one now.
      if (hit && (hit.text || !input.explicit)) {
        const { entry: e, ...shown } = hit;
        return Promise.resolve(
          shown.text ? { ...shown, requestId: e.requestId, model: e.model, via: 'cache' as const } : undefined,
        );
      }
    }
    if (this.policy.reuseInFlight) {
      const live = this.flights.find((f) => !f.ended && this.match(f, input) !== 'diverged');
      if (live) return this.follow(live, input, signal, 'reuse');
    }
    return 'miss';
  }

  /** Whether what was typed since the flight started still agrees with what it predicts. */
  private match(f: Flight, input: CompletionInput): Match {
    // Closers the editor wrote for pairs typed along the prediction do not part from it.
    const typed = typedOver(f.place, input)?.typed;
    if (typed === undefined) return 'diverged';
    if (typed === '') return 'match';
    const predicted = f.ended ? f.text : stripFences(f.raw);
    if (typed.length <= predicted.length) return predicted.startsWith(typed) ? 'match' : 'diverged';
    return !f.ended && typed.startsWith(predicted) ? 'pending' : 'diverged';
  }

  private start(input: CompletionInput, gathered?: Gathered): Flight {
    const config = this.opts.config();
    const window = this.windowFor(input, config);
    const t0 = this.opts.perfNow?.();
    const context = gathered ? this.contextFor(input, window, gathered) : undefined;
    if (gathered && t0 !== undefined) gathered.selectMs = this.opts.perfNow!() - t0;
    let resolveEnded = (): void => {};
    const endedSignal = new Promise<void>((r) => (resolveEnded = r));
    // Several lines where nothing follows the cursor on its line or at an empty block (multiline.ts).
    const multiline = (this.policy.multiline ?? wantsMultiline)(input.prefix, input.suffix);
    const f: Flight = {
      id: this.nextId++,
      input,
      place: placeOf(input),
      post: {
        linePrefix: input.prefix.slice(input.prefix.lastIndexOf('\n') + 1),
        suffix: window.suffix,
        maxLines: multiline ? config.maxLines : 1,
      },
      startedAt: this.opts.clock.now(),
      raw: '',
      text: '',
      ended: false,
      controller: new AbortController(),
      endedSignal,
      resolveEnded,
      waiters: 0,
      promptChars:
        window.prefix.length +
        window.suffix.length +
        (context ?? []).reduce((n, i) => n + i.path.length + i.text.length, 0),
      engineMs: 0,
      ...(gathered ? { contextItems: context!.length, contextMs: gathered.ms + gathered.selectMs } : {}),
    };
    this.flights.push(f);
    let settled: Promise<SourceResult>;
    try {
      settled = this.opts.source({
        requestId: f.id,
        prefix: window.prefix,
        suffix: window.suffix,
        languageId: input.languageId,
        multiline,
        signal: f.controller.signal,
        onText: (delta) => this.onDelta(f, delta),
        ...(context ? { context } : {}),
        ...(gathered?.material.currentPath ? { path: gathered.material.currentPath } : {}),
      });
    } catch (err) {
      settled = Promise.reject(err);
    }
    settled.then(
      (res) => {
        if (!f.ended) {
          // Providers may deliver text only at the end; trust the whole answer.
          if (res.text.length >= f.raw.length) f.raw = res.text;
          f.model = res.model;
          this.finish(f, 'done');
        }
        this.report(f, res.usage ?? null);
      },
      (err: unknown) => {
        if (!f.ended) {
          if (TieredError.is(err, 'cancelled') || f.controller.signal.aborted) this.finish(f, 'cancelled');
          else this.finish(f, 'error', err);
        }
        this.report(f, TieredError.is(err) ? (err.details.partial?.usage ?? null) : null);
      },
    );
    return f;
  }

  private onDelta(f: Flight, delta: string): void {
    if (f.ended) return;
    const t0 = this.opts.perfNow?.();
    f.raw += delta;
    // Only a finished line or a closing bracket can end a suggestion early: skip the rest.
    const p = ENDS_EARLY.test(delta) ? postProcess(f.raw, f.post, false) : undefined;
    if (p?.final) {
      // Nothing more can be shown: stop paying for the rest of the stream.
      f.text = p.text;
      f.resumes = p.resumes;
      f.covers = p.covers;
      this.finish(f, 'enough');
      f.controller.abort();
    }
    if (t0 !== undefined) f.engineMs += this.opts.perfNow!() - t0;
  }

  private finish(f: Flight, end: FlightEnd, error?: unknown): void {
    if (f.ended) return;
    const t0 = this.opts.perfNow?.();
    f.ended = true;
    f.end = end;
    f.error = error;
    if (error !== undefined) this.log.debug(`inline request ${f.id} failed: ${String(error)}`);
    if (end === 'done') ({ text: f.text, resumes: f.resumes, covers: f.covers } = postProcess(f.raw, f.post, true));
    if (end === 'done' || end === 'enough') {
      this.debounce.noteLatency(this.opts.clock.now() - f.startedAt);
      if (this.policy.cache !== 'none') {
        const { place, text, model, resumes, covers } = f;
        this.cache.put({ place, text, requestId: f.id, model, resumes, covers });
      }
      if (this.policy.gate !== false) {
        this.opts.gate?.noteOutcome(f.input, f.text ? 'answered' : 'empty', f.text);
      }
    }
    const i = this.flights.indexOf(f);
    if (i >= 0) this.flights.splice(i, 1);
    f.resolveEnded();
    if (t0 !== undefined) f.engineMs += this.opts.perfNow!() - t0;
  }

  private abort(f: Flight, end: FlightEnd): void {
    if (f.ended) return;
    this.finish(f, end);
    f.controller.abort();
  }

  private report(f: Flight, usage: FlightReport['usage']): void {
    this.opts.meter?.('request', f.engineMs, f.id);
    this.opts.onFlightEnd?.({
      requestId: f.id,
      startedAt: f.startedAt,
      endedAt: this.opts.clock.now(),
      end: f.end ?? 'done',
      streamed: f.raw,
      text: f.text,
      model: f.model,
      usage,
      promptChars: f.promptChars,
      ...(f.contextItems !== undefined ? { contextItems: f.contextItems, contextMs: f.contextMs } : {}),
      error: f.error,
    });
  }

  /** Waits for the flight (or the caller's cancellation), then serves what applies at `input`. */
  private async follow(
    f: Flight,
    input: CompletionInput,
    signal: AbortSignal,
    via: 'request' | 'reuse',
  ): Promise<Suggestion | undefined> {
    f.waiters++;
    let onAbort = (): void => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([f.endedSignal, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      f.waiters--;
    }
    if (!f.ended) {
      if (this.policy.abortOn === 'cancel' && f.waiters === 0) this.abort(f, 'cancelled');
      return undefined;
    }
    if (f.end === 'error') throw f.error;
    if (signal.aborted || (f.end !== 'done' && f.end !== 'enough')) return undefined;
    const over = typedOver(f.place, input, f.covers);
    if (over === undefined || !f.text.startsWith(over.typed)) return undefined;
    const left = remainder(f.text, f.covers ?? 0, over, input);
    return left?.text ? { ...left, requestId: f.id, model: f.model, via } : undefined;
  }

  private sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.opts.timers.clearTimeout(handle);
        resolve(false);
      };
      const handle = this.opts.timers.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private meterCall(t0: number | undefined, requestId?: number): void {
    if (t0 !== undefined) this.opts.meter?.('call', this.opts.perfNow!() - t0, requestId);
  }
}
