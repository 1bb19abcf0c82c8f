import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig, type TieredConfig } from '../../src/core/config';
import { MemoryCacheStore, ResultCache, reviewCacheKey, type CacheKeyParts } from '../../src/core/review/cache';
import { SIMPLE_MAX_COMPLEXITY, decideDepth, planReview, truncateForTriage } from '../../src/core/review/plan';

function config(review: Partial<TieredConfig['review']> = {}): TieredConfig {
  const c = defaultConfig();
  return { ...c, review: { ...c.review, ...review } };
}

describe('review plan and triage decision', () => {
  test('extract → reason only above extractAboveTokens', () => {
    const c = config({ extractAboveTokens: 5000 });
    assert.equal(planReview(5000, c).extract, false);
    const big = planReview(5001, c);
    assert.equal(big.extract, true);
    assert.equal(big.liteTier, 'lite');
    assert.equal(big.reviewTier, 'pro');
    assert.match(big.reason, /extractAboveTokens/);
  });

  test('auto depth triages only when on, and not for inputs that need extraction', () => {
    assert.equal(planReview(100, config()).triage, false);
    assert.equal(planReview(100, config({ autoDepth: true })).triage, true);
    const big = planReview(50_000, config({ autoDepth: true, extractAboveTokens: 1000 }));
    assert.equal(big.triage, false);
    assert.match(big.reason, /auto depth skipped/);
  });

  test('no extraction or triage when review already runs on the cheapest tier', () => {
    const c = config({ autoDepth: true, extractAboveTokens: 1000 });
    const onLite = { ...c, commands: { ...c.commands, review: 'lite' } };
    const p = planReview(50_000, onLite);
    assert.deepEqual([p.extract, p.triage, p.reviewTier], [false, false, 'lite']);
  });

  test('complexity ≤ 2 goes to lite, above to pro, with the reason kept', () => {
    const plan = planReview(100, config({ autoDepth: true }));
    for (let complexity = 1; complexity <= 5; complexity++) {
      const d = decideDepth({ complexity, reason: 'because' }, plan);
      assert.equal(d.tier, complexity <= SIMPLE_MAX_COMPLEXITY ? 'lite' : 'pro', String(complexity));
      assert.match(d.reason, new RegExp(`complexity ${complexity}/5.*because`));
    }
  });

  test('triage sample keeps whole lines under the budget and says what was cut', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    assert.equal(
      truncateForTriage(text, 10_000, (t) => t.length),
      text,
    );
    const cut = truncateForTriage(text, 100, (t) => t.length);
    const kept = cut.split('\n').slice(0, -1);
    assert.ok(kept.every((l, i) => l === `line ${i}`));
    assert.match(cut, new RegExp(`${100 - kept.length} more lines not shown`));
  });
});

describe('review cache key', () => {
  const base: CacheKeyParts = {
    content: 'const a = 1;',
    models: ['pro=gemini/gemini-3.1-pro-preview'],
    promptVersion: 'p1',
    schemaVersion: 1,
    mode: 'file+direct+fixed',
  };

  test('is stable for equal parts (model order irrelevant)', () => {
    assert.equal(reviewCacheKey(base), reviewCacheKey({ ...base }));
    const two = { ...base, models: ['a=x/1', 'b=y/2'] };
    assert.equal(reviewCacheKey(two), reviewCacheKey({ ...two, models: ['b=y/2', 'a=x/1'] }));
    assert.match(reviewCacheKey(base), /^[0-9a-f]{64}$/);
  });

  test('changes when content, model, prompt version, schema version or mode changes', () => {
    const k = reviewCacheKey(base);
    const variants: Partial<CacheKeyParts>[] = [
      { content: 'const a = 2;' },
      { content: 'const a = 1; ' },
      { models: ['pro=gemini/gemini-2.5-pro'] },
      { models: ['pro=openai/gemini-3.1-pro-preview'] },
      { promptVersion: 'p2' },
      { schemaVersion: 2 },
      { mode: 'file+extract+fixed' },
    ];
    const keys = variants.map((v) => reviewCacheKey({ ...base, ...v }));
    for (const key of keys) assert.notEqual(key, k);
    assert.equal(new Set(keys).size, keys.length);
  });

  test('field boundaries cannot be shifted to forge the same key', () => {
    assert.notEqual(
      reviewCacheKey({ ...base, promptVersion: 'p1|1', schemaVersion: 1 }),
      reviewCacheKey({ ...base, promptVersion: 'p1', schemaVersion: 11 }),
    );
  });
});

describe('result cache', () => {
  test('stores, returns, expires and treats corrupt entries as a miss', async () => {
    let now = 1_000_000;
    const store = new MemoryCacheStore();
    const cache = new ResultCache<{ n: number }>(store, { now: () => now }, 1000);
    assert.equal(await cache.get('k'), undefined);
    await cache.put('k', { n: 1 });
    assert.deepEqual(await cache.get('k'), { value: { n: 1 }, storedAt: 1_000_000 });
    now += 1001;
    assert.equal(await cache.get('k'), undefined);
    assert.equal(store.map.has('k'), false, 'expired entry deleted');
    await store.set('bad', '{not json');
    assert.equal(await cache.get('bad'), undefined);
    await store.set('old', JSON.stringify({ v: 0, storedAt: now, value: {} }));
    assert.equal(await cache.get('old'), undefined);
  });
});
