// Teams on a LiteLLM proxy: the virtual key's budget as the proxy reports it (GET /key/info).
// Pure parsing and wording; the HTTP call is in providers/litellmKeyInfo.ts.
import type { TieredConfig } from './config';
import { formatUsd } from './money/format';

/** A virtual key's budget. Amounts in USD. */
export interface KeyBudget {
  /** What the key has spent (in the current budget period when it resets). */
  spendUsd: number;
  /** null: the key has no budget of its own. */
  maxBudgetUsd: number | null;
  /** max − spend, never below 0; null without a budget. */
  remainingUsd: number | null;
  /** ISO time the budget resets, when it does. */
  resetAt?: string;
  /** e.g. "30d", when the budget resets. */
  budgetDuration?: string;
  keyName?: string;
  keyAlias?: string;
  teamId?: string;
}

export type KeyInfoResult =
  | { ok: true; providerId: string; budget: KeyBudget; fetchedAt: number }
  | { ok: false; providerId: string; message: string; fetchedAt: number };

/** `{baseUrl without a trailing /v1}/key/info`: the proxy serves management routes at its root. */
export function keyInfoUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${trimmed}/key/info`;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Reads `{ key, info: { spend, max_budget, budget_reset_at, … } }`; undefined when it is not that shape. */
export function parseKeyInfo(body: unknown): KeyBudget | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const info = (body as { info?: unknown }).info;
  if (!info || typeof info !== 'object') return undefined;
  const i = info as Record<string, unknown>;
  const spendUsd = num(i.spend) ?? 0;
  if (i.spend !== undefined && i.spend !== null && num(i.spend) === undefined) return undefined;
  const maxBudgetUsd = num(i.max_budget) ?? null;
  const budget: KeyBudget = {
    spendUsd,
    maxBudgetUsd,
    remainingUsd: maxBudgetUsd === null ? null : Math.max(0, maxBudgetUsd - spendUsd),
  };
  const resetAt = str(i.budget_reset_at);
  const duration = str(i.budget_duration);
  const keyName = str(i.key_name);
  const keyAlias = str(i.key_alias);
  const teamId = str(i.team_id);
  if (resetAt) budget.resetAt = resetAt;
  if (duration) budget.budgetDuration = duration;
  if (keyName) budget.keyName = keyName;
  if (keyAlias) budget.keyAlias = keyAlias;
  if (teamId) budget.teamId = teamId;
  return budget;
}

/** The short status bar note: "$12.30 left" or "$3.10 spent". */
export function keyBudgetNote(budget: KeyBudget): string {
  return budget.remainingUsd === null
    ? `${formatUsd(budget.spendUsd)} spent`
    : `${formatUsd(budget.remainingUsd)} left`;
}

/** One tooltip line per proxy, e.g. "LiteLLM team (team-a, key sk-...abcd): $12.30 left of $50 (resets 2026-12-01)". */
export function describeKeyInfo(result: KeyInfoResult): string {
  if (!result.ok) return `LiteLLM "${result.providerId}": ${result.message}`;
  const b = result.budget;
  const who = [b.teamId ? `team ${b.teamId}` : undefined, b.keyAlias ?? b.keyName].filter(Boolean).join(', ');
  const head = `LiteLLM "${result.providerId}"${who ? ` (${who})` : ''}`;
  if (b.maxBudgetUsd === null) return `${head}: ${formatUsd(b.spendUsd)} spent, no key budget`;
  const reset = b.resetAt ? ` (resets ${b.resetAt.slice(0, 10)})` : '';
  return `${head}: ${formatUsd(b.remainingUsd ?? 0)} left of ${formatUsd(b.maxBudgetUsd)}, ${formatUsd(b.spendUsd)} spent${reset}`;
}

/** Of several proxies, the one with the least left: the binding limit for the note. */
export function tightest(results: readonly KeyInfoResult[]): (KeyInfoResult & { ok: true }) | undefined {
  let best: (KeyInfoResult & { ok: true }) | undefined;
  for (const r of results) {
    if (!r.ok) continue;
    if (!best) best = r;
    else if (
      r.budget.remainingUsd !== null &&
      (best.budget.remainingUsd === null || r.budget.remainingUsd < best.budget.remainingUsd)
    )
      best = r;
  }
  return best;
}

/**
 * Problems with a LiteLLM setup that would make Tiered ignore or misuse the proxy's cost:
 * an unknown or non-OpenAI provider id, and price overrides (an override wins over the cost the
 * proxy reports).
 */
export function litellmSetupProblems(config: TieredConfig, providerIds: readonly string[]): string[] {
  const problems: string[] = [];
  for (const id of providerIds) {
    const provider = config.providers.find((p) => p.id === id);
    if (!provider) {
      problems.push(`Setting \`tiered.litellm.providers\`: "${id}" is not a provider in \`tiered.providers\`.`);
      continue;
    }
    if (provider.kind !== 'openai') {
      problems.push(
        `Setting \`tiered.litellm.providers\`: provider "${id}" has kind "${provider.kind}"; a LiteLLM proxy is kind "openai".`,
      );
    }
    for (const [modelId, model] of Object.entries(config.models)) {
      if (model.provider === id && model.price) {
        problems.push(
          `Model "${modelId}" on LiteLLM proxy "${id}" has a \`price\` override, which wins over the cost the proxy reports; remove \`tiered.models.${modelId}.price\` to bill what the proxy bills.`,
        );
      }
    }
  }
  return problems;
}
