// The Check Setup report as Markdown (shown in VS Code's Markdown preview): a summary table, then
// per model what was checked and each problem with its fix. Never holds a key: rows carry model
// names, base URLs (which the settings check keeps free of credentials) and provider messages
// (redacted by the caller).
import { formatUsd } from '../money/format';
import { summaryLine, type SetupRow, type Verdict } from './outcome';

export interface ReportMeta {
  /** When the check ran (ISO time). */
  at: string;
  /** What the requests cost in total (USD), as the ledger has it. */
  spentUsd: number;
  /** Models of the table that no tier lists (not checked). */
  unused: string[];
}

const MARK: Record<Verdict, string> = { yes: '✅ yes', no: '❌ no', unknown: '—' };

/** Markdown table cells hold no pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function status(row: SetupRow): string {
  if (row.ready) return '✅ ready';
  return row.notSent ? '⚠️ not sent' : '❌ problem';
}

export function reportMarkdown(rows: SetupRow[], meta: ReportMeta): string {
  const lines: string[] = [
    '# Tiered: Check Setup',
    '',
    `**${summaryLine(rows)}** · ${meta.at} · these requests cost ${formatUsd(meta.spentUsd)} (in the ledger as command \`setup\`).`,
    '',
    '| Model | Status | Reachable | Key accepted | Parameters accepted | Time to first token | Price |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${cell(`**${r.modelId}** (${r.model}, ${r.tier})`)} | ${status(r)} | ${MARK[r.reachable]} | ${MARK[r.keyAccepted]} | ${MARK[r.paramsAccepted]} | ${cell(r.ttft)} | ${cell(r.price)} |`,
    );
  }
  for (const r of rows) {
    lines.push('', `## ${r.modelId}: ${status(r)}`, '');
    lines.push(`- Model: \`${r.model}\` on provider \`${r.provider}\`, tier \`${r.tier}\``);
    lines.push(`- Reasoning control sent: ${r.reasoning}`);
    lines.push(`- Time to first token: ${r.ttft}`);
    lines.push(`- Usage: ${r.usage}`);
    lines.push(`- Price source: ${r.price}`);
    lines.push(`- FIM dialect: ${r.fim}`);
    for (const n of r.notes) lines.push(`- Note: ${n}`);
    if (r.problems.length) {
      lines.push('', '**Problems**', '');
      for (const p of r.problems) lines.push(`- ${p.what}.`, `  **Fix:** ${p.fix}`);
    }
  }
  if (meta.unused.length) {
    lines.push(
      '',
      `Not checked: ${meta.unused.map((id) => `\`${id}\``).join(', ')} (in \`tiered.models\` but in no tier of \`tiered.tiers\`, so nothing calls them).`,
    );
  }
  lines.push('', 'Run **Tiered: Check Setup** again after changing a setting or a key.', '');
  return lines.join('\n');
}
