// The learned acceptance model (core/completion/acceptance.ts) kept in globalState: loaded once,
// written at most every few seconds while it learns, and once more when the extension stops.
import type * as vscode from 'vscode';
import { AcceptanceModel } from '../../core/completion';

export const ACCEPTANCE_KEY = 'tiered.inlineAcceptance';
/** Writes are batched: one per this many ms at most (a suggestion settles on every pause in typing). */
const WRITE_EVERY_MS = 5_000;

export class AcceptanceStore {
  readonly model: AcceptanceModel;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly state: vscode.Memento) {
    this.model = AcceptanceModel.fromJSON(state.get(ACCEPTANCE_KEY));
  }

  /** The model learned: save soon. */
  changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, WRITE_EVERY_MS);
  }

  /** Forgets what was learned (Tiered: Forget Learned Inline Acceptance) and saves that now. */
  forget(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.model.reset();
    this.flush();
    return this.writing;
  }

  private flush(): void {
    const copy = this.model.toJSON();
    // Serialised so a slow write never lands after a newer one.
    this.writing = this.writing.then(() => this.state.update(ACCEPTANCE_KEY, copy)).catch(() => undefined);
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flush();
    }
  }
}
