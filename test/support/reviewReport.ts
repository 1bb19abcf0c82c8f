// A review report and its parts for the report renderers' tests (HTML page and Markdown): one
// finding in src/a.ts and one review stage, each field overridable.
import type { ReportedFinding, ReviewReport, StageRecord } from '../../src/core/review/report';
import { sumStages } from '../../src/core/review/report';

export const A_URI = 'file:///w/src/a.ts';

export const stageRecord = (s: Partial<StageRecord> = {}): StageRecord => ({
  stage: 'review',
  tier: 'pro',
  model: 'pro-model',
  inputTokens: 1200,
  outputTokens: 300,
  reasoningTokens: 100,
  costUsd: 0.0042,
  latencyMs: 2500,
  ...s,
});

export const reportedFinding = (over: Partial<ReportedFinding> = {}): ReportedFinding => ({
  file: 'src/a.ts',
  uri: A_URI,
  startLine: 3,
  endLine: 3,
  severity: 'warning',
  category: 'bug',
  confidence: 'high',
  title: 'Off by one',
  explanation: 'Reads `a[i]` past the end.',
  ...over,
});

/** A file review of src/a.ts with one finding; `stages` (default one) make the totals. */
export function reviewReport(over: Partial<ReviewReport> = {}, defaults: Partial<ReviewReport> = {}): ReviewReport {
  const stages = over.stages ?? defaults.stages ?? [stageRecord()];
  return {
    key: 'k',
    kind: 'file',
    title: 'src/a.ts',
    startedAt: '2026-11-30T04:05:00.000Z',
    elapsedMs: 2500,
    model: 'pro-model',
    tier: 'pro',
    summary: 'One bug.',
    findings: [reportedFinding()],
    files: [{ path: 'src/a.ts', uri: A_URI }],
    excluded: [],
    stages,
    totals: sumStages(stages),
    decisions: [],
    ...defaults,
    ...over,
  };
}
