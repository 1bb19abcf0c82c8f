// One model call's lifetime: a single AbortController fed by the caller's signal and by the
// whole-call timer (a hang before the first byte and a slow trickle alike), plus what streamed so
// far, so that any failure can carry the partial answer.
import type { PartialResult } from '../core/errors';
import type { NormalizedUsage } from '../core/types';

export type StopReason = 'cancelled' | 'timeout';

export class CallControl {
  readonly signal: AbortSignal;
  /** Why we aborted the HTTP call ourselves; undefined while it runs on. */
  stopReason: StopReason | undefined;
  text = '';
  usage: NormalizedUsage | null = null;
  ttftMs: number | undefined;
  /** An exception thrown by the caller's onText: it aborts the call and is rethrown unchanged. */
  callbackError: { error: unknown } | undefined;

  private readonly controller = new AbortController();
  private readonly started = performance.now();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort = () => this.stop('cancelled');

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    readonly timeoutMs: number,
    private readonly onText?: (delta: string) => void,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    if (callerSignal?.aborted) this.stop('cancelled');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  private stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.controller.abort();
  }

  /** Records a text delta (empty deltas do not count as the first token) and forwards it. */
  addText(delta: string): void {
    // Nothing counts after an abort: the partial is exactly what the caller was shown.
    if (!delta || this.controller.signal.aborted) return;
    this.ttftMs ??= Math.round(performance.now() - this.started);
    this.text += delta;
    try {
      this.onText?.(delta);
    } catch (error) {
      this.callbackError = { error };
      this.controller.abort();
    }
  }

  partial(): PartialResult {
    return { text: this.text, usage: this.usage, ...(this.ttftMs !== undefined ? { ttftMs: this.ttftMs } : {}) };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
