// The review report as Markdown, to read in the editor or paste into a pull request or an issue:
// the same content as the rendered page (reportHtml.ts): header figures, calls, what was not sent,
// summary, findings by file, lower-confidence findings collapsed in a <details> block.
// Everything from the model or the workspace goes through reportMarkdownText.ts, so a finding cannot
// open a link, a tag (a stray </details>), a heading or a code block of its own.
import { formatUsd, moneyTable } from '../money/format';
import { attemptCost } from './failure';
import { splitByConfidence, type Confidence } from './findings';
import { codeSpan, fenceFor, inlineText, proseBlock } from './reportMarkdownText';
import type { ReportedFinding, ReviewReport } from './report';

export interface ReportMarkdownOptions {
  /** Findings less sure than this go in a collapsed section (`tiered.review.minConfidence`); default: none. */
  minConfidence?: Confidence;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2, hint: 3 } as const;

const utcMinutes = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

/** The report as Markdown: header figures, then findings grouped by file, most severe first. */
export function formatReportMarkdown(r: ReviewReport, o: ReportMarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`# Tiered review: ${inlineText(r.title)}`, '');
  // The stage rows are apportioned to the total, so the table adds up to the cost in the header.
  const cost = moneyTable(
    r.stages.map((s) => s.costUsd),
    r.totals.costUsd,
  );
  const cached = r.fromCache
    ? ` — **cached result** from ${utcMinutes(r.fromCache.storedAt)} (no call, ${formatUsd(0)} now)`
    : '';
  out.push(
    `**Model** ${inlineText(r.model || '—')} (${inlineText(r.tier)}) · **Tokens** ${r.totals.inputTokens} in / ${r.totals.outputTokens} out` +
      (r.totals.reasoningTokens ? ` (${r.totals.reasoningTokens} reasoning)` : '') +
      ` · **Cost** ${cost.total} · **Time** ${(r.elapsedMs / 1000).toFixed(1)} s · **When** ${utcMinutes(r.startedAt)}${cached}`,
    '',
  );
  if (r.stages.length > 1 || r.stages.some((s) => s.outcome)) {
    out.push('| Stage | Tier | Model | In | Out | Cost | Time |', '|---|---|---|---:|---:|---:|---:|');
    r.stages.forEach((s, i) => {
      out.push(
        `| ${s.stage}${s.outcome ? ` (${s.outcome === 'error' ? 'failed' : 'cancelled'})` : ''} | ${inlineText(s.tier, { code: false })} | ${inlineText(s.model, { code: false })} | ${s.inputTokens} | ${s.outputTokens} | ${cost.rows[i]} | ${(s.latencyMs / 1000).toFixed(1)} s |`,
      );
    });
    out.push('');
  }
  for (const d of r.decisions) out.push(`- ${inlineText(d)}`);
  if (r.decisions.length) out.push('');
  if (r.excluded.length) {
    out.push(
      `> **Not sent** (match \`tiered.exclude\`): ${r.excluded.map(codeSpan).join(', ')}. Their changes were not reviewed.`,
      '',
    );
  }
  if (r.skipped?.length) out.push(`> **Not reviewed**: ${r.skipped.map((s) => inlineText(s)).join(', ')}.`, '');
  if (r.error) {
    out.push(
      `> **This review ${r.error.reason === 'cancelled' ? 'was cancelled' : 'failed'}**: ${inlineText(r.error.what)}. It cost ${attemptCost(r)}.`,
      '',
      `Detail: ${proseBlock(r.error.message, '')}`,
      '',
    );
    return out.join('\n');
  }
  if (r.summary) out.push('## Summary', '', proseBlock(r.summary, ''), '');
  out.push(`## Findings (${r.findings.length})`, '');
  const min = o.minConfidence ?? 'low';
  const { shown, lower } = splitByConfidence(r.findings, min);
  if (r.findings.length === 0) out.push('No problems found.', '');
  else if (shown.length === 0) out.push('None the model is sure enough of to show by default.', '');
  out.push(...byFile(shown, '###'));
  if (lower.length) {
    // GitHub renders Markdown inside <details> when a blank line follows the summary.
    out.push(
      '<details>',
      `<summary>${lower.length} lower-confidence finding${lower.length === 1 ? '' : 's'} (less sure than tiered.review.minConfidence: ${min})</summary>`,
      '',
      ...byFile(lower, '####'),
      '</details>',
      '',
    );
  }
  return out.join('\n');
}

function byFile(list: readonly ReportedFinding[], heading: string): string[] {
  const out: string[] = [];
  const groups = new Map<string, ReportedFinding[]>();
  for (const f of list) groups.set(f.file, [...(groups.get(f.file) ?? []), f]);
  for (const [file, fs] of [...groups].sort(([x], [y]) => x.localeCompare(y))) {
    out.push(`${heading} ${inlineText(file)}`, '');
    const sorted = [...fs].sort(
      (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.startLine - b.startLine,
    );
    for (const f of sorted) out.push(...finding(f), '');
  }
  return out;
}

function finding(f: ReportedFinding): string[] {
  const lines = f.startLine === f.endLine ? `line ${f.startLine}` : `lines ${f.startLine}-${f.endLine}`;
  const confidence = f.confidence ? `${f.confidence} confidence` : 'confidence not given';
  const out = [
    `- **${f.severity}** · ${f.category} · ${confidence} · ${lines}: **${inlineText(f.title)}**`,
    '',
    `  ${proseBlock(f.explanation, '  ')}`,
  ];
  if (f.replacement !== undefined) {
    const fc = fenceFor(f.replacement);
    out.push(
      '',
      '  Suggested replacement (quick fix available):',
      '',
      `  ${fc}`,
      ...f.replacement.split('\n').map((l) => `  ${l}`),
      `  ${fc}`,
    );
  }
  return out;
}
