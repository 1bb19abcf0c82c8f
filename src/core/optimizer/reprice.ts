// What a period's calls would have cost on another model: the same tokens at its rates.
// Long-context tiers are ignored (the base rates apply): an estimate for a suggestion, not a bill.
import type { Rates } from '../prices';
import type { LedgerRecord } from '../types';

export type RatesFor = (modelId: string) => Rates | undefined;

type Tokens = Pick<LedgerRecord, 'inputTokens' | 'cachedInputTokens' | 'outputTokens'>;

export function repriceUsd(r: Tokens, rates: Rates): number {
  const cached = Math.min(Math.max(0, r.cachedInputTokens), Math.max(0, r.inputTokens));
  const fresh = Math.max(0, r.inputTokens) - cached;
  return (
    (fresh * rates.inputPerMTok +
      cached * rates.cachedInputPerMTok +
      Math.max(0, r.outputTokens) * rates.outputPerMTok) /
    1e6
  );
}

export function repriceAll(records: readonly Tokens[], rates: Rates): number {
  return records.reduce((sum, r) => sum + repriceUsd(r, rates), 0);
}

/** The billed cost of records; NaN amounts (unknown price) count as 0 here and are noted elsewhere. */
export function spentUsd(records: readonly Pick<LedgerRecord, 'costUsd'>[]): number {
  return records.reduce((sum, r) => sum + (Number.isFinite(r.costUsd) ? r.costUsd : 0), 0);
}
