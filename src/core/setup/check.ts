// Runs the setup check through the call path (CallRunner): first what it will spend (the sum of
// each request's worst case, from runner.estimate), then the requests themselves, one row per model.
import type { CallResult, CallRunner } from '../calls';
import { sumUsd } from '../money/format';
import { TieredError } from '../errors';
import type { PriceInfo } from '../prices';
import type { ResolvedModel } from '../router';
import { toRow, type Attempt, type ModelCheck, type SetupRow } from './outcome';
import { chatSpec, fimSpec, type SetupCheck } from './plan';

export interface SetupEstimate {
  /** Requests that will be sent (chat per model, FIM where set). */
  requests: number;
  /** Sum of the worst cases of the priced requests (USD). */
  worstCaseUsd: number;
  /** Models with no known price: the call path refuses them without sending. */
  unpriced: string[];
  /** What is left of today's cap. */
  remainingUsd: number;
}

export async function estimateSetup(runner: CallRunner, checks: SetupCheck[]): Promise<SetupEstimate> {
  let requests = 0;
  const worst: number[] = [];
  let remainingUsd = Infinity;
  const unpriced: string[] = [];
  for (const check of checks) {
    for (const spec of check.fim ? [chatSpec(check), fimSpec(check)] : [chatSpec(check)]) {
      const e = await runner.estimate(spec);
      requests++;
      remainingUsd = Math.min(remainingUsd, e.remainingUsd);
      if (Number.isFinite(e.worstCaseUsd)) worst.push(e.worstCaseUsd);
      else if (!unpriced.includes(check.model.id)) unpriced.push(check.model.id);
    }
  }
  return {
    requests,
    worstCaseUsd: sumUsd(worst),
    unpriced,
    remainingUsd: Number.isFinite(remainingUsd) ? remainingUsd : 0,
  };
}

function attemptOf(result: CallResult): Attempt {
  return {
    ok: true,
    ttftMs: result.ttftMs,
    usageReported: result.usageReported ?? true,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    reasoningTokens: result.usage.reasoningTokens,
    costUsd: result.costUsd,
    costSource: result.record.costSource,
  };
}

async function attempt(run: () => Promise<CallResult>): Promise<Attempt> {
  try {
    return attemptOf(await run());
  } catch (err) {
    const error = TieredError.is(err)
      ? err
      : new TieredError('invalidResponse', err instanceof Error ? err.message : String(err), { cause: err });
    return { ok: false, error };
  }
}

/** A chat failure that says nothing about FIM (the same failure would repeat): FIM is not sent. */
const FIM_STILL_WORTH_ASKING = new Set(['badRequest', 'truncated', 'invalidResponse']);

export interface SetupDeps {
  runner: CallRunner;
  prices: { describe(model: ResolvedModel): Pick<PriceInfo, 'source' | 'bundled'> };
}

/** One model: chat, then FIM where set. */
export async function checkModel(deps: SetupDeps, check: SetupCheck, signal?: AbortSignal): Promise<ModelCheck> {
  const chat = await attempt(() => deps.runner.run(chatSpec(check, signal)));
  const askFim = check.fim && (chat.ok || FIM_STILL_WORTH_ASKING.has(chat.error.reason));
  const fim = askFim ? await attempt(() => deps.runner.run(fimSpec(check, signal))) : undefined;
  return { check, chat, ...(fim ? { fim } : {}), price: deps.prices.describe(check.model) };
}

/** Every model at once (each request is tiny); rows in plan order, each reported as it finishes. */
export async function runSetupCheck(
  deps: SetupDeps,
  checks: SetupCheck[],
  options: { signal?: AbortSignal; onRow?(row: SetupRow): void } = {},
): Promise<SetupRow[]> {
  return Promise.all(
    checks.map(async (check) => {
      const row = toRow(await checkModel(deps, check, options.signal));
      options.onRow?.(row);
      return row;
    }),
  );
}
