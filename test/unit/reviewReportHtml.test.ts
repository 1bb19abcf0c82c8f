// The rendered report: everything from the model or the workspace is inert text, the header has
// the figures, findings are grouped by file with links the view accepts, lower-confidence findings
// are collapsed, exclusions are explained, and a failed attempt shows its error and cost.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatUsd } from '../../src/core/money/format';
import { reviewError, ReviewJsonError } from '../../src/core/review/failure';
import type { ReportedFinding, ReviewReport, StageRecord } from '../../src/core/review/report';
import { sumStages } from '../../src/core/review/report';
import { A_URI, reportedFinding, reviewReport, stageRecord } from '../support/reviewReport';
import {
  contentSecurityPolicy,
  escapeHtml,
  findingHref,
  reportHtml,
  validLink,
  type ReportHtmlOptions,
} from '../../src/core/review/reportHtml';

const A = A_URI;
const stage = (s: Partial<StageRecord>): StageRecord => stageRecord({ model: 'pro', ...s });
const f = (over: Partial<ReportedFinding>): ReportedFinding => reportedFinding({ endLine: 4, ...over });
function report(over: Partial<ReviewReport> = {}): ReviewReport {
  return reviewReport(over, {
    title: 'a.ts',
    startedAt: '2026-11-30T04:00:00.000Z',
    model: 'pro',
    findings: [f({})],
    stages: [stage({})],
  });
}
const OPTIONS: ReportHtmlOptions = { minConfidence: 'medium', nonce: 'N0nce', openCommand: 'tiered.openReviewFinding' };
const render = (r: ReviewReport, o: Partial<ReportHtmlOptions> = {}) => reportHtml(r, { ...OPTIONS, ...o });
/** The page's text between two markers (for checks that must not see the style block). */
const bodyOf = (html: string) => html.slice(html.indexOf('<body>'));

describe('report HTML: escaping', () => {
  test('a finding whose title, explanation, file and fix carry markup renders inert', () => {
    const evil = '<script>alert(1)</script>';
    const html = render(
      report({
        title: `x${evil}`,
        summary: `s ${evil}`,
        excluded: [`"${evil}`],
        decisions: [evil],
        findings: [
          f({
            title: evil,
            explanation: `e ${evil} \`<img src=x onerror=alert(1)>\``,
            file: `src/${evil}.ts`,
            replacement: `</code></pre>${evil}`,
            uri: `file:///w/"><script>alert(2)</script>`,
          }),
        ],
        files: [{ path: 'src/x.ts', uri: `file:///w/"><script>alert(2)</script>` }],
      }),
    );
    assert.equal(/<script/i.test(html), false, 'no script tag anywhere');
    assert.equal(/<img/i.test(html), false);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    // Backtick code in the explanation becomes <code> with its content still escaped.
    assert.ok(html.includes('<code>&lt;img src=x onerror=alert(1)&gt;</code>'));
    // Every href is a command URI for the one command, its argument URI-encoded.
    for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1]!, /^command:tiered\.openReviewFinding\?%5B/);
  });

  test('escapeHtml covers the five characters that matter in text and attributes', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  test('the CSP allows no script and only the nonced style', () => {
    const html = render(report());
    assert.equal(contentSecurityPolicy('N0nce'), "default-src 'none'; style-src 'nonce-N0nce'");
    assert.ok(html.includes(`content="default-src &#39;none&#39;; style-src &#39;nonce-N0nce&#39;"`));
    assert.ok(html.includes('<style nonce="N0nce">'));
  });
});

describe('report HTML: content', () => {
  test('header: model, tier, tokens in/out/reasoning, cost, time, when (not an ISO stamp)', () => {
    const html = bodyOf(render(report()));
    assert.match(html, /<dt>Model<\/dt><dd>pro <span class="muted">\(pro\)<\/span><\/dd>/);
    assert.match(html, /1,200 in \/ 300 out \(100 reasoning\)/);
    assert.ok(html.includes(`<dt>Cost</dt><dd>${formatUsd(0.0042)}</dd>`));
    assert.match(html, /<dt>Time<\/dt><dd>2\.5 s<\/dd>/);
    assert.match(html, /<dt>When<\/dt><dd>2026-11-30 04:00 UTC<\/dd>/);
    assert.match(render(report(), { formatWhen: () => 'Nov 30' }), /<dd>Nov 30<\/dd>/);
  });

  test('header: Copy / Open as Markdown links run their commands with no argument, only when given', () => {
    const md = { copy: 'tiered.copyReviewMarkdown', open: 'tiered.openReviewMarkdown' };
    const html = bodyOf(render(report(), { markdownCommands: md }));
    const header = html.slice(0, html.indexOf('</header>'));
    assert.match(header, /<a href="command:tiered\.copyReviewMarkdown"[^>]*>Copy as Markdown<\/a>/);
    assert.match(header, /<a href="command:tiered\.openReviewMarkdown"[^>]*>Open as Markdown<\/a>/);
    // A failed attempt can be copied too (its error and cost).
    const failed = bodyOf(render(report({ error: reviewError(new ReviewJsonError('bad')) }), { markdownCommands: md }));
    assert.match(failed, /command:tiered\.copyReviewMarkdown/);
    assert.doesNotMatch(bodyOf(render(report())), /as Markdown/);
  });

  test('findings grouped by file (sorted), most severe first, with a link to each range', () => {
    const html = bodyOf(
      render(
        report({
          findings: [
            f({
              file: 'src/b.ts',
              uri: 'file:///w/src/b.ts',
              title: 'B info',
              severity: 'info',
              startLine: 1,
              endLine: 1,
            }),
            f({ title: 'A warning', startLine: 9, endLine: 9 }),
            f({ title: 'A error', severity: 'error', startLine: 20, endLine: 22 }),
          ],
        }),
      ),
    );
    const order = ['<h3>src/a.ts</h3>', 'A error', 'A warning', '<h3>src/b.ts</h3>', 'B info'].map((t) =>
      html.indexOf(t),
    );
    assert.ok(
      order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
      String(order),
    );
    const href = findingHref('tiered.openReviewFinding', { uri: A, startLine: 20, endLine: 22 });
    assert.ok(html.includes(`href="${escapeHtml(href)}"`));
    assert.ok(html.includes('>lines 20–22</a>'));
    assert.match(
      html,
      /<span class="tag sev">error<\/span><span class="tag">bug<\/span><span class="tag confidence-high">high confidence<\/span>/,
    );
  });

  test('lower-confidence findings are collapsed behind "Show N lower-confidence findings"', () => {
    const html = bodyOf(
      render(
        report({
          findings: [
            f({ title: 'Sure' }),
            f({ title: 'Maybe', confidence: 'low' }),
            f({ title: 'Perhaps', confidence: 'low' }),
          ],
        }),
      ),
    );
    const details = html.indexOf('<details class="lower"><summary>Show 2 lower-confidence findings</summary>');
    assert.ok(details > 0);
    assert.ok(html.indexOf('Sure') < details && html.indexOf('Maybe') > details && html.indexOf('Perhaps') > details);
    assert.match(html, /Findings \(3\)/);
    // With minConfidence low nothing is collapsed.
    assert.equal(
      render(report({ findings: [f({ confidence: 'low' })] }), { minConfidence: 'low' }).includes(
        '<details class="lower"',
      ),
      false,
    );
  });

  test('what was not sent and why; cached results say they cost nothing now', () => {
    const html = bodyOf(
      render(
        report({
          excluded: ['.env', 'secrets/k.pem'],
          skipped: ['big.bin (binary)'],
          fromCache: { storedAt: '2026-11-29T10:00:00.000Z' },
        }),
      ),
    );
    assert.match(
      html,
      /<strong>Not sent<\/strong> \(they match <code>tiered\.exclude<\/code>.*<code>\.env<\/code>, <code>secrets\/k\.pem<\/code>/,
    );
    assert.match(html, /<strong>Not reviewed<\/strong>: big\.bin \(binary\)/);
    assert.match(html, /Cached result from 2026-11-29 10:00 UTC: nothing was sent now/);
  });

  test('a failed attempt: the error in plain words, what it cost, the failed call, no findings section', () => {
    const stages = [
      stage({}),
      stage({ stage: 'repair', outcome: 'error', reason: 'rejected: invalid review JSON', costUsd: 0.003 }),
    ];
    const html = bodyOf(
      render(
        report({
          stages,
          totals: sumStages(stages),
          findings: [],
          summary: '',
          error: reviewError(
            new ReviewJsonError('The pro model (pro) did not return valid review JSON, even after one repair attempt.'),
          ),
        }),
      ),
    );
    assert.match(html, /<span class="badge failed">failed<\/span>/);
    assert.match(
      html,
      /<h2>This review failed<\/h2>\n<p>The model&#39;s answer was not valid review JSON, even after one repair\.<\/p>/,
    );
    assert.ok(html.includes(`It cost ${formatUsd(0.0072)} over 2 calls.`));
    assert.match(
      html,
      /<tr class="failed"><td>repair<\/td>.*<td title="rejected: invalid review JSON">failed<\/td><\/tr>/,
    );
    assert.equal(html.includes('Findings ('), false);
  });
});

test('a cancelled attempt says cancelled, not failed', () => {
  const html = reportHtml(
    {
      ...report({ findings: [], summary: '', stages: [], totals: sumStages([]) }),
      error: {
        reason: 'cancelled',
        what: 'it was cancelled',
        message: 'Deep review cancelled before sending: nothing was spent.',
      },
    },
    OPTIONS,
  );
  assert.match(html, /<span class="badge failed">cancelled<\/span>/);
  assert.match(
    html,
    /<h2>This review was cancelled<\/h2>\n<p>It was cancelled\.<\/p>\n<p>It cost nothing \(no call was billed\)\./,
  );
});

describe('validLink (the report link command argument)', () => {
  const known = new Set([A]);
  test('accepts a known file at whole lines, as VS Code passes it or wrapped in its array', () => {
    assert.deepEqual(validLink({ uri: A, startLine: 3, endLine: 4 }, known), { uri: A, startLine: 3, endLine: 4 });
    assert.deepEqual(validLink([{ uri: A, startLine: 3, endLine: 3 }], known), { uri: A, startLine: 3, endLine: 3 });
  });
  test('refuses other files, odd lines and junk', () => {
    for (const bad of [
      { uri: 'file:///etc/passwd', startLine: 1, endLine: 1 },
      { uri: A, startLine: 0, endLine: 1 },
      { uri: A, startLine: 2.5, endLine: 3 },
      { uri: A, startLine: 5, endLine: 4 },
      { uri: A, startLine: '1', endLine: 1 },
      null,
      'file:///w/src/a.ts',
      [],
    ])
      assert.equal(validLink(bad, known), undefined, JSON.stringify(bad));
  });
});
