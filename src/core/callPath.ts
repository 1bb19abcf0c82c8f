// The call path every model call takes: route → budget → call → validate/escalate → settle
// (DESIGN.md "The call path"). Budget, prices and clients come in through small ports so this is
// tested in plain Node with fakes and used unchanged by the extension.
import { randomUUID } from 'node:crypto';
import type { CallResult, CallRunner, CallSpec, CostEstimate, RequestBody } from './calls';
import { shapeRequest } from './calls/capabilities';
import { inputTokenBound, REQUEST_FRAMING_TOKENS, textTokenBound, tokenizerFor, utf8Bytes } from './calls/tokens';
import { NON_CRITICAL_COMMANDS, reasoningLevelFor, type TieredConfig } from './config';
import { TieredError, isModelConfigProblem } from './errors';
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
  /**
   * Called once when a model is skipped for the session because of its configuration (a 400 naming
   * a parameter, a model the provider does not serve or lets this key use): the user is told once.
   */
  onModelProblem?(problem: ModelProblem): void;
}

export interface ModelProblem {
  /** Our table id, and where to change it. */
  modelId: string;
  setting: string;
  providerId: string;
  model: string;
  error: TieredError;
  /** The model of the same tier that takes over, if any. */
  next?: string;
}

/** A request as one model takes it, with its input count and the output bound the budget reserves. */
interface Prepared {
  body: RequestBody;
  inputTokens: number;
  outputBound: number;
}

/** Reservations outlive the call's timeout a little, then expire (a dead window frees its budget). */
const RESERVATION_GRACE_MS = 30_000;

export class CallPath implements CallRunner {
  /** Models that failed for a configuration reason, skipped until the settings change. */
  private skipped = new Map<string, TieredError>();
  private skippedFor: TieredConfig | undefined;

  constructor(private readonly deps: CallPathDeps) {}

  /** The request shaped for `model` (capabilities: reasoning, temperature, cap field, cap). */
  private prepare(spec: CallSpec, model: ResolvedModel, config: TieredConfig): Prepared {
    const shaped = shapeRequest(model, spec.build(model), reasoningLevelFor(config, spec.reasoning ?? spec.command));
    // A provider count (Gemini countTokens) leaves out the response schema and some framing: add
    // their bound, so the reservation still holds.
    const inputTokens =
      spec.inputTokens !== undefined
        ? spec.inputTokens +
          REQUEST_FRAMING_TOKENS +
          (shaped.body.jsonSchema ? utf8Bytes(JSON.stringify(shaped.body.jsonSchema.schema)) : 0)
        : inputTokenBound(shaped.body, model.model);
    return { body: shaped.body, inputTokens, outputBound: shaped.outputBound };
  }

  /** Models skipped for configuration problems, forgotten when the settings change. */
  private skipList(config: TieredConfig): Map<string, TieredError> {
    if (this.skippedFor !== config) {
      this.skipped = new Map();
      this.skippedFor = config;
    }
    return this.skipped;
  }

  async estimate(spec: CallSpec): Promise<CostEstimate> {
    const config = this.deps.config();
    const { chain } = route(config, spec.command, spec.tier);
    // A pinned model is estimated as itself (Check Setup estimates every model of a tier).
    const pinned = spec.model === undefined ? undefined : chain.find((m) => m.id === spec.model);
    if (pinned) return this.estimateFor(spec, pinned);
    const status = await this.deps.budget.status(spec.command);
    return this.estimateFor(spec, await this.pickFirst(spec, chain, status.softReached));
  }

  private async estimateFor(spec: CallSpec, model: ResolvedModel): Promise<CostEstimate> {
    const status = await this.deps.budget.status(spec.command);
    const { inputTokens, outputBound } = this.prepare(spec, model, this.deps.config());
    const worst = this.deps.pricing.worstCase(model, inputTokens, outputBound);
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
    const ordered = pinned ? [pinned] : (this.deps.reorder?.(spec.command, routed.chain) ?? routed.chain);
    // A model whose configuration the provider rejected is not asked again this session.
    const skip = this.skipList(config);
    const candidates = ordered.filter((m) => !skip.has(m.id));
    if (candidates.length === 0) throw skip.get(ordered[0]!.id)!;
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
    const result = await this.runChain(spec, r.tier, chain, config, mayEscalate, routed.chain);
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
    const config = this.deps.config();
    for (const model of chain) {
      const { inputTokens, outputBound } = this.prepare(spec, model, config);
      const worst = this.deps.pricing.worstCase(model, inputTokens, outputBound);
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
    /** The tier's whole chain (a pinned run tries one model; a notice still names who takes over). */
    tierChain: readonly ResolvedModel[],
  ): Promise<Attempted> {
    const retries = spec.retries ?? (NON_CRITICAL_COMMANDS.has(spec.command) ? 0 : config.review.retries);
    const tried: string[] = [];
    let lastError: unknown;
    for (let i = 0; i < chain.length; i++) {
      const model = chain[i]!;
      tried.push(model.id);
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.attempt(spec, tier, model, mayEscalate, config);
        } catch (err) {
          lastError = err;
          if (isModelConfigProblem(err)) {
            const skip = this.skipList(config);
            const next = chain[i + 1] ?? tierChain.find((m) => m.id !== model.id && !skip.has(m.id));
            this.skipModel(model, err, next, config);
          }
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

  private skipModel(
    model: ResolvedModel,
    err: TieredError,
    next: ResolvedModel | undefined,
    config: TieredConfig,
  ): void {
    const skip = this.skipList(config);
    if (skip.has(model.id)) return;
    skip.set(model.id, err);
    this.deps.logger.warn(
      `${model.id} skipped until the settings change: ${err.message}${next ? ` (${next.id} takes over)` : ''}`,
    );
    this.deps.onModelProblem?.({
      modelId: model.id,
      setting: `tiered.models.${model.id}`,
      providerId: model.providerConfig.id,
      model: model.model,
      error: err,
      ...(next ? { next: next.id } : {}),
    });
  }

  private async attempt(
    spec: CallSpec,
    tier: TierId,
    model: ResolvedModel,
    mayEscalate: boolean,
    config: TieredConfig,
  ): Promise<Attempted> {
    const { budget, pricing, clock, logger } = this.deps;
    const { body, inputTokens, outputBound } = this.prepare(spec, model, config);
    const maxOutputTokens = body.maxOutputTokens;
    const worst = pricing.worstCase(model, inputTokens, outputBound);
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
      (response || failure?.reason === 'cancelled' || text
        ? unreportedUsage(inputTokens, outputBound, textTokenBound(text, tokenizerFor(model.model)))
        : zero());
    // An answer that spent the whole cap (reasoning, mostly) and shows nothing is that model's failure.
    if (response && !failure && response.finishReason === 'length' && text.trim() === '') {
      failure = new TieredError(
        'truncated',
        `${model.id} (${model.model}) spent its whole output cap of ${maxOutputTokens} tokens` +
          `${usage.reasoningTokens ? `, ${usage.reasoningTokens} of them reasoning,` : ''} without an answer ` +
          `(raise \`tiered.models.${model.id}.maxOutputTokens\` or lower \`tiered.reasoning.${spec.reasoning ?? spec.command}\`).`,
        { provider: model.providerConfig.id },
      );
    }
    const served = servedOtherwise(model.model, response?.servedModel);
    const { priced, servedNote } = this.priceAs(model, served, usage, response?.reportedCostUsd, worst.usd);
    // A rejected answer is billed like any other; its record says whether it escalated.
    const rejected = response && !failure ? spec.validate?.(text) : undefined;
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
      ...(served ? { served } : {}),
    };
    if (servedNote) logger.warn(servedNote);
    await budget.settle(base.id, record);
    logger.info(formatCallLine(record));
    this.deps.observe?.(record);
    spec.onRecord?.(record);
    if (failure) throw failure;
    return {
      text,
      model,
      tier,
      usage,
      usageReported: reported !== null,
      costUsd: priced.costUsd,
      latencyMs,
      ttftMs: record.ttftMs,
      record,
      rejected,
    };
  }

  /**
   * The cost of a call as the model that served it, when the server says another model answered
   * (an alias moved, a deprecated id served by its successor); the asked-for model's price when the
   * served one has none, said in the log.
   */
  private priceAs(
    model: ResolvedModel,
    served: string | undefined,
    usage: NormalizedUsage,
    reportedCostUsd: number | undefined,
    reservedUsd: number,
  ): { priced: { costUsd: number; source: CostSource }; servedNote?: string } {
    const { pricing } = this.deps;
    let servedNote: string | undefined;
    let quoted: { costUsd: number; source: CostSource } | undefined;
    if (served && !model.price) {
      const asServed = pricing.cost({ ...model, model: served }, usage, reportedCostUsd);
      if (Number.isFinite(asServed.costUsd) && asServed.source !== 'unknown') quoted = asServed;
      else
        servedNote = `${model.id}: answered by "${served}", which has no known price; billed at the price of "${model.model}".`;
    }
    quoted ??= pricing.cost(model, usage, reportedCostUsd);
    // No price after the call (a proxy that promised a cost and sent none): bill the reservation.
    const priced = Number.isFinite(quoted.costUsd) ? quoted : { costUsd: reservedUsd, source: 'unknown' as const };
    return { priced, ...(servedNote ? { servedNote } : {}) };
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

/**
 * The served model's name when it is another model than the one asked for. A dated snapshot of the
 * same model ("gpt-5-mini-2025-08-07" for "gpt-5-mini") or a vendor prefix ("models/") is the same.
 */
export function servedOtherwise(asked: string, served: string | undefined): string | undefined {
  if (!served) return undefined;
  const bare = (s: string) => s.trim().toLowerCase().replace(/^.*\//, '');
  const a = bare(asked);
  const s = bare(served);
  if (!s || s === a || s.startsWith(`${a}-`) || a.startsWith(`${s}-`)) return undefined;
  return served;
}

/**
 * A stream that ended without a usage report (aborted, cut, a server that sends none): the input
 * bound that was reserved plus a bound on what streamed, never more output than the reserved bound.
 */
function unreportedUsage(inputBound: number, outputBound: number, streamedBound: number): NormalizedUsage {
  return {
    inputTokens: Math.max(0, Math.round(inputBound)),
    cachedInputTokens: 0,
    outputTokens: Math.min(outputBound, streamedBound),
    reasoningTokens: 0,
  };
}

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
