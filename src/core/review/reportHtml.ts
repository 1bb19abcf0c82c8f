// The review report as one themed HTML page for a webview: header figures (model, tier, tokens,
// cost, time, when), summary, findings grouped by file with links to their ranges, lower-confidence
// findings collapsed, what was not sent and why, and for a failed attempt the error in plain words.
// Everything from the model or the workspace is escaped; the page has no script (CSP
// `default-src 'none'`): links are command URIs the view allows one by one (open a finding; copy or
// open the report as Markdown).
import { moneyTable, formatUsd } from '../money/format';
import { attemptCost } from './failure';
import { splitByConfidence, type Confidence } from './findings';
import type { ReportedFinding, ReviewReport } from './report';

export interface ReportHtmlOptions {
  /** Findings the model is less sure of are collapsed (`tiered.review.minConfidence`). */
  minConfidence: Confidence;
  /** Fresh per render; the only style allowed. */
  nonce: string;
  /** Command a finding's link runs, with `[{ uri, startLine, endLine }]` as its argument. */
  openCommand: string;
  /** Commands the header's "Copy as Markdown" / "Open as Markdown" links run (no argument); none: no links. */
  markdownCommands?: { copy: string; open: string };
  /** How "when" is written (the view passes the user's locale); default: UTC, minutes. */
  formatWhen?(iso: string): string;
}

/** What a finding link carries: the view checks it names a file of a report it holds. */
export interface FindingLink {
  uri: string;
  startLine: number;
  endLine: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value: nothing in it can open a tag or end an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Escaped text with `code spans` (as models write them) shown as code. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2, hint: 3 } as const;

export function contentSecurityPolicy(nonce: string): string {
  return ["default-src 'none'", `style-src 'nonce-${nonce}'`].join('; ');
}

export function findingHref(command: string, link: FindingLink): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([link]))}`;
}

/**
 * A link's argument as the command receives it (VS Code spreads the URI's JSON array into the
 * arguments): `{ uri, startLine, endLine }` naming a file in `known`, whole lines from 1; else undefined.
 */
export function validLink(arg: unknown, known: ReadonlySet<string>): FindingLink | undefined {
  const a: unknown = Array.isArray(arg) ? arg[0] : arg;
  if (!a || typeof a !== 'object') return undefined;
  const { uri, startLine, endLine } = a as Record<string, unknown>;
  if (typeof uri !== 'string' || !known.has(uri)) return undefined;
  const line = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 10_000_000;
  if (!line(startLine) || !line(endLine) || endLine < startLine) return undefined;
  return { uri, startLine, endLine };
}

const defaultWhen = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');
const lines = (f: ReportedFinding) =>
  f.startLine === f.endLine ? `line ${f.startLine}` : `lines ${f.startLine}–${f.endLine}`;

export function reportHtml(r: ReviewReport, o: ReportHtmlOptions): string {
  const when = (o.formatWhen ?? defaultWhen)(r.startedAt);
  const body = [header(r, when, o), failure(r), stages(r), notes(r), summary(r), findings(r, o)].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(`Review: ${r.title}`)}</title>
<style nonce="${escapeHtml(o.nonce)}">${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function header(r: ReviewReport, when: string, o: ReportHtmlOptions): string {
  const cost = moneyTable(
    r.stages.map((s) => s.costUsd),
    r.totals.costUsd,
  ).total;
  const status = r.error
    ? `<span class="badge failed">${r.error.reason === 'cancelled' ? 'cancelled' : 'failed'}</span>`
    : r.fromCache
      ? '<span class="badge cached">cached</span>'
      : '';
  const tokens =
    `${count(r.totals.inputTokens)} in / ${count(r.totals.outputTokens)} out` +
    (r.totals.reasoningTokens ? ` (${count(r.totals.reasoningTokens)} reasoning)` : '');
  const facts: Array<[string, string]> = [
    ['Model', r.model ? `${escapeHtml(r.model)} <span class="muted">(${escapeHtml(r.tier)})</span>` : '—'],
    ['Tokens', tokens],
    ['Cost', escapeHtml(cost)],
    ['Time', seconds(r.elapsedMs)],
    ['When', escapeHtml(when)],
  ];
  const cached = r.fromCache
    ? `<p class="note">Cached result from ${escapeHtml(defaultWhen(r.fromCache.storedAt))}: nothing was sent now and it cost ${escapeHtml(formatUsd(0))}. The figures above are the original review's.</p>`
    : '';
  // Plain command URIs without arguments: the command acts on the report the view shows.
  const md = o.markdownCommands;
  const actions = md
    ? `<p class="actions"><a href="${escapeHtml(`command:${md.copy}`)}" title="Copy this report as Markdown, to paste into a pull request or an issue">Copy as Markdown</a>` +
      `<a href="${escapeHtml(`command:${md.open}`)}" title="Open this report as a Markdown document beside">Open as Markdown</a></p>`
    : '';
  return `<header>
<h1>Review: ${escapeHtml(r.title)} ${status}</h1>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>
${actions}
${cached}
</header>`;
}

function failure(r: ReviewReport): string {
  if (!r.error) return '';
  return `<section class="error" role="alert">
<h2>${r.error.reason === 'cancelled' ? 'This review was cancelled' : 'This review failed'}</h2>
<p>${prose(capitalise(r.error.what))}.</p>
<p>It cost ${escapeHtml(attemptCost(r))}. No findings were produced; run the review again to try again.</p>
<details><summary>Technical detail</summary><p>${prose(r.error.message)}</p><p class="muted">The Tiered output log has the full story (Tiered: Show Log).</p></details>
</section>`;
}

function stages(r: ReviewReport): string {
  const failed = r.stages.some((s) => s.outcome);
  if (r.stages.length < 2 && !failed) return '';
  const shown = moneyTable(
    r.stages.map((s) => s.costUsd),
    r.totals.costUsd,
  ).rows;
  const rows = r.stages.map(
    (s, i) =>
      `<tr${s.outcome ? ' class="failed"' : ''}><td>${escapeHtml(s.stage)}</td><td>${escapeHtml(s.tier)}</td><td>${escapeHtml(s.model)}</td>` +
      `<td class="num">${count(s.inputTokens)}</td><td class="num">${count(s.outputTokens)}</td>` +
      `<td class="num">${escapeHtml(shown[i]!)}</td><td class="num">${seconds(s.latencyMs)}</td>` +
      // The ledger's reason can be a parser's message: on hover only, the words stay plain.
      `<td${s.reason ? ` title="${escapeHtml(s.reason)}"` : ''}>${s.outcome ? (s.outcome === 'error' ? 'failed' : 'cancelled') : 'ok'}</td></tr>`,
  );
  return `<section><h2>Calls</h2><table><thead><tr><th>Stage</th><th>Tier</th><th>Model</th><th class="num">In</th><th class="num">Out</th><th class="num">Cost</th><th class="num">Time</th><th>Outcome</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></section>`;
}

function notes(r: ReviewReport): string {
  const out: string[] = [];
  if (r.excluded.length) {
    out.push(
      `<p class="note"><strong>Not sent</strong> (they match <code>tiered.exclude</code>, so they never leave this machine): ` +
        `${r.excluded.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')}. Their content was not reviewed.</p>`,
    );
  }
  if (r.skipped?.length) {
    out.push(`<p class="note"><strong>Not reviewed</strong>: ${r.skipped.map((s) => escapeHtml(s)).join(', ')}.</p>`);
  }
  if (r.decisions.length) {
    out.push(`<ul class="decisions muted">${r.decisions.map((d) => `<li>${prose(d)}</li>`).join('')}</ul>`);
  }
  return out.join('\n');
}

function summary(r: ReviewReport): string {
  return r.summary ? `<section><h2>Summary</h2><p class="prose">${prose(r.summary)}</p></section>` : '';
}

function findings(r: ReviewReport, o: ReportHtmlOptions): string {
  if (r.error) return '';
  const { shown, lower } = splitByConfidence(r.findings, o.minConfidence);
  const parts = [`<section><h2>Findings (${r.findings.length})</h2>`];
  if (r.findings.length === 0) parts.push('<p>No problems found.</p>');
  else if (shown.length === 0) parts.push('<p>None the model is sure enough of to show by default.</p>');
  parts.push(byFile(shown, o));
  if (lower.length) {
    parts.push(
      `<details class="lower"><summary>Show ${lower.length} lower-confidence finding${lower.length === 1 ? '' : 's'}</summary>` +
        `<p class="muted">The model is less sure of these than <code>tiered.review.minConfidence</code> (${escapeHtml(o.minConfidence)}).</p>` +
        `${byFile(lower, o)}</details>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

function byFile(list: ReportedFinding[], o: ReportHtmlOptions): string {
  const groups = new Map<string, ReportedFinding[]>();
  for (const f of list) groups.set(f.file, [...(groups.get(f.file) ?? []), f]);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, fs]) => {
      const sorted = [...fs].sort(
        (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.startLine - b.startLine,
      );
      return `<div class="file"><h3>${escapeHtml(file)}</h3>${sorted.map((f) => finding(f, o)).join('\n')}</div>`;
    })
    .join('\n');
}

function finding(f: ReportedFinding, o: ReportHtmlOptions): string {
  const where = f.uri
    ? `<a href="${escapeHtml(findingHref(o.openCommand, { uri: f.uri, startLine: f.startLine, endLine: f.endLine }))}" title="Open ${escapeHtml(f.file)} at ${lines(f)}">${lines(f)}</a>`
    : `<span title="The model named a file that was not in the review">${lines(f)}</span>`;
  const confidence = f.confidence
    ? `<span class="tag confidence-${f.confidence}">${f.confidence} confidence</span>`
    : '<span class="tag muted">confidence not given</span>';
  const fix =
    f.replacement !== undefined
      ? `<p class="muted">Suggested replacement of ${lines(f)} (Apply Fix in the editor):</p><pre><code>${escapeHtml(f.replacement)}</code></pre>`
      : '';
  return `<article class="finding severity-${f.severity}">
<p class="meta"><span class="tag sev">${f.severity}</span><span class="tag">${f.category}</span>${confidence}${where}</p>
<h4>${escapeHtml(f.title)}</h4>
<p class="prose">${prose(f.explanation)}</p>
${fix}
</article>`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// VS Code's theme variables, so the page follows the user's theme (light, dark, high contrast).
const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
  background: var(--vscode-editor-background); padding: 0 20px 24px; line-height: 1.5; max-width: 980px; }
h1 { font-size: 1.5em; font-weight: 600; margin: 16px 0 8px; }
h2 { font-size: 1.2em; font-weight: 600; margin: 20px 0 8px; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 4px; }
h3 { font-size: 1.05em; font-family: var(--vscode-editor-font-family); margin: 16px 0 6px; }
h4 { font-size: 1em; margin: 4px 0; }
a { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
code { background: var(--vscode-textCodeBlock-background); padding: 0 3px; border-radius: 3px; }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow-x: auto; border-radius: 3px; }
pre code { background: none; padding: 0; }
.muted { color: var(--vscode-descriptionForeground); }
.prose { white-space: pre-wrap; margin: 4px 0; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: var(--vscode-descriptionForeground); }
.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.actions { display: flex; gap: 16px; margin: 6px 0 0; font-size: 0.9em; }
.badge { font-size: 0.7em; vertical-align: middle; padding: 2px 6px; border-radius: 10px;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.badge.failed { background: var(--vscode-inputValidation-errorBackground); color: var(--vscode-errorForeground);
  border: 1px solid var(--vscode-inputValidation-errorBorder); }
.note { border-left: 3px solid var(--vscode-textBlockQuote-border); background: var(--vscode-textBlockQuote-background); padding: 4px 8px; }
.error { border: 1px solid var(--vscode-inputValidation-errorBorder); background: var(--vscode-inputValidation-errorBackground);
  padding: 4px 12px; margin-top: 12px; }
.error h2 { border: none; color: var(--vscode-errorForeground); }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 2px 10px 2px 0; border-bottom: 1px solid var(--vscode-panel-border); white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { color: var(--vscode-errorForeground); }
.finding { border-left: 3px solid var(--vscode-panel-border); padding: 2px 10px; margin: 8px 0 14px; }
.finding.severity-error { border-left-color: var(--vscode-editorError-foreground); }
.finding.severity-warning { border-left-color: var(--vscode-editorWarning-foreground); }
.finding.severity-info { border-left-color: var(--vscode-editorInfo-foreground); }
.finding.severity-hint { border-left-color: var(--vscode-editorHint-foreground, var(--vscode-panel-border)); }
.meta { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0; font-size: 0.9em; }
.tag { padding: 0 6px; border-radius: 3px; border: 1px solid var(--vscode-panel-border); }
.severity-error .sev { color: var(--vscode-editorError-foreground); }
.severity-warning .sev { color: var(--vscode-editorWarning-foreground); }
.severity-info .sev { color: var(--vscode-editorInfo-foreground); }
.confidence-low { color: var(--vscode-descriptionForeground); }
details.lower > summary { cursor: pointer; color: var(--vscode-textLink-foreground); margin: 8px 0; }
`;
