// The one money formatter (src/core/money/format.ts): the same amount prints the same on every
// surface, shown rows add up to the shown total, and CSV carries exact decimal strings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { breakdownRows, DaySpend } from '../../src/core/money/daySpend';
import { exactUsd, formatUsd, moneyTable, sumUsd, toUnits } from '../../src/core/money/format';
import { describeKeyInfo, keyBudgetNote } from '../../src/core/litellm';
import { describeDelta } from '../../src/core/optimizer';
import { formatUsd as reviewUsd, sumStages, type ReviewReport } from '../../src/core/review/report';
import { formatReportMarkdown } from '../../src/core/review/reportMarkdown';
import { aggregateByDay, summarize } from '../../src/core/spend/aggregate';
import { CSV_COLUMNS, csvLine, toCsv } from '../../src/core/spend/csv';
import { money as panelMoney } from '../../src/webview/format';
import { shownDays } from '../../src/webview/sections';
import { logNormal, rng } from '../support/random';
import { record } from '../ui/fixture';

/** A shown figure back in $0.0001 units ("<$0.0001" is below one unit: 0). */
function units(shown: string): number {
  if (shown === '<$0.0001') return 0;
  const m = /^(−?)\$([\d,]+)\.(\d{2}|\d{4})$/.exec(shown);
  assert.ok(m, `not a shown amount: ${shown}`);
  const frac = m[3]!.padEnd(4, '0');
  return (m[1] ? -1 : 1) * (Number(m[2]!.replace(/,/g, '')) * 10_000 + Number(frac));
}

const column = (line: string, name: (typeof CSV_COLUMNS)[number]) => line.split(',')[CSV_COLUMNS.indexOf(name)];

function report(stageCosts: number[]): ReviewReport {
  const stages = stageCosts.map((costUsd, i) => ({
    stage: i === stageCosts.length - 1 ? ('review' as const) : ('extract' as const),
    tier: 'pro',
    model: 'pro',
    inputTokens: 10,
    outputTokens: 5,
    reasoningTokens: 0,
    costUsd,
    latencyMs: 100,
  }));
  return {
    key: 'k',
    kind: 'file',
    title: 't',
    startedAt: '2026-11-23T10:00:00.000Z',
    elapsedMs: 100,
    model: 'pro',
    tier: 'pro',
    summary: '',
    findings: [],
    files: [],
    excluded: [],
    stages,
    totals: sumStages(stages),
    decisions: [],
  };
}

/** The Cost in the header and the Cost column of the stage table. */
function reportFigures(md: string): { total: string; rows: string[] } {
  const total = /\*\*Cost\*\* (\S+) /.exec(md)![1]!;
  const rows = [...md.matchAll(/^\| (?:extract|review) \|(?:[^|]*\|){4} (\S+) \|/gm)].map((m) => m[1]!);
  return { total, rows };
}

describe('money formatter', () => {
  test('one $0.0001 unit, half away from zero; whole cents as cents; below the unit "<$0.0001"', () => {
    const cases: Array<[number, string]> = [
      [0, '$0.00'],
      [0.003, '$0.0030'],
      [0.00018, '$0.0002'],
      [0.000149999, '$0.0001'],
      [0.00015, '$0.0002'],
      [0.00004, '<$0.0001'],
      [0.0151, '$0.0151'],
      [0.01, '$0.01'],
      [0.5, '$0.50'],
      [0.907, '$0.9070'],
      [5, '$5.00'],
      [1234.5, '$1,234.50'],
      [1_234_567.891, '$1,234,567.8910'],
      [-0.16, '−$0.16'],
      [0.1 + 0.2, '$0.30'],
      [Number.NaN, '$?'],
      [Number.POSITIVE_INFINITY, '$?'],
    ];
    for (const [usd, shown] of cases) assert.equal(formatUsd(usd), shown, String(usd));
  });

  test('the same amount prints the same in every surface’s helper', () => {
    for (const x of [0.003, 0.000184, 0.00018, 0.0151, 0.01, 0.00004, 12.7, 1234.5678]) {
      const shown = formatUsd(x);
      assert.equal(panelMoney(x), shown, `panel ${x}`);
      assert.equal(reviewUsd(x), shown, `review ${x}`);
      assert.equal(reportFigures(formatReportMarkdown(report([x]))).total, shown, `review report ${x}`);
      assert.equal(keyBudgetNote({ spendUsd: x, maxBudgetUsd: null, remainingUsd: null }), `${shown} spent`);
      assert.match(
        describeKeyInfo({
          ok: true,
          providerId: 'p',
          fetchedAt: 0,
          budget: { spendUsd: x, maxBudgetUsd: null, remainingUsd: null },
        }),
        new RegExp(`: ${shown.replace(/[$.]/g, '\\$&')} spent`),
      );
      assert.equal(describeDelta({ expectedDeltaUsd: -x, currentUsd: 0 }), `saves ${shown}`, `optimizer ${x}`);
      // Status bar: today's sum and its tooltip row, from the ledger records.
      const day = new DaySpend();
      day.add('2026-11-23', [record({ costUsd: x })]);
      assert.equal(formatUsd(day.shown.spentUsd), shown, `status bar ${x}`);
      assert.equal(breakdownRows(day.shown.byCommand, day.shown.spentUsd)[0]!.shown, shown, `tooltip ${x}`);
      // Panel day chart and tables.
      assert.equal(shownDays([{ day: '2026-11-23', usd: x, calls: 1, byTier: { lite: x } }], x)[0]!.shown, shown);
      assert.equal(moneyTable([x]).rows[0], shown);
      // CSV: the exact figure, which reads back as the same shown amount.
      const csv = column(csvLine(record({ costUsd: x })), 'costUsd')!;
      assert.equal(formatUsd(Number(csv)), shown, `csv ${csv}`);
    }
  });

  test('rows add up to the shown total for random sets of amounts (seeded)', () => {
    const next = rng(20261123);
    for (let round = 0; round < 2000; round++) {
      const n = 1 + Math.floor(next() * 12);
      const median = 10 ** (-6 + next() * 7); // $0.000001 … $10
      const rows = Array.from({ length: n }, () => (next() < 0.1 ? 0 : logNormal(next, median, 1.5)));
      const t = moneyTable(rows);
      const sum = t.rows.reduce((a, r) => a + units(r), 0);
      assert.equal(sum, units(t.total), `rows ${t.rows.join(' + ')} ≠ ${t.total} (${rows.join(', ')})`);
      // The total is the exact sum, correctly rounded; each row at most one unit from its own figure.
      assert.equal(t.total, formatUsd(sumUsd(rows)));
      rows.forEach((r, i) => assert.ok(Math.abs(units(t.rows[i]!) - toUnits(r)) <= 1, `${t.rows[i]} vs ${r}`));
    }
  });

  test('status bar, tooltip and panel agree on random ledger days, and their rows add up', () => {
    const next = rng(7);
    const commands = ['complete', 'tone', 'review', 'setup'];
    const models = ['flash-lite', 'flash', 'pro'];
    for (let round = 0; round < 300; round++) {
      const records = Array.from({ length: 1 + Math.floor(next() * 40) }, () =>
        record({
          command: commands[Math.floor(next() * commands.length)]!,
          model: models[Math.floor(next() * models.length)]!,
          tier: next() < 0.5 ? 'lite' : 'pro',
          costUsd: logNormal(next, 10 ** (-5 + next() * 3), 1.2),
        }),
      );
      const day = new DaySpend();
      day.add('2026-11-23', records.slice(0, 5));
      day.add('2026-11-23', records.slice(5)); // polls arrive in pieces
      const headline = formatUsd(day.shown.spentUsd);
      for (const rows of [day.shown.byCommand, day.shown.byModel]) {
        const shown = breakdownRows(rows, day.shown.spentUsd);
        assert.equal(
          shown.reduce((a, r) => a + units(r.shown), 0),
          units(headline),
        );
      }
      const summary = summarize(aggregateByDay(records, { priceAtPro: () => undefined }), {
        from: '2026-11-23',
        to: '2026-11-23',
      });
      assert.equal(panelMoney(summary.usd), headline, 'the panel total is the status bar figure');
      for (const buckets of [summary.byCommand, summary.byModel, summary.tiers]) {
        const t = moneyTable(
          buckets.map((b) => b.usd),
          summary.usd,
        );
        assert.equal(t.total, headline);
        assert.equal(
          t.rows.reduce((a, r) => a + units(r), 0),
          units(headline),
        );
      }
      const days = shownDays(summary.days, summary.usd);
      assert.equal(
        days.reduce((a, d) => a + units(d.shown), 0),
        units(headline),
      );
      for (const d of days)
        assert.equal(
          Object.values(d.shownByTier).reduce((a, s) => a + units(s), 0),
          units(d.shown),
        );
    }
  });

  test('a new day starts the status bar sum from zero', () => {
    const day = new DaySpend();
    day.add('2026-11-22', [record({ costUsd: 0.5 })]);
    day.add('2026-11-23', [record({ costUsd: 0.25 })]);
    assert.equal(formatUsd(day.shown.spentUsd), '$0.25');
    assert.equal(day.shown.calls, 1);
  });
});

describe('measured defects', () => {
  test('the status bar sums the ledger exactly, not each call rounded up to a micro-dollar', () => {
    // $0.000149996 rounded up per call is $0.00015 (→ $0.0002); the ledger and panel say $0.0001.
    const records = [record({ costUsd: 0.000149996 })];
    const day = new DaySpend();
    day.add('2026-11-23', records);
    const panel = summarize(aggregateByDay(records, { priceAtPro: () => undefined }), {
      from: '2026-11-23',
      to: '2026-11-23',
    });
    assert.equal(formatUsd(day.shown.spentUsd), '$0.0001');
    assert.equal(formatUsd(day.shown.spentUsd), panelMoney(panel.usd));
    // Three calls just under 50 micro-dollars: 150 rounded-up micros would read $0.0002.
    day.add('2026-11-23', [record({ costUsd: 0.00004999 }), record({ costUsd: 0.00004999 })]);
    assert.equal(formatUsd(day.shown.spentUsd), '$0.0002'); // 0.000249976
  });

  test('amounts of a cent or more keep four decimals, so a review’s stages add up to its cost', () => {
    const f = reportFigures(formatReportMarkdown(report([0.01, 0.0051])));
    assert.deepEqual(f, { total: '$0.0151', rows: ['$0.01', '$0.0051'] });
  });

  test('a review table whose own roundings disagree still adds up (largest remainder)', () => {
    // 3 × $0.00005 rounds to $0.0001 each ($0.0003) but totals $0.00015 → $0.0002.
    const f = reportFigures(formatReportMarkdown(report([0.00005, 0.00005, 0.00005])));
    assert.equal(f.total, '$0.0002');
    assert.equal(
      f.rows.reduce((a, r) => a + units(r), 0),
      2,
    );
  });

  test('$0.003 reads $0.0030 in the tooltip, the panel and the review alike', () => {
    const day = new DaySpend();
    day.add('2026-11-23', [record({ costUsd: 0.003 })]);
    assert.equal(breakdownRows(day.shown.byModel, day.shown.spentUsd)[0]!.shown, '$0.0030');
    assert.equal(panelMoney(0.003), '$0.0030');
    assert.equal(reviewUsd(0.003), '$0.0030');
  });

  test('CSV writes exact decimal strings, without float noise', () => {
    assert.equal(exactUsd(0.1 + 0.2), '0.3');
    assert.equal(exactUsd(0.000018), '0.000018');
    assert.equal(exactUsd(12), '12');
    assert.equal(exactUsd(-0.5), '-0.5');
    assert.equal(exactUsd(0), '0');
    assert.equal(exactUsd(1e-10), '0');
    assert.equal(exactUsd(Number.NaN), '');
    const line = csvLine(record({ costUsd: 0.1 + 0.2, estimateUsd: 0.7 + 0.1 }));
    assert.equal(column(line, 'costUsd'), '0.3');
    assert.equal(column(line, 'estimateUsd'), '0.8');
    assert.doesNotMatch(toCsv([record({ costUsd: 0.1 + 0.2 })]), /0000000000/);
  });

  test('no other money formatter is left in src (a literal "$" before a toFixed/toPrecision amount)', () => {
    // Files outside this change's area that still format their own amounts (log lines, the budget's
    // refusal text): to switch to src/core/money/format.ts, then drop here.
    const pending = new Set(['src/core/budget.ts', 'src/core/callPath.ts', 'src/core/shadow/sampler.ts']);
    const root = join(__dirname, '..', '..', '..');
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const rel = relative(root, p).split('\\').join('/');
          if (rel.startsWith('src/core/money/') || pending.has(rel)) continue;
          readFileSync(p, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/\$\$\{[^}]*\.(toFixed|toPrecision)\(/.test(line)) found.push(`${rel}:${i + 1}`);
            });
        }
      }
    };
    walk(join(root, 'src'));
    assert.deepEqual(found, []);
  });
});
