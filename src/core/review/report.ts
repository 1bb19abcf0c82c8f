// The outcome of one review as the editor shows it: findings resolved to the reviewed files,
// what each stage cost, and the Markdown report opened beside the editor.
import { formatUsd, moneyTable, sumUsd } from '../money/format';
import type { ReviewKind } from './input';
import { attemptCost, type ReviewError } from './failure';
import type { Finding } from './findings';

export { formatUsd }; // the one money formatter (src/core/money/format.ts), for the review's callers

export interface StageRecord {
  stage: 'triage' | 'extract' | 'review' | 'repair';
  tier: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  latencyMs: number;
  /** Set for a billed call that failed (a cut stream, an answer rejected after its repair). */
  outcome?: 'error' | 'cancelled';
  reason?: string;
}

export interface ReportedFinding extends Finding {
  /** The reviewed file's editor id (URI string); undefined when the model named an unknown file. */
  uri?: string;
}

export interface ReviewReport {
  /** The cache key: the same content, models and prompt give the same id. */
  key: string;
  kind: ReviewKind;
  title: string;
  startedAt: string;
  elapsedMs: number;
  /** Model id and tier of the stage that wrote the findings. */
  model: string;
  tier: string;
  summary: string;
  findings: ReportedFinding[];
  files: Array<{ path: string; uri: string }>;
  excluded: string[];
  skipped?: string[];
  stages: StageRecord[];
  totals: { inputTokens: number; outputTokens: number; reasoningTokens: number; costUsd: number };
  /** Why the review ran the way it did (plan, auto depth). */
  decisions: string[];
  /** Set when this report came from the cache (no call, no cost). */
  fromCache?: { storedAt: string };
  /** Set when the review failed: this report is the attempt (its stages and cost), without findings. */
  error?: ReviewError;
}

export function sumStages(stages: StageRecord[]): ReviewReport['totals'] {
  const tokens = stages.reduce(
    (t, s) => ({
      inputTokens: t.inputTokens + s.inputTokens,
      outputTokens: t.outputTokens + s.outputTokens,
      reasoningTokens: t.reasoningTokens + s.reasoningTokens,
    }),
    { inputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  );
  // Summed in nano-dollars: the total is exactly the stages' amounts, without float noise.
  return { ...tokens, costUsd: sumUsd(stages.map((s) => s.costUsd)) };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2, hint: 3 } as const;

function fence(code: string): string {
  const longest = Math.max(2, ...Array.from(code.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** The report as Markdown: header figures, then findings grouped by file, most severe first. */
export function formatReportMarkdown(r: ReviewReport): string {
  const out: string[] = [];
  out.push(`# Tiered review: ${r.title}`, '');
  // The stage rows are apportioned to the total, so the table adds up to the cost in the header.
  const cost = moneyTable(
    r.stages.map((s) => s.costUsd),
    r.totals.costUsd,
  );
  const cached = r.fromCache ? ` — **cached result** from ${r.fromCache.storedAt} (no call, ${formatUsd(0)} now)` : '';
  out.push(
    `**Model** ${r.model} (${r.tier}) · **Tokens** ${r.totals.inputTokens} in / ${r.totals.outputTokens} out` +
      (r.totals.reasoningTokens ? ` (${r.totals.reasoningTokens} reasoning)` : '') +
      ` · **Cost** ${cost.total} · **Time** ${(r.elapsedMs / 1000).toFixed(1)} s${cached}`,
    '',
  );
  if (r.stages.length > 1 || r.stages.some((s) => s.outcome)) {
    out.push('| Stage | Tier | Model | In | Out | Cost | Time |', '|---|---|---|---:|---:|---:|---:|');
    r.stages.forEach((s, i) => {
      out.push(
        `| ${s.stage}${s.outcome ? ` (${s.outcome === 'error' ? 'failed' : 'cancelled'})` : ''} | ${s.tier} | ${s.model} | ${s.inputTokens} | ${s.outputTokens} | ${cost.rows[i]} | ${(s.latencyMs / 1000).toFixed(1)} s |`,
      );
    });
    out.push('');
  }
  for (const d of r.decisions) out.push(`- ${d}`);
  if (r.decisions.length) out.push('');
  if (r.excluded.length) {
    out.push(
      `> **Not sent** (match \`tiered.exclude\`): ${r.excluded.map((p) => `\`${p}\``).join(', ')}. Their changes were not reviewed.`,
      '',
    );
  }
  if (r.skipped?.length) out.push(`> **Not reviewed**: ${r.skipped.join(', ')}.`, '');
  if (r.error) {
    out.push(
      `> **This review ${r.error.reason === 'cancelled' ? 'was cancelled' : 'failed'}**: ${r.error.what}. It cost ${attemptCost(r)}.`,
      '',
      `Detail: ${r.error.message}`,
      '',
    );
    return out.join('\n');
  }
  if (r.summary) out.push('## Summary', '', r.summary, '');
  out.push(`## Findings (${r.findings.length})`, '');
  if (r.findings.length === 0) out.push('No problems found.', '');
  const byFile = new Map<string, ReportedFinding[]>();
  for (const f of r.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, list] of [...byFile].sort(([x], [y]) => x.localeCompare(y))) {
    out.push(`### ${file}`, '');
    list.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.startLine - b.startLine);
    for (const f of list) {
      const lines = f.startLine === f.endLine ? `line ${f.startLine}` : `lines ${f.startLine}-${f.endLine}`;
      out.push(
        `- **${f.severity}** · ${f.category}${f.confidence ? ` · ${f.confidence} confidence` : ''} · ${lines}: **${f.title}**`,
        '',
        `  ${f.explanation.replace(/\n/g, '\n  ')}`,
      );
      if (f.replacement !== undefined) {
        const fc = fence(f.replacement);
        out.push(
          '',
          '  Suggested replacement (quick fix available):',
          '',
          `  ${fc}`,
          ...f.replacement.split('\n').map((l) => `  ${l}`),
          `  ${fc}`,
        );
      }
      out.push('');
    }
  }
  return out.join('\n');
}
