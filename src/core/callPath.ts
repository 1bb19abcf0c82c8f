// The call path every model call takes: route → budget → call → validate/escalate → settle
// (DESIGN.md "The call path"). Budget, prices and clients come in through small ports so this is
// tested in plain Node with fakes and used unchanged by the extension.
import { randomUUID } from 'node:crypto';
import type { CallResult, CallRunner, CallSpec, CostEstimate, RequestBody } from './calls';
import { NON_CRITICAL_COMMANDS, type TieredConfig } from './config';
import { TieredError } from './errors';
import { estimateRequestTokens } from './estimate';
import { chainFailedMessage, nextStep } from './fallback';
import { route, tierAbove, type ResolvedModel } from './router';
import type {
  Clock,
  CommandId,
  CostSource,
  LedgerRecord,
  Logger,
  ModelClient,
  ModelResponse,
  NormalizedUsage,
  Outcome,
  TierId,
} from './types';
import { usageForUnreportedStream } from './usage';

export interface ReserveResult {
  ok: boolean;
  message?: string;
}

type MaybePromise<T> = T | Promise<T>;

/** core/budget.ts's Budget fits this as it is; tests use fakes. */
export interface BudgetPort {
  reserve(request: { id: string; command: CommandId; worstCaseUsd: number; ttlMs: number }): Promise<ReserveResult>;
  settle(id: string, record: LedgerRecord): Promise<void>;
  release(id: string): Promise<void>;
  recordOnly(record: LedgerRecord): Promise<void>;
  status(
    command?: CommandId,
  ): MaybePromise<{ softReached: boolean; capReached: boolean; remainingUsd: number; capUsd: number }>;
}

export interface PricingPort {
  cost(model: ResolvedModel, usage: NormalizedUsage, reportedCostUsd?: number): { costUsd: number; source: CostSource };
  worstCase(
    model: ResolvedModel,
    inputTokens: number,
    maxOutputTokens: number,
  ): { usd: number; known: boolean; source: CostSource };
  /** Message telling the user how to set a price for this model. */
  unknownPriceMessage(model: ResolvedModel): string;
}

export interface CallPathDeps {
  config(): TieredConfig;
  budget: BudgetPort;
  pricing: PricingPort;
  /** Resolves the client for a model's provider (reads the key from SecretStorage). */
  client(model: ResolvedModel): Promise<ModelClient>;
  clock: Clock;
  logger: Logger;
  windowId: string;
  /** Optional chain reordering (the latency-aware lite tier moves a slow primary back). */
  reorder?(command: CommandId, chain: ResolvedModel[]): ResolvedModel[];
  /** Called after every attempt that reached a provider (latency monitoring). */
  observe?(record: LedgerRecord): void;
  /** Abortable wait; injectable so tests do not sleep. */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Reservations outlive the call's timeout a little, then expire (a dead window frees its budget). */
const RESERVATION_GRACE_MS = 30_000;

export class CallPath implements CallRunner {
  constructor(private readonly deps: CallPathDeps) {}

  async estimate(spec: CallSpec): Promise<CostEstimate> {
    const config = this.deps.config();
    const { chain } = route(config, spec.command, spec.tier);
    const status = await this.deps.budget.status(spec.command);
    return this.estimateFor(spec, await this.pickFirst(spec, chain, status.softReached));
  }

  private async estimateFor(spec: CallSpec, model: ResolvedModel): Promise<CostEstimate> {
    const status = await this.deps.budget.status(spec.command);
    const body = spec.build(model);
    const inputTokens = spec.inputTokens ?? estimateRequestTokens(body);
    const worst = this.deps.pricing.worstCase(
      model,
      inputTokens,
      Math.min(body.maxOutputTokens, model.maxOutputTokens),
    );
    return { model, inputTokens, worstCaseUsd: worst.usd, remainingUsd: status.remainingUsd, capUsd: status.capUsd };
  }

  async run(spec: CallSpec): Promise<CallResult> {
    const config = this.deps.config();
    const routed = route(config, spec.command, spec.tier);
    const pinned = spec.model === undefined ? undefined : routed.chain.find((m) => m.id === spec.model);
    if (spec.model !== undefined && !pinned) {
      throw new TieredError(
        'config',
        `Model "${spec.model}" is not in the ${routed.tier} tier (\`tiered.tiers.${routed.tier}\`).`,
      );
    }
    const candidates = pinned ? [pinned] : (this.deps.reorder?.(spec.command, routed.chain) ?? routed.chain);
    const r = { ...routed, chain: candidates };
    const status = await this.deps.budget.status(spec.command);
    const first = await this.pickFirst(spec, r.chain, status.softReached);
    const downgraded = first !== r.chain[0];
    // Fallback never goes down: only models of the same tier, after the chosen one.
    const chain = spec.fallback === false ? [first] : [first, ...r.chain.filter((m) => m !== first)];
    if (spec.confirm) {
      // Asked once per command run, for its first model: retries and fallbacks do not ask again.
      const estimate = await this.estimateFor(spec, first);
      if (estimate.worstCaseUsd > config.budget.confirmAboveUsd && !(await spec.confirm(estimate))) {
        throw new TieredError('cancelled', 'Cancelled before sending: nothing was spent.');
      }
    }
    const above = tierAbove(config, r.tier);
    const mayEscalate = Boolean(spec.escalate && config.escalation.enabled && above);
    const result = await this.runChain(spec, r.tier, chain, config, mayEscalate);
    if (downgraded) result.downgraded = true;
    if (result.rejected === undefined) return result;
    if (mayEscalate && above) {
      this.deps.logger.info(`${spec.command}: ${r.tier} answer rejected (${result.rejected}); escalating to ${above}`);
      const up = await this.run({ ...spec, tier: above, escalate: false });
      return { ...up, escalatedFrom: r.tier };
    }
    throw new TieredError('invalidResponse', `The ${r.tier} model's answer was not usable: ${result.rejected}.`);
  }

  /** Above the soft threshold a non-critical command runs on the cheapest model of its chain. */
  private async pickFirst(spec: CallSpec, chain: ResolvedModel[], softReached: boolean): Promise<ResolvedModel> {
    if (!softReached || !NON_CRITICAL_COMMANDS.has(spec.command) || chain.length < 2) return chain[0]!;
    let best = chain[0]!;
    let bestUsd = Infinity;
    for (const model of chain) {
      const body = spec.build(model);
      const worst = this.deps.pricing.worstCase(
        model,
        spec.inputTokens ?? estimateRequestTokens(body),
        body.maxOutputTokens,
      );
      if (worst.known && worst.usd < bestUsd) {
        best = model;
        bestUsd = worst.usd;
      }
    }
    return best;
  }

  private async runChain(
    spec: CallSpec,
    tier: TierId,
    chain: ResolvedModel[],
    config: TieredConfig,
    mayEscalate: boolean,
  ): Promise<Attempted> {
    const retries = spec.retries ?? (NON_CRITICAL_COMMANDS.has(spec.command) ? 0 : config.review.retries);
    const tried: string[] = [];
    let lastError: unknown;
    for (let i = 0; i < chain.length; i++) {
      const model = chain[i]!;
      tried.push(model.id);
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.attempt(spec, tier, model, mayEscalate);
        } catch (err) {
          lastError = err;
          if (spec.signal?.aborted)
            throw TieredError.is(err, 'cancelled') ? err : new TieredError('cancelled', 'Cancelled.');
          const step = nextStep(err, attempt, { retries, hasNext: i + 1 < chain.length });
          if (step.action === 'stop') {
            if (!TieredError.is(err) || i === 0 || ['cancelled', 'budget', 'config'].includes(err.reason)) throw err;
            throw new TieredError(err.reason, chainFailedMessage(tier, tried, err), { ...err.details });
          }
          if (step.action === 'next') {
            this.deps.logger.warn(`${spec.command}: ${model.id} gave up (${step.why}); trying the next ${tier} model`);
            break;
          }
          this.deps.logger.warn(`${spec.command}: ${model.id} failed (${step.why}); retry ${attempt + 1}/${retries}`);
          await (this.deps.sleep ?? abortableSleep)(step.delayMs, spec.signal);
        }
      }
    }
    throw lastError;
  }

  private async attempt(spec: CallSpec, tier: TierId, model: ResolvedModel, mayEscalate: boolean): Promise<Attempted> {
    const { budget, pricing, clock, logger } = this.deps;
    const body: RequestBody = spec.build(model);
    const maxOutputTokens = Math.min(body.maxOutputTokens, model.maxOutputTokens);
    const inputTokens = spec.inputTokens ?? estimateRequestTokens(body);
    const worst = pricing.worstCase(model, inputTokens, maxOutputTokens);
    const started = clock.now();
    const base = this.baseRecord(spec.command, tier, model, started, worst.usd);

    if (!worst.known) {
      const message = pricing.unknownPriceMessage(model);
      await budget.recordOnly({ ...base, estimateUsd: 0, outcome: 'refused', reason: 'unknown price' });
      throw new TieredError('config', message);
    }
    const timeoutMs = spec.timeoutMs ?? model.providerConfig.timeoutMs;
    const reservation = await budget.reserve({
      id: base.id,
      command: spec.command,
      worstCaseUsd: worst.usd,
      ttlMs: timeoutMs + RESERVATION_GRACE_MS,
    });
    if (!reservation.ok) {
      await budget.recordOnly({ ...base, outcome: 'refused', reason: 'cap' });
      throw new TieredError('budget', reservation.message ?? 'Daily cap reached.');
    }

    let response: ModelResponse | undefined;
    let failure: TieredError | undefined;
    try {
      if (spec.signal?.aborted) throw new TieredError('cancelled', 'Cancelled.');
      const client = await this.deps.client(model);
      response = await client.stream(
        { ...body, maxOutputTokens, model: model.model, signal: spec.signal, timeoutMs },
        spec.onText,
      );
    } catch (err) {
      failure = TieredError.is(err)
        ? err
        : new TieredError('network', `${model.providerConfig.id}: ${String(err)}`, { cause: err });
    }

    const latencyMs = clock.now() - started;
    const partial = failure?.details.partial;
    const text = response?.text ?? partial?.text ?? '';
    const reported = response?.usage ?? partial?.usage ?? null;
    // An aborted or cut stream carries no usage: bill the prompt estimate plus what streamed.
    // A request that failed before any byte streamed was not billed by the provider.
    const usage =
      reported ??
      (response || failure?.reason === 'cancelled' || text ? usageForUnreportedStream(inputTokens, text) : zero());
    const quoted = pricing.cost(model, usage, response?.reportedCostUsd);
    // No price after the call (a proxy that promised a cost and sent none): bill the reservation.
    const priced = Number.isFinite(quoted.costUsd) ? quoted : { costUsd: worst.usd, source: 'unknown' as const };
    // A rejected answer is billed like any other; its record says whether it escalated.
    const rejected = response ? spec.validate?.(text) : undefined;
    const outcome: Outcome = failure
      ? failure.reason === 'cancelled'
        ? 'cancelled'
        : 'error'
      : rejected === undefined
        ? 'ok'
        : mayEscalate
          ? 'escalated'
          : 'error';
    const reason = failure?.reason ?? (rejected === undefined ? undefined : `rejected: ${rejected}`.slice(0, 200));
    const record: LedgerRecord = {
      ...base,
      ...usage,
      costUsd: priced.costUsd,
      costSource: priced.source,
      latencyMs,
      ttftMs: response?.ttftMs ?? partial?.ttftMs ?? null,
      outcome,
      ...(reason ? { reason } : {}),
    };
    await budget.settle(base.id, record);
    logger.info(formatCallLine(record));
    this.deps.observe?.(record);
    if (failure) throw failure;
    return { text, model, tier, usage, costUsd: priced.costUsd, latencyMs, ttftMs: record.ttftMs, record, rejected };
  }

  private baseRecord(command: CommandId, tier: TierId, model: ResolvedModel, started: number, estimateUsd: number) {
    return {
      v: 1 as const,
      id: randomUUID(),
      ts: new Date(started).toISOString(),
      window: this.deps.windowId,
      command,
      tier,
      provider: model.provider,
      model: model.id,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      costUsd: 0,
      costSource: 'unknown' as CostSource,
      estimateUsd,
      latencyMs: 0,
      ttftMs: null,
      outcome: 'refused' as Outcome,
    };
  }
}

type Attempted = CallResult & { rejected?: string };

function zero(): NormalizedUsage {
  return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

export function formatCallLine(r: LedgerRecord): string {
  const cost = Number.isFinite(r.costUsd) ? `$${r.costUsd.toFixed(6)}` : '$?';
  const ttft = r.ttftMs === null ? '' : ` ttft=${r.ttftMs}ms`;
  return (
    `${r.command} ${r.tier} ${r.model} in=${r.inputTokens} cached=${r.cachedInputTokens} out=${r.outputTokens} ` +
    `reasoning=${r.reasoningTokens} ${cost} (${r.costSource}) ${r.latencyMs}ms${ttft} ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`
  );
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TieredError('cancelled', 'Cancelled.'));
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new TieredError('cancelled', 'Cancelled.'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
