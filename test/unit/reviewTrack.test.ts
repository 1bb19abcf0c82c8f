import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyLineEdit, countLineBreaks, replacementText } from '../../src/core/review/track';
import { formatUsd, type ReviewReport } from '../../src/core/review/report';
import { formatReportMarkdown } from '../../src/core/review/reportMarkdown';

const spans = [
  { id: 'above', startLine: 2, endLine: 3 },
  { id: 'touched', startLine: 10, endLine: 12 },
  { id: 'below', startLine: 20, endLine: 20 },
];

describe('findings follow edits', () => {
  test('inserting lines above shifts what is below and keeps what is above', () => {
    const { kept, dropped } = applyLineEdit(spans, { startLine: 5, endLine: 5, insertedLineBreaks: 2 });
    assert.deepEqual(
      kept.map((s) => [s.id, s.startLine, s.endLine]),
      [
        ['above', 2, 3],
        ['touched', 12, 14],
        ['below', 22, 22],
      ],
    );
    assert.equal(dropped.length, 0);
  });

  test('deleting lines shifts up; an edit inside a finding drops it as stale', () => {
    const { kept, dropped } = applyLineEdit(spans, { startLine: 11, endLine: 15, insertedLineBreaks: 0 });
    assert.deepEqual(
      kept.map((s) => [s.id, s.startLine]),
      [
        ['above', 2],
        ['below', 16],
      ],
    );
    assert.deepEqual(
      dropped.map((s) => s.id),
      ['touched'],
    );
  });

  test('line breaks are counted for \\n, \\r\\n and \\r', () => {
    assert.equal(countLineBreaks('a\nb\r\nc\rd'), 3);
    assert.equal(countLineBreaks(''), 0);
  });

  test('replacement text takes the file line ending and drops one trailing newline', () => {
    assert.equal(replacementText('a\nb\n', '\r\n'), 'a\r\nb');
    assert.equal(replacementText('a\r\nb', '\n'), 'a\nb');
  });
});

describe('report markdown', () => {
  const report: ReviewReport = {
    key: 'k',
    kind: 'changes',
    title: '2 changed files',
    startedAt: '2026-11-23T00:00:00.000Z',
    elapsedMs: 4200,
    model: 'pro',
    tier: 'pro',
    summary: 'Looks mostly fine.',
    findings: [
      {
        file: 'b.ts',
        startLine: 9,
        endLine: 9,
        severity: 'hint',
        category: 'style',
        title: 'Naming',
        explanation: 'e',
      },
      {
        file: 'a.ts',
        startLine: 5,
        endLine: 6,
        severity: 'warning',
        category: 'bug',
        title: 'Later',
        explanation: 'e',
      },
      {
        file: 'a.ts',
        startLine: 1,
        endLine: 1,
        severity: 'error',
        category: 'security',
        title: 'First',
        explanation: 'e',
        replacement: 'x ``` y',
      },
    ],
    files: [],
    excluded: ['.env'],
    stages: [
      {
        stage: 'extract',
        tier: 'lite',
        model: 'flash-lite',
        inputTokens: 100,
        outputTokens: 10,
        reasoningTokens: 0,
        costUsd: 0.0001,
        latencyMs: 1000,
      },
      {
        stage: 'review',
        tier: 'pro',
        model: 'pro',
        inputTokens: 50,
        outputTokens: 20,
        reasoningTokens: 5,
        costUsd: 0.02,
        latencyMs: 3000,
      },
    ],
    totals: { inputTokens: 150, outputTokens: 30, reasoningTokens: 5, costUsd: 0.0201 },
    decisions: ['one pro review'],
  };

  test('shows model, tokens, cost, time, stages, exclusions and findings grouped by file, worst first', () => {
    const md = formatReportMarkdown(report);
    assert.match(md, /\*\*Model\*\* pro \(pro\)/);
    assert.match(md, /150 in \/ 30 out \(5 reasoning\)/);
    // The stage rows add up to the cost in the header: $0.0001 + $0.02 = $0.0201.
    assert.match(md, /\*\*Cost\*\* \$0\.0201 /);
    assert.match(md, /\| extract \| lite \| flash-lite \| 100 \| 10 \| \$0\.0001 \|/);
    assert.match(md, /\| review \| pro \| pro \| 50 \| 20 \| \$0\.02 \|/);
    assert.match(md, /4\.2 s/);
    assert.match(md, /\| extract \| lite \| flash-lite \|/);
    assert.match(md, /Not sent.*`\.env`/);
    const a = md.indexOf('### a.ts');
    const b = md.indexOf('### b.ts');
    assert.ok(a > 0 && b > a, 'grouped by file, files sorted by path');
    assert.ok(md.indexOf('First') < md.indexOf('Later'), 'error before warning within a file');
    assert.match(md, /````\n {2}x ``` y\n {2}````/, 'fence longer than any backtick run in the code');
  });

  test('dollar amounts: one $0.0001 unit (whole cents as cents), unknown as $?', () => {
    assert.deepEqual([0, 0.00012, 0.0201, 0.5, 50, Number.NaN].map(formatUsd), [
      '$0.00',
      '$0.0001',
      '$0.0201',
      '$0.50',
      '$50.00',
      '$?',
    ]);
  });

  test('a cached report says so and that it cost nothing now', () => {
    const md = formatReportMarkdown({ ...report, fromCache: { storedAt: '2026-11-22T10:00:00.000Z' } });
    assert.match(md, /cached result.*no call, \$0\.00 now/);
  });
});
