// Plain SVG charts: days stacked by tier, and horizontal bars. Colours come from CSS classes that
// map to the theme's chart colours (media/panel.css), so every theme stays readable.
import { toNanos, UNIT_NANOS } from '../core/money/format';
import type { DaySpend } from '../core/spend/aggregate';
import { s } from './dom';
import { money, shortDay } from './format';

/** A day as the chart shows it: its amount and its tiers' amounts as apportioned strings (they add up). */
export interface ShownDaySpend extends DaySpend {
  shown: string;
  shownByTier: Record<string, string>;
}

/** CSS class of a tier's colour: the configured order picks from the theme's chart palette. */
export function tierClass(tier: string, tierOrder: readonly string[]): string {
  const i = tierOrder.indexOf(tier);
  return `tier-c${i >= 0 ? i % 6 : 5}`;
}

/** A scale top that reads well: 1, 2, 2.5 or 5 × a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  // toPrecision drops float noise (1 × 1e-4 computes as 0.00009999…).
  for (const m of [1, 2, 2.5, 5, 10]) {
    const top = Number((m * p).toPrecision(12));
    if (top >= max) return top;
  }
  return Number((10 * p).toPrecision(12));
}

const H = 200;
const PAD = { left: 56, right: 8, top: 10, bottom: 24 };

/** Drawn at the pixel width it gets (see responsive()), so its text never shrinks. */
export function dayChart(
  W: number,
  days: readonly ShownDaySpend[],
  tiers: readonly string[],
  tierOrder: readonly string[],
): SVGSVGElement {
  const max = Math.max(0, ...days.map((d) => d.usd));
  // At least the shown unit, so the top line never reads "<$0.0001".
  const top = max > 0 ? Math.max(niceMax(max), UNIT_NANOS / 1e9) : niceMax(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(1, Math.min(40, slot * 0.75));
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    class: 'chart',
    role: 'img',
    'aria-label': `Spend per day, ${days.length} day(s), stacked by tier`,
  });
  for (const f of [0, 0.5, 1]) {
    const y = PAD.top + plotH * (1 - f);
    // A grid line whose amount is not a whole number of shown units gets no label (it would round).
    const exact = toNanos(top * f) % UNIT_NANOS === 0;
    svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
    if (exact)
      svg.append(s('text', { x: PAD.left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, money(top * f)));
  }
  const labelEvery = Math.ceil(days.length / Math.max(2, Math.floor(plotW / 64)));
  days.forEach((d, i) => {
    const x = PAD.left + slot * i + (slot - barW) / 2;
    let y = PAD.top + plotH;
    const g = s('g', { class: 'day', 'data-day': d.day });
    g.append(s('title', null, `${d.day}: ${d.shown}, ${d.calls} call(s)`));
    for (const tier of tiers) {
      const usd = d.byTier[tier] ?? 0;
      if (usd <= 0) continue;
      const hgt = (usd / top) * plotH;
      y -= hgt;
      g.append(
        s(
          'rect',
          { x, y, width: barW, height: Math.max(hgt, 0.5), class: `bar ${tierClass(tier, tierOrder)}` },
          s('title', null, `${d.day} ${tier}: ${d.shownByTier[tier] ?? money(usd)}`),
        ),
      );
    }
    svg.append(g);
    if (i % labelEvery === 0 || i === days.length - 1) {
      svg.append(s('text', { x: x + barW / 2, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, shortDay(d.day)));
    }
  });
  return svg;
}

export interface BarItem {
  label: string;
  usd: number;
  /** The amount as shown, apportioned with the other bars to the total (moneyTable). */
  shown: string;
  calls: number;
  share: number;
  className: string;
}

export function barChart(W: number, items: readonly BarItem[], ariaLabel: string): SVGSVGElement {
  const rowH = 26;
  const labelW = Math.min(150, Math.round(W * 0.3));
  const valueW = 150;
  const height = Math.max(1, items.length) * rowH;
  const max = Math.max(0, ...items.map((i) => i.usd));
  const plotW = W - labelW - valueW;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${height}`,
    width: W,
    height,
    class: 'chart bars',
    role: 'img',
    'aria-label': ariaLabel,
  });
  items.forEach((item, i) => {
    const y = i * rowH;
    const w = max > 0 ? (item.usd / max) * plotW : 0;
    svg.append(
      s(
        'g',
        { class: 'bar-row', 'data-key': item.label },
        s('title', null, `${item.label}: ${item.shown} (${(item.share * 100).toFixed(1)}%), ${item.calls} call(s)`),
        s(
          'text',
          { x: labelW - 8, y: y + rowH / 2 + 4, class: 'label', 'text-anchor': 'end' },
          clip(item.label, Math.max(6, Math.floor(labelW / 7))),
        ),
        s('rect', {
          x: labelW,
          y: y + 5,
          width: Math.max(w, item.usd > 0 ? 1 : 0),
          height: rowH - 10,
          class: `bar ${item.className}`,
        }),
        s('text', { x: labelW + w + 6, y: y + rowH / 2 + 4, class: 'value' }, `${item.shown} · ${item.calls} call(s)`),
      ),
    );
  });
  return svg;
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

let panelWidth = 0;

/** The width of the panel's main column, so charts are first drawn at about their real width. */
export function setPanelWidth(width: number): void {
  panelWidth = width;
}

/** Content width of a full-width section, or of one of two side-by-side sections (media/panel.css). */
function estimatedWidth(span: 'full' | 'half'): number {
  if (panelWidth <= 0) return 640;
  const sectionChrome = 30; // padding 2 × 14 + border 2 × 1
  const twoColumns = panelWidth >= 2 * 360 + 16;
  return span === 'half' && twoColumns ? (panelWidth - 16) / 2 - sectionChrome : panelWidth - sectionChrome;
}

/**
 * A chart redrawn at its container's width (ResizeObserver), instead of an SVG scaled by its
 * viewBox, whose 11 px labels would shrink to unreadable in a narrow editor column. The first
 * drawing uses the estimated width, so a first render normally draws each chart once.
 */
export function responsive(build: (width: number) => SVGSVGElement, span: 'full' | 'half'): HTMLElement {
  const holder = document.createElement('div');
  holder.className = 'chart-holder';
  let drawn = 0;
  const draw = (width: number) => {
    if (width < 120 || Math.abs(width - drawn) < 4) return;
    drawn = width;
    holder.replaceChildren(build(width));
  };
  draw(Math.floor(estimatedWidth(span)));
  new ResizeObserver((entries) => draw(Math.floor(entries[0]!.contentRect.width))).observe(holder);
  return holder;
}
