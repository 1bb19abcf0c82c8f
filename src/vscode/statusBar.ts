// Today's spend against the cap, always visible; a click opens the cost panel.
import * as vscode from 'vscode';
import { breakdownRows } from '../core/money/daySpend';
import { formatUsd } from '../core/money/format';
import type { SpendStatus, StatusBarControl } from './featureContext';

export interface Breakdown {
  usd: number;
  calls: number;
}

export interface StatusSnapshot {
  /** `spentUsd` is the ledger's exact sum (src/core/money/daySpend.ts), not the budget's rounded-up one. */
  spend: SpendStatus;
  byCommand: Record<string, Breakdown>;
  byModel: Record<string, Breakdown>;
}

/** The one money formatter (src/core/money/format.ts), under the name the notices import. */
export const money = formatUsd;

export class SpendStatusBar implements StatusBarControl, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tiered.spend', vscode.StatusBarAlignment.Right, 100);
  private readonly notes = new Map<string, { text: string; tooltip?: string }>();
  private busyLabels: string[] = [];
  private snapshot: StatusSnapshot | undefined;
  private settingsProblem: string | undefined;

  constructor(private readonly onRefresh: () => void) {
    this.item.name = 'Tiered spend';
    this.item.command = 'tiered.openCostPanel';
    this.render();
    this.item.show();
  }

  /** What tests and the API read back. */
  get state(): { text: string; visible: boolean; tooltip: string; background?: string } {
    const tooltip = this.item.tooltip;
    return {
      text: this.item.text,
      visible: true,
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      background: (this.item.backgroundColor as vscode.ThemeColor | undefined)?.id,
    };
  }

  update(snapshot: StatusSnapshot): void {
    this.snapshot = snapshot;
    this.render();
  }

  setSettingsProblem(problem: string | undefined): void {
    this.settingsProblem = problem;
    this.render();
  }

  busy(label: string): vscode.Disposable {
    this.busyLabels.push(label);
    this.render();
    return new vscode.Disposable(() => {
      const i = this.busyLabels.indexOf(label);
      if (i >= 0) this.busyLabels.splice(i, 1);
      this.render();
    });
  }

  setNote(key: string, text: string | undefined, tooltip?: string): void {
    if (text === undefined) this.notes.delete(key);
    else this.notes.set(key, { text, tooltip });
    this.render();
  }

  refresh(): void {
    this.onRefresh();
  }

  private render(): void {
    const s = this.snapshot?.spend;
    const spin = this.busyLabels.length ? '$(sync~spin) ' : '';
    const notes = [...this.notes.values()].map((n) => ` · ${n.text}`).join('');
    const warn = this.settingsProblem ? '$(warning) ' : '';
    this.item.text = s
      ? `${warn}${spin}${money(s.spentUsd)} / ${money(s.capUsd)}${notes}`
      : `${warn}${spin}Tiered${notes}`;
    this.item.backgroundColor = s?.capReached
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : s?.softReached
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.tooltip = this.tooltip();
  }

  private tooltip(): vscode.MarkdownString {
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    const snap = this.snapshot;
    if (this.settingsProblem) md.appendMarkdown(`$(warning) ${escape(this.settingsProblem)}\n\n`);
    if (this.busyLabels.length)
      md.appendMarkdown(`$(sync~spin) Running: ${this.busyLabels.map(escape).join(', ')}\n\n`);
    if (!snap) {
      md.appendMarkdown('Tiered: reading today’s ledger…');
      return md;
    }
    const s = snap.spend;
    md.appendMarkdown(`**Today (${s.day})**: ${money(s.spentUsd)} of ${money(s.capUsd)}`);
    if (s.reservedUsd > 0) md.appendMarkdown(` · ${money(s.reservedUsd)} reserved by running calls`);
    md.appendMarkdown(s.capReached ? ' · **cap reached**' : s.softReached ? ' · above the soft threshold' : '');
    md.appendMarkdown('\n\n');
    const table = (title: string, rows: Record<string, Breakdown>) => {
      // Rows apportioned to the spend shown above, so they add up to it.
      const shown = breakdownRows(rows, s.spentUsd);
      if (!shown.length) return;
      md.appendMarkdown(`| ${title} | calls | spend |\n|:--|--:|--:|\n`);
      for (const r of shown) md.appendMarkdown(`| ${escape(r.key)} | ${r.calls} | ${r.shown} |\n`);
      md.appendMarkdown('\n');
    };
    table('Command', snap.byCommand);
    table('Model', snap.byModel);
    for (const n of this.notes.values()) if (n.tooltip) md.appendMarkdown(`${escape(n.tooltip)}\n\n`);
    md.appendMarkdown('Click to open the cost panel.');
    return md;
  }

  dispose(): void {
    this.item.dispose();
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
