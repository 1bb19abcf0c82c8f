// The report as Markdown (what "Copy Review as Markdown" puts on the clipboard for a pull request):
// it holds what the rendered page shows (figures, confidence, lower-confidence findings collapsed,
// exclusions), and nothing a model writes can break out of its place. The output is rendered with
// markdown-it (CommonMark, raw HTML allowed as on GitHub; the parser of VS Code's Markdown preview).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import type { ReviewReport } from '../../src/core/review/report';
import { formatReportMarkdown } from '../../src/core/review/reportMarkdown';
import { codeSpan, inlineText, proseBlock } from '../../src/core/review/reportMarkdownText';
import { reportedFinding, reviewReport, stageRecord } from '../support/reviewReport';

type Renderer = { render(src: string): string };
const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: { html: boolean }) => Renderer;
const render = (md: string) => new MarkdownIt({ html: true }).render(md);
const countOf = (html: string, re: RegExp) => (html.match(re) ?? []).length;

const stage = stageRecord;
const f = reportedFinding;
const report = (over: Partial<ReviewReport> = {}): ReviewReport => reviewReport(over);

describe('review report as Markdown', () => {
  test('the header has model, tier, tokens, cost, time and when, as the rendered page', () => {
    const md = formatReportMarkdown(report());
    assert.match(
      md,
      /\*\*Model\*\* pro-model \(pro\) · \*\*Tokens\*\* 1200 in \/ 300 out \(100 reasoning\) · \*\*Cost\*\* \$0\.0042 · \*\*Time\*\* 2\.5 s · \*\*When\*\* 2026-11-30 04:05 UTC/,
    );
  });

  test('each finding says its confidence, or that none was given', () => {
    const md = formatReportMarkdown(
      report({ findings: [f({ confidence: 'medium' }), f({ confidence: undefined, startLine: 9, endLine: 9 })] }),
    );
    assert.match(md, /\*\*warning\*\* · bug · medium confidence · line 3: \*\*Off by one\*\*/);
    assert.match(md, /· confidence not given · line 9:/);
  });

  test('lower-confidence findings go in one collapsed <details> section, as the page collapses them', () => {
    const r = report({
      findings: [f({ title: 'Sure one' }), f({ title: 'Unsure one', confidence: 'low', file: 'src/b.ts' })],
    });
    const html = render(formatReportMarkdown(r, { minConfidence: 'medium' }));
    const open = html.indexOf('<details>');
    const close = html.indexOf('</details>');
    assert.ok(open > 0 && close > open, html);
    const inside = html.slice(open, close);
    assert.match(
      inside,
      /<summary>1 lower-confidence finding \(less sure than tiered\.review\.minConfidence: medium\)<\/summary>/,
    );
    assert.match(inside, /<h4>src\/b\.ts<\/h4>/, 'the Markdown inside the section is rendered');
    assert.match(inside, /Unsure one/);
    assert.doesNotMatch(inside, /Sure one/);
    assert.match(html.slice(0, open), /<h3>src\/a\.ts<\/h3>[\s\S]*Sure one/);
    assert.match(html, /<h2>Findings \(2\)<\/h2>/, 'the count is of all findings');
    // Without a threshold (the old callers), nothing is collapsed.
    assert.doesNotMatch(formatReportMarkdown(r), /<details>/);
  });

  test('when every finding is below the threshold, the report says so before the section', () => {
    const md = formatReportMarkdown(report({ findings: [f({ confidence: 'low' })] }), { minConfidence: 'high' });
    assert.match(md, /None the model is sure enough of to show by default\.\n\n<details>/);
  });

  test('exclusions are listed as code, even a path holding a backtick', () => {
    const html = render(formatReportMarkdown(report({ excluded: ['.env', 'odd`name.ts'] })));
    assert.match(html, /<strong>Not sent<\/strong>.*<code>\.env<\/code>, <code>odd`name\.ts<\/code>/);
  });

  test('a hostile finding stays inside its list item: no tag, link, heading, fence, quote or list of its own', () => {
    const hostile = f({
      confidence: 'low',
      title: 'Uses ```eval``` </details> <img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold',
      explanation: [
        'First line with `a <b>` code.',
        '```',
        '# Not a heading',
        '</details>',
        '<script>alert(1)</script>',
        '- not a list',
        '1. not a list',
        '> not a quote',
        '---',
        '| a | b |',
        '|---|---|',
        '![img](http://x/y.png) &lt;b&gt;',
      ].join('\n'),
    });
    const r = report({
      summary: '## Not a heading\n</details>',
      findings: [f({}), hostile],
      stages: [stage({ model: 'pipe|model' }), stage({ stage: 'repair', model: 'm`x' })],
    });
    const html = render(formatReportMarkdown(r, { minConfidence: 'medium' }));
    assert.equal(countOf(html, /<details>/g), 1, html);
    assert.equal(countOf(html, /<\/details>/g), 1, html);
    assert.ok(html.indexOf('Not a heading') < html.indexOf('<details>'), 'the summary did not close the section');
    assert.ok(html.lastIndexOf('not a quote') < html.indexOf('</details>'), 'the explanation stays inside the section');
    for (const tag of ['<img', '<script', '<a ', '<pre', '<blockquote', '<ol', '<hr', '<b>', '<em>'])
      assert.ok(!html.includes(tag), `${tag} in:\n${html}`);
    assert.equal(countOf(html, /<h1>/g), 1, 'only the title');
    assert.equal(countOf(html, /<h2>/g), 2, 'only Summary and Findings');
    assert.equal(countOf(html, /<table>/g), 1, 'only the calls table');
    assert.equal(countOf(html, /<ul>/g), 2, 'one findings list per section, none from the text');
    assert.match(html, /<td>pipe\|model<\/td>/, 'a pipe in a model name stays in its cell');
    assert.match(html, /<td>m`x<\/td>/);
    // The text itself is all still there, as text.
    assert.match(
      html,
      /<strong>Uses ```eval``` &lt;\/details&gt; &lt;img src=x onerror=alert\(1\)&gt; \[click\]\(javascript:alert\(1\)\) \*\*bold<\/strong>/,
    );
    assert.match(html, /<code>a &lt;b&gt;<\/code>/, 'code spans stay code');
    assert.match(html, /&amp;lt;b&amp;gt;/, 'an entity is shown as written, not decoded');
  });

  test('a replacement is fenced longer than any backtick run in it', () => {
    const html = render(formatReportMarkdown(report({ findings: [f({ replacement: 'x ``` y\n</details>' })] })));
    assert.match(html, /<pre><code>x ``` y\n&lt;\/details&gt;\n<\/code><\/pre>/);
  });
});

describe('Markdown text helpers', () => {
  test('inline text: one line, punctuation that opens markup escaped, words with _ left alone', () => {
    assert.equal(inlineText('a *b*\n  [c] <d> snake_case _x_'), 'a \\*b\\* \\[c\\] \\<d\\> snake_case \\_x\\_');
    assert.equal(inlineText('call `f(*x)` now'), 'call `f(*x)` now');
    assert.equal(inlineText('a `b` |', { code: false }), 'a \\`b\\` \\|');
  });

  test('prose: line starts that would open a block are escaped; later lines are indented', () => {
    assert.equal(proseBlock('a\n# h\n2. x\n\n- y', '  '), 'a\n  \\# h\n  2\\. x\n\n  \\- y');
  });

  test('code span: a longer backtick run, padded when the text touches a backtick', () => {
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`a'), '`` `a ``');
  });
});
