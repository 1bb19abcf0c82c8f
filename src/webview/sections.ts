// The panel's sections, each a pure function of the data (plus callbacks for its controls).
import { exactUsd, formatUnits, moneyTable, SHOWN_DECIMALS, toNanos, toUnits } from '../core/money/format';
import type { DaySpend } from '../core/spend/aggregate';
import { filterRows, sortRows, type CallSortKey } from '../core/spend/calls';
import { barChart, dayChart, responsive, tierClass, type ShownDaySpend } from './charts';
import { gridTable, h } from './dom';
import { count, money, ms, percent, rate, time } from './format';
import type { ModelPriceView, PanelData, PanelState } from './protocol';

export function section(id: string, title: string, ...body: Array<Node | string | null | false>): HTMLElement {
  return h(
    'section',
    { id: `section-${id}`, 'aria-labelledby': `title-${id}` },
    h('h2', { id: `title-${id}` }, title),
    ...body,
  );
}

function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

export function totals(data: PanelData): HTMLElement {
  const s = data.summary;
  const range = s.from === s.to ? s.from : `${s.from} to ${s.to}`;
  return h(
    'p',
    { id: 'totals', class: 'totals' },
    h('strong', { 'data-figure': 'total' }, money(s.usd)),
    ` over ${count(s.calls)} call(s), ${range}`,
    s.outcomes.refused ? ` · ${count(s.outcomes.refused)} refused` : '',
    s.outcomes.error ? ` · ${count(s.outcomes.error)} failed` : '',
  );
}

/** Days apportioned to the range's total, and each day's tiers to that day's shown amount. */
export function shownDays(days: readonly DaySpend[], totalUsd: number): ShownDaySpend[] {
  const perDay = moneyTable(
    days.map((d) => d.usd),
    totalUsd,
  );
  return days.map((d, i) => {
    const tiers = Object.keys(d.byTier);
    const dayUsd = perDay.rowUnits[i]! / 10 ** SHOWN_DECIMALS;
    const t = moneyTable(
      tiers.map((k) => d.byTier[k]!),
      dayUsd,
    );
    return { ...d, shown: perDay.rows[i]!, shownByTier: Object.fromEntries(tiers.map((k, j) => [k, t.rows[j]!])) };
  });
}

function legend(tiers: readonly string[], tierOrder: readonly string[]): HTMLElement {
  return h(
    'ul',
    { class: 'legend' },
    ...tiers.map((t) => h('li', null, h('span', { class: `swatch ${tierClass(t, tierOrder)}` }), t)),
  );
}

export function daysSection(data: PanelData): HTMLElement {
  const tiers = data.summary.tiers.map((t) => t.tier);
  return section(
    'days',
    'Spend per day',
    data.summary.calls === 0 ? empty('No calls in this range.') : null,
    responsive((w) => dayChart(w, shownDays(data.summary.days, data.summary.usd), tiers, data.tierOrder), 'full'),
    legend(tiers, data.tierOrder),
  );
}

export function commandsSection(data: PanelData): HTMLElement {
  const items = data.summary.byCommand;
  const shown = moneyTable(
    items.map((b) => b.usd),
    data.summary.usd,
  ).rows;
  return section(
    'commands',
    'Spend per command',
    items.length === 0
      ? empty('No calls in this range.')
      : responsive(
          (w) =>
            barChart(
              w,
              items.map((b, i) => ({
                label: b.key,
                usd: b.usd,
                shown: shown[i]!,
                calls: b.calls,
                share: b.share,
                className: 'accent',
              })),
              'Spend per command',
            ),
          'half',
        ),
  );
}

export function modelsSection(data: PanelData): HTMLElement {
  const items = data.summary.byModel;
  const shown = moneyTable(
    items.map((b) => b.usd),
    data.summary.usd,
  ).rows;
  return section(
    'models',
    'Spend per model',
    items.length === 0
      ? empty('No calls in this range.')
      : responsive(
          (w) =>
            barChart(
              w,
              items.map((b, i) => ({
                label: b.key,
                usd: b.usd,
                shown: shown[i]!,
                calls: b.calls,
                share: b.share,
                className: tierClass(b.tier, data.tierOrder),
              })),
              'Spend per model',
            ),
          'half',
        ),
  );
}

export function savingsSection(data: PanelData): HTMLElement {
  const v = data.summary.savings;
  const pro = data.proModel.modelId;
  // Saved is shown as the difference of the two figures shown beside it, so they add up.
  const saved = formatUnits(toUnits(v.allProUsd) - toUnits(v.actualUsd), toNanos(v.savedUsd) !== 0);
  if (!data.proModel.known) {
    return section(
      'savings',
      'Savings against all-pro',
      h(
        'p',
        { class: 'warning' },
        `The price of the pro model "${pro}" is unknown, so savings cannot be computed. Set `,
        h('code', null, `tiered.models.${pro}.price`),
        ' in your user settings.',
      ),
    );
  }
  return section(
    'savings',
    'Savings against all-pro',
    h(
      'p',
      { class: 'big' },
      h('strong', { 'data-figure': 'saved' }, saved),
      ' saved · ',
      h('strong', { 'data-figure': 'saved-share' }, percent(v.share)),
    ),
    h(
      'p',
      null,
      `Every call of the range on the pro model "${pro}" (same tokens, its rates) would have cost `,
      h('span', { 'data-figure': 'all-pro' }, money(v.allProUsd)),
      `; it cost ${money(v.actualUsd)}.`,
    ),
    v.unpricedCalls > 0
      ? h(
          'p',
          { class: 'muted' },
          `${count(v.unpricedCalls)} call(s) could not be repriced and count at their actual cost.`,
        )
      : null,
  );
}

export function tiersSection(data: PanelData): HTMLElement {
  const s = data.summary;
  const shown = moneyTable(
    s.tiers.map((t) => t.usd),
    s.usd,
  ).rows;
  const bar = h('div', { class: 'mix', role: 'img', 'aria-label': 'Tier mix' });
  for (const t of s.tiers) {
    if (t.share <= 0) continue;
    const seg = h('span', {
      class: `seg ${tierClass(t.tier, data.tierOrder)}`,
      title: `${t.tier}: ${percent(t.share)}`,
    });
    seg.style.flexGrow = String(t.share); // CSSOM, not a style attribute: allowed by the CSP
    bar.append(seg);
  }
  return section(
    'tiers',
    'Tier mix',
    s.usd > 0 ? bar : null,
    gridTable(
      ['Tier', { num: 'Spend' }, { num: 'Share' }, { num: 'Calls' }],
      s.tiers.map((t, i) =>
        h(
          'tr',
          { 'data-tier': t.tier },
          h('td', null, h('span', { class: `swatch ${tierClass(t.tier, data.tierOrder)}` }), t.tier),
          h('td', { class: 'num' }, shown[i]!),
          h('td', { class: 'num' }, percent(t.share)),
          h('td', { class: 'num' }, count(t.calls)),
        ),
      ),
    ),
    s.proWarning
      ? h(
          'p',
          { class: 'warning', id: 'pro-warning', role: 'alert' },
          `Pro is ${percent(s.proShare)} of spend, more than 30%. Check which commands run on pro (spend per command); `,
          'routine work can move to lite in ',
          h('code', null, 'tiered.commands'),
          '.',
        )
      : null,
  );
}

const COLUMNS: Array<{ key: CallSortKey; label: string; num?: boolean }> = [
  { key: 'ts', label: 'Time' },
  { key: 'command', label: 'Command' },
  { key: 'tier', label: 'Tier' },
  { key: 'model', label: 'Model' },
  { key: 'inputTokens', label: 'In', num: true },
  { key: 'cachedInputTokens', label: 'Cached', num: true },
  { key: 'outputTokens', label: 'Out', num: true },
  { key: 'costUsd', label: 'Cost', num: true },
  { key: 'latencyMs', label: 'Latency', num: true },
  { key: 'outcome', label: 'Outcome' },
];

export function callsTable(data: PanelData, state: PanelState, onSort: (key: CallSortKey) => void): HTMLElement {
  const key = (COLUMNS.find((c) => c.key === state.sort.key)?.key ?? 'ts') as CallSortKey;
  const rows = sortRows(filterRows(data.recent, { text: state.filter }), { key, descending: state.sort.descending });
  const head = h(
    'tr',
    null,
    ...COLUMNS.map((c) =>
      h(
        'th',
        {
          class: c.num ? 'num' : undefined,
          'aria-sort': c.key === key ? (state.sort.descending ? 'descending' : 'ascending') : 'none',
        },
        h(
          'button',
          { class: 'sort', type: 'button', 'data-sort': c.key, onclick: () => onSort(c.key) },
          c.label,
          c.key === key ? (state.sort.descending ? ' ▼' : ' ▲') : '',
        ),
      ),
    ),
  );
  const body = h(
    'tbody',
    null,
    ...rows.map((r) =>
      h(
        'tr',
        { 'data-id': r.id, class: r.outcome === 'ok' ? undefined : `outcome-${r.outcome}` },
        h('td', { title: r.ts }, time(r.ts)),
        h('td', null, r.command),
        h('td', null, r.tier),
        h('td', null, r.model),
        h('td', { class: 'num' }, count(r.inputTokens)),
        h('td', { class: 'num' }, count(r.cachedInputTokens)),
        h('td', { class: 'num' }, count(r.outputTokens)),
        // The exact amount on hover: a call below the shown unit reads "<$0.0001".
        r.overUsd
          ? h(
              'td',
              {
                class: 'num over-reserved',
                title: `$${exactUsd(r.costUsd)}: the provider billed ${money(r.overUsd)} more than the worst case reserved (counted against today's cap)`,
              },
              money(r.costUsd),
              ` (+${money(r.overUsd)} over reserved)`,
            )
          : h('td', { class: 'num', title: `$${exactUsd(r.costUsd)}` }, money(r.costUsd)),
        h('td', { class: 'num' }, ms(r.latencyMs)),
        // A call that failed reads "failed" (the ledger's outcome is 'error'), with its reason.
        h(
          'td',
          { title: r.reason ?? '' },
          r.outcome === 'error' ? 'failed' : r.outcome,
          r.reason ? ` (${r.reason})` : '',
        ),
      ),
    ),
  );
  const shown = `${count(rows.length)} of the ${count(data.recent.length)} newest call(s) of the range${
    data.summary.calls > data.recent.length ? ` (${count(data.summary.calls)} in all; export CSV for every call)` : ''
  }`;
  return h(
    'div',
    { id: 'calls-table' },
    h('p', { class: 'muted', id: 'calls-count' }, shown),
    h('div', { class: 'scroll' }, h('table', { class: 'grid-table calls' }, h('thead', null, head), body)),
  );
}

function priceRow(p: ModelPriceView): HTMLElement {
  const notes = [
    p.deprecated
      ? `deprecated${p.deprecation ? ` (${p.deprecation})` : ''}`
      : p.deprecation
        ? `deprecation ${p.deprecation}`
        : '',
    p.longContext ?? '',
    p.message ?? '',
  ].filter(Boolean);
  return h(
    'tr',
    { 'data-model': p.modelId, class: p.source === 'unknown' || p.deprecated ? 'attention' : undefined },
    h('td', null, p.modelId),
    h('td', null, `${p.provider} · ${p.model}`),
    h('td', null, p.tier),
    h('td', { 'data-source': p.source }, p.source === 'bundled' ? `bundled (${p.dataDate ?? '?'})` : p.source),
    h('td', { class: 'num' }, rate(p.inputPerMTok)),
    h('td', { class: 'num' }, rate(p.cachedInputPerMTok)),
    h('td', { class: 'num' }, rate(p.outputPerMTok)),
    h('td', null, notes.join(' · ')),
  );
}

export function pricesSection(data: PanelData): HTMLElement {
  return section(
    'prices',
    'Prices',
    h(
      'div',
      { class: 'scroll' },
      gridTable(
        ['Model', 'Provider · name', 'Tier', 'Source', { num: 'Input' }, { num: 'Cached' }, { num: 'Output' }, 'Notes'],
        data.prices.map(priceRow),
      ),
    ),
    h(
      'p',
      { class: 'muted', id: 'price-data' },
      'Rates in USD per million tokens. Source: override = your ',
      h('code', null, 'price'),
      ` setting, bundled = ${data.priceData.package} ${data.priceData.version} published ${data.priceData.date}, local = a model on this machine ($0). A server-reported cost, when present, wins for that call.`,
    ),
  );
}
