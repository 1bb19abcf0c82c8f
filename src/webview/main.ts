// The cost panel (browser side). Renders what the host sends; sends requests with ids; keeps the
// range, sort, filter and last data in the webview state so hiding and showing the panel restores it.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { CallSortKey } from '../core/spend/calls';
import type { RangeSpec } from '../core/spend/days';
import { capsEditor } from './caps';
import { setPanelWidth } from './charts';
import { h } from './dom';
import { insightSections } from './insights';
import type { HostMessage, PanelData, PanelMessage, PanelState } from './protocol';
import {
  callsTable,
  commandsSection,
  daysSection,
  modelsSection,
  pricesSection,
  savingsSection,
  section,
  tiersSection,
  totals,
} from './sections';

interface VsCodeApi {
  postMessage(message: PanelMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: PanelState = vscode.getState() ?? {
  range: { kind: '7d' },
  sort: { key: 'ts', descending: true },
  filter: '',
};
let capsDirty = false;
let seq = 0;
const pending = new Map<string, string>();

let lastLoad = '';

function sameRange(a: RangeSpec, b: RangeSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function send(message: DistributiveOmit<PanelMessage, 'requestId'>, label: string): void {
  const requestId = `r${++seq}-${Date.now().toString(36)}`;
  pending.set(requestId, label);
  if (label === 'Loading') lastLoad = requestId;
  vscode.postMessage({ ...message, requestId } as PanelMessage);
  setStatus(`${label}…`, 'busy');
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function save(): void {
  vscode.setState(state);
}

const root = document.getElementById('app') ?? document.body;
const status = h('div', { id: 'status', role: 'status', 'aria-live': 'polite' });

function setStatus(text: string, kind: 'ok' | 'error' | 'busy' | '' = ''): void {
  status.textContent = text;
  status.className = kind;
}

const RANGES: Array<{ kind: 'today' | '7d' | '30d'; label: string }> = [
  { kind: 'today', label: 'Today' },
  { kind: '7d', label: '7 days' },
  { kind: '30d', label: '30 days' },
];

function setRange(range: RangeSpec): void {
  state = { ...state, range };
  save();
  send({ type: 'setRange', range }, 'Loading');
  renderHeader();
}

const header = h('header', { id: 'header' });

function renderHeader(): void {
  const data = state.data;
  const from = h('vscode-textfield', {
    id: 'range-from',
    type: 'date',
    value: state.range.kind === 'custom' ? state.range.from : (data?.days.from ?? ''),
  }) as VscodeTextfield;
  const to = h('vscode-textfield', {
    id: 'range-to',
    type: 'date',
    value: state.range.kind === 'custom' ? state.range.to : (data?.days.to ?? ''),
  }) as VscodeTextfield;
  const apply = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from.value) || !/^\d{4}-\d{2}-\d{2}$/.test(to.value)) {
      setStatus('Custom range: pick both a start and an end date.', 'error');
      return;
    }
    setRange({ kind: 'custom', from: from.value, to: to.value });
  };
  header.replaceChildren(
    h('h1', null, 'Tiered spend'),
    h(
      'div',
      { class: 'ranges', role: 'group', 'aria-label': 'Range' },
      ...RANGES.map((r) =>
        h(
          'vscode-button',
          {
            'data-range': r.kind,
            secondary: state.range.kind !== r.kind,
            'aria-pressed': String(state.range.kind === r.kind),
            onclick: () => setRange({ kind: r.kind }),
          },
          r.label,
        ),
      ),
      h('label', { for: 'range-from', class: 'inline' }, 'From'),
      from,
      h('label', { for: 'range-to', class: 'inline' }, 'to'),
      to,
      h('vscode-button', { id: 'range-apply', secondary: state.range.kind !== 'custom', onclick: apply }, 'Apply'),
      h('span', { class: 'spacer' }),
      h(
        'vscode-button',
        { id: 'export-csv', secondary: true, onclick: () => send({ type: 'exportCsv' }, 'Exporting CSV') },
        'Export CSV',
      ),
    ),
    status,
  );
}

const main = h('main', { id: 'sections' });
let capsNode: HTMLElement | undefined;

function callsSection(data: PanelData): HTMLElement {
  const filter = h('vscode-textfield', {
    id: 'calls-filter',
    placeholder: 'Filter by command, tier, model, outcome',
    value: state.filter,
  }) as VscodeTextfield;
  const holder = h('div', null, callsTable(data, state, onSort));
  filter.addEventListener('input', () => {
    state = { ...state, filter: filter.value };
    save();
    holder.replaceChildren(callsTable(data, state, onSort));
  });
  function onSort(key: CallSortKey): void {
    const descending =
      state.sort.key === key ? !state.sort.descending : key === 'ts' || key === 'costUsd' || key === 'latencyMs';
    state = { ...state, sort: { key, descending } };
    save();
    holder.replaceChildren(callsTable(data, state, onSort));
  }
  return section('calls', 'Recent calls', filter, holder);
}

function render(): void {
  const data = state.data;
  if (!data) {
    main.replaceChildren(h('p', { class: 'muted' }, 'Reading the ledger…'));
    return;
  }
  // Keep the caps form the user is editing; rebuild it only when nothing is typed in it.
  if (!capsNode || !capsDirty) {
    capsNode = capsEditor(
      data,
      {
        save: (caps) => send({ type: 'setCaps', caps }, 'Saving caps'),
        raise: (amountUsd) => send({ type: 'raiseToday', amountUsd }, "Raising today's cap"),
      },
      () => (capsDirty = true),
    );
  }
  setPanelWidth(main.clientWidth);
  main.replaceChildren(
    totals(data),
    daysSection(data),
    h('div', { class: 'cols' }, commandsSection(data), modelsSection(data)),
    h('div', { class: 'cols' }, savingsSection(data), tiersSection(data)),
    callsSection(data),
    section('caps', 'Daily caps', capsNode),
    ...(data.insights
      ? insightSections(data.insights, (modelId) => send({ type: 'swapModel', modelId }, 'Opening model settings'))
      : []),
    pricesSection(data),
  );
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'data': {
      // Answers to an older range request, and live updates for a range the user has left, are stale.
      if (
        msg.requestId
          ? msg.requestId !== lastLoad && pending.get(msg.requestId) === 'Loading'
          : !sameRange(msg.data.range, state.range)
      ) {
        if (msg.requestId) pending.delete(msg.requestId);
        break;
      }
      const rangeChanged = JSON.stringify(state.data?.days) !== JSON.stringify(msg.data.days);
      state = { ...state, range: msg.data.range, data: msg.data };
      save();
      if (msg.requestId && pending.get(msg.requestId) === 'Loading') {
        pending.delete(msg.requestId);
        setStatus('');
      }
      if (rangeChanged) renderHeader();
      render();
      document.dispatchEvent(new CustomEvent('tiered:rendered'));
      break;
    }
    case 'result': {
      const label = pending.get(msg.requestId);
      pending.delete(msg.requestId);
      if (label === 'Saving caps' && msg.ok) {
        capsDirty = false;
        capsNode = undefined;
        render();
      }
      setStatus(msg.message, msg.ok ? 'ok' : 'error');
      break;
    }
    case 'error':
      setStatus(msg.message, 'error');
      break;
  }
});

root.replaceChildren(header, main);
renderHeader();
render();
send({ type: 'ready', range: state.range }, 'Loading');
