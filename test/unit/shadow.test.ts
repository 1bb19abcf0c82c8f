import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addSample,
  editSimilarity,
  findingsOverlap,
  levenshtein,
  parseSamples,
  ShadowSampler,
  summarize,
  wordTokens,
  type AgreementSample,
  type ShadowDeps,
  type ShadowSettings,
} from '../../src/core/shadow';
import { defaultConfig } from '../../src/core/config';
import { resolveModel } from '../../src/core/router';
import type { CallResult, CallSpec, CostEstimate } from '../../src/core/calls';
import { TieredError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/types';

describe('edit similarity', () => {
  test('levenshtein on sequences', () => {
    assert.equal(levenshtein([...'kitten'], [...'sitting']), 3);
    assert.equal(levenshtein([], ['a', 'b']), 2);
    assert.equal(levenshtein(['a'], ['a']), 0);
  });

  test('words, case and whitespace', () => {
    assert.deepEqual(wordTokens('Hello,  World!\n'), ['hello', ',', 'world', '!']);
    assert.equal(editSimilarity('The cat sat.', 'the  cat\nsat.'), 1);
    assert.equal(editSimilarity('', ''), 1);
    assert.equal(editSimilarity('alpha beta', ''), 0);
    // one word of four replaced
    assert.equal(editSimilarity('we will fix it', 'we shall fix it'), 0.75);
    assert.ok(editSimilarity('a b c d e f', 'a b c d e f g') > editSimilarity('a b c', 'x y z'));
  });

  test('a few KB of text works', () => {
    const words = Array.from({ length: 800 }, (_, i) => `w${i % 97}`);
    const a = words.join(' ');
    const b = words.map((w, i) => (i % 10 === 0 ? 'changed' : w)).join(' ');
    assert.ok(a.length > 3000);
    const s = editSimilarity(a, b);
    assert.ok(s >= 0.89 && s <= 0.91, String(s));
  });
});

describe('findings overlap', () => {
  const f = (file: string, startLine: number, endLine: number, category = 'bug') => ({
    file,
    startLine,
    endLine,
    category,
  });

  test('matches by file, overlapping lines and category; Jaccard', () => {
    const lite = [f('src/a.ts', 10, 12), f('src/a.ts', 40, 40, 'style'), f('src/b.ts', 1, 3)];
    const pro = [f('./src/a.ts', 12, 15), f('src/a.ts', 40, 40, 'bug'), f('src/c.ts', 1, 3)];
    // only the first pair matches: 1 / (3 + 3 - 1)
    assert.equal(findingsOverlap(lite, pro), 1 / 5);
    assert.equal(findingsOverlap([], []), 1);
    assert.equal(findingsOverlap([f('a', 1, 1)], []), 0);
    assert.equal(findingsOverlap(lite, lite), 1);
  });

  test('one-to-one: two lite findings cannot both match one pro finding', () => {
    const lite = [f('a', 1, 5), f('a', 3, 8)];
    const pro = [f('a', 4, 4)];
    assert.equal(findingsOverlap(lite, pro), 1 / 2);
  });
});

describe('samples', () => {
  const s = (at: number, kind: 'tone' | 'review', score: number): AgreementSample => ({
    at,
    kind,
    score,
    liteModel: 'flash-lite',
    proModel: 'pro',
    costUsd: 0.001,
  });

  test('summary per kind, since a time', () => {
    const list = [s(1, 'tone', 0.5), s(2, 'tone', 1), s(3, 'review', 0.25), s(4, 'tone', 0.75)];
    assert.deepEqual(summarize(list), {
      tone: { samples: 3, meanSimilarity: 0.75 },
      review: { samples: 1, meanOverlap: 0.25 },
    });
    assert.deepEqual(summarize(list, 3), {
      tone: { samples: 1, meanSimilarity: 0.75 },
      review: { samples: 1, meanOverlap: 0.25 },
    });
    assert.deepEqual(summarize([]), {
      tone: { samples: 0, meanSimilarity: null },
      review: { samples: 0, meanOverlap: null },
    });
  });

  test('kept to a maximum, oldest dropped; malformed entries ignored', () => {
    let list: AgreementSample[] = [];
    for (let i = 0; i < 7; i++) list = addSample(list, s(i, 'tone', 1), 5);
    assert.deepEqual(
      list.map((x) => x.at),
      [2, 3, 4, 5, 6],
    );
    assert.equal(parseSamples([s(1, 'tone', 1), { at: 'x' }, null, 3]).length, 1);
    assert.deepEqual(parseSamples(undefined), []);
  });
});

describe('ShadowSampler', () => {
  const config = defaultConfig();

  function harness(opts: {
    settings?: Partial<ShadowSettings>;
    random?: number;
    spentUsd?: number;
    softReached?: boolean;
    worstCaseUsd?: number;
    proText?: string;
    runError?: Error;
  }) {
    const specs: CallSpec[] = [];
    let stored: AgreementSample[] = [];
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => (release = r));
    let holdRuns = false;
    const deps: ShadowDeps = {
      settings: () => ({ enabled: true, sampleRate: 0.1, dailyCapUsd: 0.5, ...opts.settings }),
      config: () => config,
      runner: {
        estimate: async (): Promise<CostEstimate> => ({
          model: resolveModel(config, 'pro'),
          inputTokens: 100,
          worstCaseUsd: opts.worstCaseUsd ?? 0.02,
          remainingUsd: 5,
          capUsd: 5,
        }),
        run: async (spec): Promise<CallResult> => {
          specs.push(spec);
          if (holdRuns) await gate;
          if (opts.runError) throw opts.runError;
          const model = resolveModel(config, 'pro');
          return {
            text: opts.proText ?? 'we shall fix it',
            model,
            tier: 'pro',
            usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 10, reasoningTokens: 0 },
            costUsd: 0.004,
            latencyMs: 10,
            ttftMs: 5,
            record: undefined as never,
          };
        },
      },
      shadowSpend: async () => ({ spentUsd: opts.spentUsd ?? 0, softReached: opts.softReached ?? false }),
      loadSamples: () => stored,
      saveSamples: (s) => {
        stored = s;
      },
      random: () => opts.random ?? 0.05,
      clock: { now: () => 42 },
      logger: silentLogger,
    };
    return {
      sampler: new ShadowSampler(deps),
      specs,
      stored: () => stored,
      hold: () => (holdRuns = true),
      release: () => release!(),
    };
  }

  const build = () => ({ messages: [{ role: 'user' as const, content: 'fix the tone' }], maxOutputTokens: 200 });
  const toneLite = { tier: 'lite', model: 'flash-lite', text: 'we will fix it' };

  test('a sampled tone fix runs on pro under the shadow command and stores its similarity', async () => {
    const h = harness({});
    const out = await h.sampler.maybe('tone', { build }, toneLite);
    assert.equal(out.status, 'sampled');
    assert.equal(h.specs.length, 1);
    assert.equal(h.specs[0]!.command, 'shadow');
    assert.equal(h.specs[0]!.tier, 'pro');
    assert.equal(h.specs[0]!.escalate, false);
    assert.equal(h.stored().length, 1);
    assert.equal(h.stored()[0]!.score, 0.75);
    assert.equal(h.stored()[0]!.proModel, 'pro');
    assert.equal(h.stored()[0]!.liteModel, 'flash-lite');
  });

  test('the extract hook shapes the pro answer', async () => {
    const h = harness({ proText: '```\nwe will fix it\n```' });
    await h.sampler.maybe('tone', { build, extract: (t) => t.replace(/```\n?/g, '') }, toneLite);
    assert.equal(h.stored()[0]!.score, 1);
  });

  test('review findings from the pro JSON answer, compared by overlap', async () => {
    const pro = JSON.stringify({
      summary: 's',
      findings: [
        { file: 'a.ts', startLine: 3, endLine: 4, severity: 'error', category: 'bug', title: 't', explanation: 'e' },
        { file: 'b.ts', startLine: 1, endLine: 1, severity: 'info', category: 'style', title: 't', explanation: 'e' },
      ],
    });
    const h = harness({ proText: pro });
    const out = await h.sampler.maybe(
      'review',
      { build },
      {
        tier: 'lite',
        model: 'flash-lite',
        findings: [{ file: 'a.ts', startLine: 4, endLine: 6, category: 'bug' }],
      },
    );
    assert.equal(out.status, 'sampled');
    assert.equal(h.stored()[0]!.score, 1 / 2);
    const bad = harness({ proText: 'not json' });
    const failed = await bad.sampler.maybe('review', { build }, { tier: 'lite', model: 'x', findings: [] });
    assert.equal(failed.status, 'failed');
    assert.equal(bad.stored().length, 0);
  });

  test('skips: disabled, not sampled, already pro, soft threshold, no price', async () => {
    const cases: Array<[Parameters<typeof harness>[0], string, typeof toneLite?]> = [
      [{ settings: { enabled: false } }, 'disabled'],
      [{ settings: { dailyCapUsd: 0 } }, 'disabled'],
      [{ random: 0.1 }, 'not-sampled'],
      [{ random: 0.5, settings: { sampleRate: 0.4 } }, 'not-sampled'],
      [{}, 'no-tier-above', { tier: 'pro', model: 'pro', text: 'x' }],
      [{ softReached: true }, 'soft-threshold'],
      [{ worstCaseUsd: NaN }, 'no-price'],
    ];
    for (const [opts, reason, lite] of cases) {
      const h = harness(opts);
      const out = await h.sampler.maybe('tone', { build }, lite ?? toneLite);
      assert.deepEqual(out, { status: 'skipped', reason }, reason);
      assert.equal(h.specs.length, 0, reason);
    }
  });

  test('never starts a call that would pass the shadow daily cap', async () => {
    const under = harness({ spentUsd: 0.47, worstCaseUsd: 0.03 });
    assert.equal((await under.sampler.maybe('tone', { build }, toneLite)).status, 'sampled');
    const over = harness({ spentUsd: 0.48, worstCaseUsd: 0.03 });
    assert.deepEqual(await over.sampler.maybe('tone', { build }, toneLite), { status: 'skipped', reason: 'budget' });
    assert.equal(over.specs.length, 0);
  });

  test('one shadow call at a time', async () => {
    const h = harness({});
    h.hold();
    const first = h.sampler.maybe('tone', { build }, toneLite);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(await h.sampler.maybe('tone', { build }, toneLite), { status: 'skipped', reason: 'busy' });
    h.release();
    assert.equal((await first).status, 'sampled');
    assert.equal((await h.sampler.maybe('tone', { build }, toneLite)).status, 'sampled');
  });

  test('a refused or failing pro call is reported, never thrown', async () => {
    const h = harness({ runError: new TieredError('budget', 'Daily cap reached') });
    const out = await h.sampler.maybe('tone', { build }, toneLite);
    assert.equal(out.status, 'failed');
    assert.match(out.status === 'failed' ? out.reason : '', /Daily cap/);
    assert.equal(h.stored().length, 0);
  });
});
