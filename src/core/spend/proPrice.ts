// "Every call on the pro model": the same tokens priced at the pro primary model's rates. Rates are
// resolved once (PriceBook.describe), not per record: the benchmark reprices 450,000 calls.
import type { PriceInfo } from '../prices';
import type { LedgerRecord } from '../types';

/** A repricer from the pro model's price info, or undefined when that price is unknown. */
export function priceAtProFrom(info: PriceInfo): ((record: LedgerRecord) => number) | undefined {
  if (!info.known) return undefined;
  const tiers = [...info.tiers].sort((a, b) => b.aboveInputTokens - a.aboveInputTokens);
  return (r: LedgerRecord) => {
    // Long-context tiers apply to the whole call when its input is above the threshold.
    const rates = tiers.find((t) => r.inputTokens > t.aboveInputTokens) ?? info.rates;
    const cached = Math.min(Math.max(0, r.cachedInputTokens), Math.max(0, r.inputTokens));
    return (
      ((r.inputTokens - cached) * rates.inputPerMTok +
        cached * rates.cachedInputPerMTok +
        r.outputTokens * rates.outputPerMTok) /
      1_000_000
    );
  };
}
