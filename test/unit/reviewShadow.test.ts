// Shadow sampling of deep reviews through the real call path, ledger and OpenAI adapter against the
// local model server, wired as the review command wires it: a review that auto depth sent to lite
// hands its review request to the sampler, which re-runs it on pro under the `shadow` command; a
// review that ran on pro hands nothing over and nothing extra is sent.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localDay } from '../../src/core/day';
import { readRange } from '../../src/core/ledger';
import { runReview, type LiteReview } from '../../src/core/review/engine';
import type { ReviewInput } from '../../src/core/review/input';
import { ShadowSampler, type AgreementSample, type ShadowOutcome } from '../../src/core/shadow';
import { silentLogger, systemClock } from '../../src/core/types';
import type { ScriptRequest } from '../server/modelServer';
import { startLocalCallPath, type LocalCallPath } from '../support/localCallPath';

const FINDING = {
  file: 'src/a.ts',
  startLine: 2,
  endLine: 2,
  severity: 'warning',
  category: 'bug',
  title: 'Off by one',
  explanation: 'The loop reads one element past the end.',
};

/** The JSON schema name the request asks for ('triage', 'review_findings', …). */
function schemaName(req: { body: unknown }): string | undefined {
  const format = (req.body as { response_format?: { json_schema?: { name?: string } } }).response_format;
  return format?.json_schema?.name;
}

describe('shadow sampling of deep reviews', () => {
  let local: LocalCallPath;
  let server: LocalCallPath['server'];
  let dir: string;
  let config: LocalCallPath['config'];
  let calls: LocalCallPath['calls'];
  let budget: LocalCallPath['budget'];
  let complexity: number;

  before(async () => {
    local = await startLocalCallPath('review-shadow', { review: { autoDepth: true } });
    ({ server, dir, config, calls, budget } = local);
    // Triage rates the code with `complexity`; lite finds one bug, pro finds it and one more.
    const answer = (extra: boolean) => (req: ScriptRequest) =>
      schemaName(req) === 'triage'
        ? JSON.stringify({ complexity, reason: 'a small loop' })
        : JSON.stringify({
            summary: 'One loop bound is wrong.',
            findings: extra
              ? [FINDING, { ...FINDING, startLine: 3, endLine: 3, category: 'style', title: 'Name', severity: 'info' }]
              : [FINDING],
          });
    server.setModelKnobs('gpt-lite', { text: answer(false) });
    server.setModelKnobs('gpt-pro', { text: answer(true) });
  });
  after(() => local.close());
  beforeEach(() => server.clearLog());

  const input: ReviewInput = {
    kind: 'selection',
    title: 'a.ts (selection)',
    files: [
      {
        path: 'src/a.ts',
        uri: 'file:///w/src/a.ts',
        text: 'for (let i = 0; i <= a.length; i++) {\n  use(a[i]);\n}',
        firstLine: 1,
      },
    ],
    excluded: [],
  };

  /** One review, then, as the review command does after showing it, the shadow hook when it fired. */
  async function reviewThenShadow(store: AgreementSample[][]): Promise<{ tier: string; shadow?: ShadowOutcome }> {
    let lite: LiteReview | undefined;
    const report = await runReview(
      { runner: calls, config: () => config, logger: silentLogger, clock: systemClock },
      input,
      {
        onLiteReview: (l) => (lite = l),
      },
    );
    if (!lite) return { tier: report.tier };
    const sampler = new ShadowSampler({
      settings: () => ({ enabled: true, sampleRate: 1, dailyCapUsd: 0.5 }),
      config: () => config,
      runner: calls,
      shadowSpend: async () => {
        const s = await budget.status('shadow');
        return { spentUsd: s.commandSpentUsd ?? 0, softReached: s.softReached };
      },
      loadSamples: () => store[0] ?? [],
      saveSamples: (s) => {
        store[0] = s;
      },
      random: () => 0,
      clock: systemClock,
      logger: silentLogger,
    });
    const { build, tier, model, findings } = lite;
    return { tier: report.tier, shadow: await sampler.maybe('review', { build }, { tier, model, findings }) };
  }

  const records = () => readRange(dir, localDay(), localDay()).records;
  const sentTo = (model: string) =>
    server.requests('openai').filter((r) => (r.body as { model?: string }).model === model);

  test('a review auto depth sent to lite makes one extra call, on pro, billed as shadow', async () => {
    complexity = 1;
    const before = records().length;
    const store: AgreementSample[][] = [];
    const out = await reviewThenShadow(store);
    assert.equal(out.tier, 'lite');
    assert.equal(out.shadow?.status, 'sampled', JSON.stringify(out.shadow));

    const added = records().slice(before);
    assert.deepEqual(
      added.map((r) => [r.command, r.tier]),
      [
        ['review', 'lite'], // triage
        ['review', 'lite'], // the review itself
        ['shadow', 'pro'],
      ],
    );
    assert.ok(added[2]!.costUsd > 0);
    assert.equal(sentTo('gpt-pro').length, 1);
    // The shadow call is the review request itself (same prompt, the findings schema), not the triage.
    const pro = sentTo('gpt-pro')[0]!;
    const liteReview = sentTo('gpt-lite').find((r) => schemaName(r) === 'review_findings');
    assert.ok(liteReview, 'the lite review request asks for findings');
    assert.equal(schemaName(pro), 'review_findings');
    assert.deepEqual((pro.body as { messages: unknown }).messages, (liteReview.body as { messages: unknown }).messages);
    // Lite found 1 of pro's 2 findings: overlap 1 / (1 + 2 − 1).
    assert.equal(store[0]![0]!.score, 0.5);
    assert.equal(store[0]![0]!.kind, 'review');
  });

  test('a review that ran on pro makes no shadow call', async () => {
    complexity = 4;
    const before = records().length;
    const out = await reviewThenShadow([]);
    assert.equal(out.tier, 'pro');
    assert.equal(out.shadow, undefined);
    const added = records().slice(before);
    assert.deepEqual(
      added.map((r) => [r.command, r.tier]),
      [
        ['review', 'lite'], // triage
        ['review', 'pro'],
      ],
    );
    assert.equal(sentTo('gpt-pro').length, 1);
    assert.equal(records().filter((r) => r.command === 'shadow').length, 1, 'only the first test shadowed');
  });
});
