// A tiny element builder. Text always goes in as text nodes (never innerHTML), and no inline
// style attributes are set: the panel's CSP allows neither.
export type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | EventListener>;

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

function apply(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** A header: a plain label, or a right-aligned numeric column. */
export type Column = string | { num: string };

/** The panel's tables: one header row, then the given rows. */
export function gridTable(columns: Column[], rows: Child[]): HTMLTableElement {
  const head = columns.map((c) => (typeof c === 'string' ? h('th', null, c) : h('th', { class: 'num' }, c.num)));
  return h('table', { class: 'grid-table' }, h('thead', null, h('tr', null, ...head)), h('tbody', null, ...rows));
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}
