// The tone quick pick: built-in tones, then the user's own, then a way to add one.
import * as vscode from 'vscode';
import type { Tone } from '../../core/tone/tones';

const LAST_TONE_KEY = 'tiered.tone.last';

interface ToneItem extends vscode.QuickPickItem {
  tone?: Tone;
}

/** Resolves the chosen tone, or undefined when the user dismissed the pick (or chose to add a tone). */
export async function pickTone(tones: readonly Tone[], memento: vscode.Memento): Promise<Tone | undefined> {
  const builtIn = tones.filter((t) => !t.custom);
  const custom = tones.filter((t) => t.custom);
  const item = (tone: Tone): ToneItem => ({ label: tone.label, detail: tone.instruction, tone });
  const addItem: ToneItem = {
    label: '$(add) Add your own tone…',
    detail: 'A name and an instruction in `tiered.tone` (custom)',
  };
  const items: ToneItem[] = [
    ...builtIn.map(item),
    { label: 'Your tones', kind: vscode.QuickPickItemKind.Separator },
    ...custom.map(item),
    addItem,
  ];
  const quickPick = vscode.window.createQuickPick<ToneItem>();
  quickPick.title = 'Tiered: Fix Tone of Selection';
  quickPick.placeholder = 'Rewrite the selection as…';
  quickPick.matchOnDetail = true;
  quickPick.items = items;
  const last = memento.get<string>(LAST_TONE_KEY);
  // Enter runs the last tone used (the first one the first time).
  const lastItem = items.find((i) => i.tone !== undefined && i.tone.id === last) ?? items[0]!;
  quickPick.activeItems = [lastItem];
  const picked = await new Promise<ToneItem | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0] ?? quickPick.activeItems[0]));
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (picked === addItem) {
    void vscode.commands.executeCommand('workbench.action.openSettings', 'tiered.tone');
    return undefined;
  }
  if (picked?.tone) await memento.update(LAST_TONE_KEY, picked.tone.id);
  return picked?.tone;
}
