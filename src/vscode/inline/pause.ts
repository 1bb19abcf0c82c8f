// "Pause inline suggestions" for a chosen time; the pause survives a reload (globalState) and
// shows in the status bar.
import * as vscode from 'vscode';
import { localDay, nextDay, dayStartMs } from '../../core/day';

export const INLINE_PAUSE_KEY = 'tiered.inlinePausedUntil';

export class InlinePause implements vscode.Disposable {
  private until: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly state: vscode.Memento,
    private readonly onChange: (until: number | undefined) => void,
  ) {
    this.until = state.get<number>(INLINE_PAUSE_KEY) ?? 0;
    this.arm();
  }

  get active(): boolean {
    return Date.now() < this.until;
  }

  get pausedUntil(): number | undefined {
    return this.active ? this.until : undefined;
  }

  async pauseFor(ms: number): Promise<void> {
    this.until = Date.now() + ms;
    await this.state.update(INLINE_PAUSE_KEY, this.until);
    this.arm();
  }

  async pauseUntilTomorrow(): Promise<void> {
    await this.pauseFor(dayStartMs(nextDay(localDay())) - Date.now());
  }

  async resume(): Promise<void> {
    this.until = 0;
    await this.state.update(INLINE_PAUSE_KEY, undefined);
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.until - Date.now();
    if (left > 0) this.timer = setTimeout(() => this.arm(), Math.min(left, 2 ** 31 - 1));
    this.onChange(this.pausedUntil);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/** The quick pick behind "Tiered: Pause Inline Suggestions". */
export async function pickPause(pause: InlinePause): Promise<void> {
  type Item = vscode.QuickPickItem & { run: () => Promise<void> };
  const minutes = (m: number) => () => pause.pauseFor(m * 60_000);
  const items: Item[] = [
    { label: 'For 15 minutes', run: minutes(15) },
    { label: 'For 1 hour', run: minutes(60) },
    { label: 'Until tomorrow', description: 'until local midnight', run: () => pause.pauseUntilTomorrow() },
    {
      label: 'For a custom time…',
      run: async () => {
        const value = await vscode.window.showInputBox({
          title: 'Pause inline suggestions',
          prompt: 'Minutes to pause inline suggestions',
          value: '30',
          validateInput: (v) =>
            /^\d+$/.test(v.trim()) && Number(v) > 0 ? undefined : 'Enter a whole number of minutes',
        });
        if (value) await pause.pauseFor(Number(value.trim()) * 60_000);
      },
    },
  ];
  if (pause.active)
    items.unshift({ label: 'Resume now', description: untilText(pause.pausedUntil!), run: () => pause.resume() });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Pause inline suggestions',
    placeHolder: 'How long?',
  });
  await picked?.run();
}

export function untilText(until: number): string {
  const d = new Date(until);
  const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return localDay(until) === localDay() ? `until ${hm}` : `until ${localDay(until)} ${hm}`;
}
