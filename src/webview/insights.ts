// The panel's insight sections: model deprecations (with "Swap model"), lite vs pro agreement from
// shadow samples, LiteLLM team budgets and the latency-aware lite tier. Pure functions of the data.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { Deprecation } from '../core/deprecation';
import type { KeyBudget, KeyInfoResult } from '../core/litellm';
import type { ShadowAgreement } from '../core/shadow/samples';
import { gridTable, h } from './dom';
import { count, money } from './format';
import type { InsightsView } from './protocol';
import { section } from './sections';

/** Whole percent: "87%" (agreement figures are means of noisy samples; a decimal adds nothing). */
export function wholePercent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)}%` : '—';
}

/** Rows within this many days are highlighted (the default of tiered.deprecation.warnDays). */
const SOON_DAYS = 30;

function shutdown(d: Deprecation): string {
  if (d.date === undefined || d.daysLeft === undefined) return 'deprecated in the price data';
  if (d.daysLeft > 1) return `${d.date} (in ${count(d.daysLeft)} days)`;
  if (d.daysLeft === 1) return `${d.date} (tomorrow)`;
  if (d.daysLeft === 0) return `${d.date} (today)`;
  return `${d.date} (passed ${count(-d.daysLeft)} day${d.daysLeft === -1 ? '' : 's'} ago)`;
}

export function deprecationsSection(list: readonly Deprecation[], swap: (modelId: string) => void): HTMLElement {
  if (list.length === 0) {
    return section(
      'deprecations',
      'Model deprecations',
      h('p', { class: 'empty' }, 'No model in tiered.models has a shutdown date or a deprecated flag.'),
    );
  }
  const row = (d: Deprecation) =>
    h(
      'tr',
      {
        'data-model': d.modelId,
        class: d.commands.length > 0 && (d.daysLeft === undefined || d.daysLeft <= SOON_DAYS) ? 'attention' : undefined,
      },
      h('td', null, d.modelId),
      h('td', null, `${d.provider} · ${d.model}`),
      h('td', { 'data-field': 'shutdown' }, shutdown(d)),
      h('td', { 'data-field': 'commands' }, d.commands.length > 0 ? d.commands.join(', ') : 'no command'),
      h(
        'td',
        null,
        h(
          'vscode-button',
          {
            'data-swap': d.modelId,
            secondary: true,
            title: `Open tiered.models in your user settings to replace "${d.modelId}"`,
            onclick: () => swap(d.modelId),
          },
          'Swap model',
        ),
      ),
    );
  return section(
    'deprecations',
    'Model deprecations',
    h('div', { class: 'scroll' }, gridTable(['Model', 'Provider · name', 'Shutdown', 'Used by', ''], list.map(row))),
    h(
      'p',
      { class: 'muted' },
      'Dates come from ',
      h('code', null, 'tiered.models.<id>.deprecation'),
      '; the bundled price data only says a model is deprecated. Swap a model in ',
      h('code', null, 'tiered.models'),
      ' (or take it out of ',
      h('code', null, 'tiered.tiers'),
      ').',
    ),
  );
}

/** "Lite agrees with pro on 87% of tone fixes across 42 samples." */
export function shadowReading(s: ShadowAgreement): string[] {
  const out: string[] = [];
  if (s.tone.samples > 0 && s.tone.meanSimilarity !== null) {
    out.push(
      `Lite agrees with pro on ${wholePercent(s.tone.meanSimilarity)} of tone fixes across ${count(s.tone.samples)} sample${s.tone.samples === 1 ? '' : 's'}.`,
    );
  }
  if (s.review.samples > 0 && s.review.meanOverlap !== null) {
    out.push(
      `Lite's review findings overlap pro's by ${wholePercent(s.review.meanOverlap)} across ${count(s.review.samples)} sample${s.review.samples === 1 ? '' : 's'}.`,
    );
  }
  return out;
}

export function shadowSection(s: ShadowAgreement): HTMLElement {
  const reading = shadowReading(s);
  if (reading.length === 0) {
    return section(
      'shadow',
      'Lite vs pro (shadow samples)',
      h(
        'p',
        { class: 'empty', id: 'shadow-empty' },
        'No samples yet — enable ',
        h('code', null, 'tiered.shadow.enabled'),
        ' in your user settings to re-run a share of lite answers on pro (billed as "shadow", within ',
        h('code', null, 'tiered.shadow.dailyCapUsd'),
        ').',
      ),
    );
  }
  const mean = (m: number | null) => (m === null ? '—' : wholePercent(m));
  return section(
    'shadow',
    'Lite vs pro (shadow samples)',
    gridTable(
      ['Kind', { num: 'Samples' }, { num: 'Agreement' }, 'Measured as'],
      [
        h(
          'tr',
          { 'data-kind': 'tone' },
          h('td', null, 'Tone fixes'),
          h('td', { class: 'num' }, count(s.tone.samples)),
          h('td', { class: 'num' }, mean(s.tone.meanSimilarity)),
          h('td', null, 'mean edit similarity'),
        ),
        h(
          'tr',
          { 'data-kind': 'review' },
          h('td', null, 'Reviews'),
          h('td', { class: 'num' }, count(s.review.samples)),
          h('td', { class: 'num' }, mean(s.review.meanOverlap)),
          h('td', null, 'mean findings overlap'),
        ),
      ],
    ),
    ...reading.map((r) => h('p', { class: 'shadow-reading' }, r)),
  );
}

function budgetRow(providerId: string, b: KeyBudget): HTMLElement {
  const who = [b.teamId ? `team ${b.teamId}` : undefined, b.keyAlias ?? b.keyName].filter(Boolean).join(', ');
  return h(
    'tr',
    { 'data-provider': providerId },
    h('td', null, providerId, who ? h('div', { class: 'muted', 'data-field': 'key' }, who) : null),
    h(
      'td',
      { class: 'num', 'data-field': 'remaining' },
      b.maxBudgetUsd === null ? 'no key budget' : `${money(b.remainingUsd ?? 0)} of ${money(b.maxBudgetUsd)}`,
    ),
    h('td', { class: 'num', 'data-field': 'spent' }, money(b.spendUsd)),
    h(
      'td',
      { 'data-field': 'reset' },
      b.resetAt ? b.resetAt.slice(0, 10) : b.budgetDuration ? `every ${b.budgetDuration}` : '—',
    ),
  );
}

export function litellmSection(list: readonly KeyInfoResult[]): HTMLElement {
  const ok = list.filter((r): r is KeyInfoResult & { ok: true } => r.ok);
  const failed = list.filter((r): r is KeyInfoResult & { ok: false } => !r.ok);
  return section(
    'litellm',
    'LiteLLM team budgets',
    ok.length > 0
      ? h(
          'div',
          { class: 'scroll' },
          gridTable(
            ['Proxy', { num: 'Remaining' }, { num: 'Spent' }, 'Resets'],
            ok.map((r) => budgetRow(r.providerId, r.budget)),
          ),
        )
      : null,
    // Messages wrap in a warning box: a table cell would cut a long URL off in a half-width column.
    ...failed.map((r) => h('p', { class: 'warning', 'data-provider': r.providerId }, `${r.providerId}: ${r.message}`)),
    h('p', { class: 'muted' }, 'As the proxy reports the virtual key (GET /key/info), refreshed every few minutes.'),
  );
}

export function latencySection(line: string): HTMLElement {
  return section('latency', 'Inline latency', h('p', { id: 'latency-state' }, line));
}

/** The insight sections worth showing: LiteLLM and latency only when there is something to say. */
export function insightSections(insights: InsightsView, swap: (modelId: string) => void): HTMLElement[] {
  const side: HTMLElement[] = [shadowSection(insights.shadow)];
  if (insights.litellm.length > 0) side.push(litellmSection(insights.litellm));
  if (insights.latency.trim() !== '') side.push(latencySection(insights.latency));
  return [deprecationsSection(insights.deprecations, swap), h('div', { class: 'cols' }, ...side)];
}
