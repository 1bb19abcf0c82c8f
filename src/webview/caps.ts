// The caps editor. It keeps what the user typed while live updates repaint the rest of the panel,
// and checks the numbers before anything is sent (the host validates again).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { h } from './dom';
import { formatUnits, toUnits } from '../core/money/format';
import { money } from './format';
import type { CapsInput, PanelData } from './protocol';

export interface CapsActions {
  save(caps: CapsInput): void;
  raise(amountUsd: number): void;
}

function field(id: string, label: string, value: string, placeholder = ''): [HTMLElement, VscodeTextfield] {
  const input = h('vscode-textfield', { id, type: 'number', min: 0, step: 'any', value, placeholder });
  return [h('div', { class: 'field' }, h('label', { for: id }, label), input), input];
}

function parseUsd(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n <= 100_000 ? n : NaN;
}

export function capsEditor(data: PanelData, actions: CapsActions, onDirty: () => void): HTMLElement {
  const c = data.caps;
  const error = h('p', { class: 'error', role: 'alert', id: 'caps-error' });
  const [dailyRow, daily] = field('cap-daily', 'Daily cap (USD, all commands)', String(c.dailyCapUsd));
  const [softRow, soft] = field(
    'cap-soft',
    'Soft threshold (% of the cap)',
    String(Math.round(c.softThreshold * 1000) / 10),
  );
  const perCommand = c.commands.map((cmd) => {
    const v = c.perCommandUsd[cmd];
    return [
      cmd,
      ...field(`cap-cmd-${cmd}`, `"${cmd}" per day (USD)`, v === undefined ? '' : String(v), 'no cap'),
    ] as const;
  });
  const form = h('div', { class: 'caps-grid' }, dailyRow, softRow, ...perCommand.map(([, row]) => row));
  form.addEventListener('input', onDirty);

  const save = () => {
    error.textContent = '';
    const dailyCapUsd = parseUsd(daily.value);
    const softPct = Number(soft.value.trim());
    if (dailyCapUsd === undefined || Number.isNaN(dailyCapUsd)) {
      error.textContent = 'Daily cap: enter an amount in USD between 0 and 100000.';
      return;
    }
    if (soft.value.trim() === '' || !Number.isFinite(softPct) || softPct < 0 || softPct > 100) {
      error.textContent = 'Soft threshold: enter a percentage between 0 and 100.';
      return;
    }
    const perCommandUsd: Record<string, number> = {};
    for (const [cmd, , input] of perCommand) {
      const v = parseUsd(input.value);
      if (Number.isNaN(v)) {
        error.textContent = `Cap for "${cmd}": enter an amount in USD, or leave it empty for no cap.`;
        return;
      }
      if (v !== undefined) perCommandUsd[cmd] = v;
    }
    actions.save({ dailyCapUsd, perCommandUsd, softThreshold: Math.round(softPct * 10) / 1000 });
  };

  const [raiseRow, raiseBy] = field('raise-amount', "Raise today's cap by (USD)", '1');
  const raise = () => {
    error.textContent = '';
    const v = parseUsd(raiseBy.value);
    if (v === undefined || Number.isNaN(v) || v <= 0) {
      error.textContent = "Raise today's cap: enter an amount in USD above 0.";
      return;
    }
    actions.raise(v);
  };

  return h(
    'div',
    { id: 'caps-editor' },
    h(
      'p',
      { id: 'caps-today' },
      `Today: ${money(c.todaySpentUsd)} spent of ${money(c.todayCapUsd)}`,
      // The raise as the difference of the two caps shown, so the figures add up.
      c.todayCapUsd > c.dailyCapUsd
        ? ` (raised by ${formatUnits(toUnits(c.todayCapUsd) - toUnits(c.dailyCapUsd), true)} for today)`
        : '',
      '.',
    ),
    form,
    h('div', { class: 'actions' }, h('vscode-button', { id: 'caps-save', onclick: save }, 'Save caps')),
    h(
      'p',
      { class: 'muted' },
      'Saved to your user settings (',
      h('code', null, 'tiered.budget'),
      '); a workspace cannot change them.',
    ),
    h('div', { class: 'caps-grid' }, raiseRow),
    h(
      'div',
      { class: 'actions' },
      h('vscode-button', { id: 'raise-today', secondary: true, onclick: raise }, "Raise today's cap"),
    ),
    h('p', { class: 'muted' }, 'Applies to today only, in every window; tomorrow the daily cap is back.'),
    error,
  );
}
