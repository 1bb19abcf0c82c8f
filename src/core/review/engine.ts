// One deep review, start to end, without the editor: cache → plan → pre-flight (count, worst case,
// cap, confirmation) → triage → extract → review → one JSON repair → findings. Every model call
// goes through the CallRunner under the 'review' command, so the ledger and caps see all stages.
import { randomUUID } from 'node:crypto';
import type { CallResult, CallRunner, CallSpec, RequestBody } from '../calls';
import type { TieredConfig } from '../config';
import { TieredError } from '../errors';
import { route, type ResolvedModel } from '../router';
import type { ChatMessage, Clock, JsonSchemaSpec, LedgerRecord, Logger, TierId } from '../types';
import { estimateTextTokens } from '../usage';
import { ResultCache, reviewCacheKey } from './cache';
import { chunkFiles } from './chunking';
import { ReviewFailedError, ReviewJsonError, reviewError, type ReviewError } from './failure';
import {
  FINDINGS_SCHEMA_VERSION,
  findingsJsonSchema,
  jsonSchemaFor,
  parseFindings,
  parseJsonWith,
  type Finding,
  type Findings,
  type ParseResult,
} from './findings';
import { renderInput, type ReviewInput } from './input';
import {
  EXTRACT_CHUNK_TOKENS,
  TRIAGE_MAX_TOKENS,
  decideDepth,
  planReview,
  truncateForTriage,
  type ReviewPlan,
} from './plan';
import {
  PROMPT_VERSION,
  extractMessages,
  extractionSchema,
  reasonerMessages,
  repairMessages,
  reviewMessages,
  triageMessages,
  triageSchema,
  type ExtractedFile,
  type Extraction,
  type Triage,
} from './prompts';
import { formatUsd, sumStages, type ReviewReport, type StageRecord } from './report';
import { resolveFindings } from './resolve';

export const REVIEW_COMMAND = 'review';
/** What an ordinary review writes, for the "estimate" next to the worst case. */
const TYPICAL_REVIEW_OUTPUT_TOKENS = 2500;
const TRIAGE_MAX_OUTPUT_TOKENS = 256;
const EXTRACT_CONCURRENCY = 3;
const STREAM_PROGRESS_STEP_TOKENS = 25;

export interface ReviewDeps {
  runner: CallRunner;
  config(): TieredConfig;
  logger: Logger;
  clock: Clock;
  cache?: ResultCache<ReviewReport>;
  /** Provider-side count of the review request's input tokens; undefined → local estimate. */
  countTokens?(body: RequestBody): Promise<number | undefined>;
}

export interface StageEstimate {
  stage: StageRecord['stage'];
  tier: TierId;
  model: string;
  calls: number;
  worstCaseUsd: number;
}

export interface Preflight {
  inputTokens: number;
  tokenSource: 'provider' | 'local';
  /** Likely cost: the input plus a typical review's output. */
  estimateUsd: number;
  /** Every stage at its maximum output: what the budget reserves. */
  worstCaseUsd: number;
  remainingUsd: number;
  capUsd: number;
  stages: StageEstimate[];
  plan: ReviewPlan;
}

export interface ReviewOptions {
  /** Ignore a cached result and call the models again. */
  fresh?: boolean;
  signal?: AbortSignal;
  /** Asked once, before anything is sent, when the worst case is above `budget.confirmAboveUsd`. */
  confirm?(preflight: Preflight): Promise<boolean>;
  /** Progress text for the notification. */
  onProgress?(message: string): void;
  /** Called with the pre-flight figures before any check (to explain a refusal, suggest a raise). */
  onPreflight?(preflight: Preflight): void;
  /**
   * Called once a fresh review ran every stage on the lowest tier (auto depth chose it, or review
   * routes there): what shadow sampling needs to send the same review request to the tier above.
   */
  onLiteReview?(lite: LiteReview): void;
}

/** A review answered entirely by the lowest tier. */
export interface LiteReview {
  /** The review stage's request (the first one, not a repair), for any model. */
  build(model: ResolvedModel): RequestBody;
  tier: TierId;
  /** Model id of the stage that wrote the findings. */
  model: string;
  /** As the model answered them (before resolving to files), comparable with another model's answer. */
  findings: Finding[];
}

const json = (schema: Parameters<typeof jsonSchemaFor>[2], name: string) => (m: ResolvedModel) =>
  jsonSchemaFor(m.providerConfig.kind, name, schema);

/** What a review has done so far: on a failure, the attempt the user is shown. */
interface Attempt {
  started: number;
  key: string;
  tier: TierId;
  model: string;
  stages: StageRecord[];
  decisions: string[];
}

/**
 * Runs one review. A failure after the input was accepted throws ReviewFailedError (same reason and
 * message as the cause) carrying the attempt: its stages, failed calls included, and their cost.
 */
export async function runReview(
  deps: ReviewDeps,
  input: ReviewInput,
  options: ReviewOptions = {},
): Promise<ReviewReport> {
  if (input.files.length === 0) {
    const why = input.excluded.length ? ` (${input.excluded.length} excluded by \`tiered.exclude\`)` : '';
    throw new TieredError('config', `Nothing to review${why}.`);
  }
  const attempt: Attempt = { started: deps.clock.now(), key: '', tier: '', model: '', stages: [], decisions: [] };
  try {
    return await reviewOnce(deps, input, options, attempt);
  } catch (err) {
    if (!TieredError.is(err)) throw err;
    const failed: ReviewReport & { error: ReviewError } = {
      key: attempt.key,
      kind: input.kind,
      title: input.title,
      startedAt: new Date(attempt.started).toISOString(),
      elapsedMs: deps.clock.now() - attempt.started,
      model: attempt.model,
      tier: attempt.tier,
      summary: '',
      findings: [],
      files: input.files.map((f) => ({ path: f.path, uri: f.uri })),
      excluded: input.excluded,
      ...(input.skipped?.length ? { skipped: input.skipped } : {}),
      stages: attempt.stages,
      totals: sumStages(attempt.stages),
      decisions: attempt.decisions,
      error: reviewError(err),
    };
    deps.logger.warn(
      `review: ${input.title}: failed (${err.reason}) after ${attempt.stages.length} billed call(s), ${formatUsd(failed.totals.costUsd)}`,
    );
    throw new ReviewFailedError(err, failed);
  }
}

async function reviewOnce(
  deps: ReviewDeps,
  input: ReviewInput,
  options: ReviewOptions,
  attempt: Attempt,
): Promise<ReviewReport> {
  const { logger, clock } = deps;
  const config = deps.config();
  const started = attempt.started;
  const progress = options.onProgress ?? (() => undefined);

  const rendered = renderInput(input.files);
  const localTokens = estimateTextTokens(rendered) + 400;
  const plan = planReview(localTokens, config);
  const key = cacheKeyFor(config, input, rendered, plan);
  attempt.key = key;
  attempt.tier = plan.reviewTier;
  attempt.model = route(config, REVIEW_COMMAND, plan.reviewTier).chain[0]!.id;

  if (deps.cache && !options.fresh) {
    const hit = await deps.cache.get(key);
    if (hit) {
      logger.info(`review: ${input.title}: cached result from ${new Date(hit.storedAt).toISOString()} (no call)`);
      return { ...hit.value, fromCache: { storedAt: new Date(hit.storedAt).toISOString() } };
    }
  }
  logger.info(`review: ${input.title}: ${plan.reason}`);

  // --- pre-flight ---------------------------------------------------------------------------------
  progress('Estimating cost…');
  const directMessages = reviewMessages(input.kind, rendered);
  const chunks = plan.extract ? chunkFiles(input.files, EXTRACT_CHUNK_TOKENS) : [];
  // First with the local estimate: a review that cannot fit is refused before even the count
  // request carries the code anywhere.
  let preflight = await estimateReview(deps, plan, localTokens, 'local', chunks.length, input);
  refuseIfOverCap(preflight, options);
  if (!plan.extract && deps.countTokens) {
    const reviewModel = route(config, REVIEW_COMMAND, plan.reviewTier).chain[0]!;
    const counted = await deps
      .countTokens(reviewBody(directMessages, reviewModel))
      .catch(
        (err: unknown) => void logger.debug(`review: token count failed, using the local estimate (${String(err)})`),
      );
    if (typeof counted === 'number' && counted > 0) {
      preflight = await estimateReview(deps, plan, counted, 'provider', chunks.length, input);
      refuseIfOverCap(preflight, options);
    }
  }
  const { inputTokens, tokenSource } = preflight;
  logger.info(
    `review: pre-flight ${inputTokens} tokens (${tokenSource}), estimate ${formatUsd(preflight.estimateUsd)}, ` +
      `worst case ${formatUsd(preflight.worstCaseUsd)}, left today ${formatUsd(preflight.remainingUsd)}`,
  );
  if (options.confirm && preflight.worstCaseUsd > config.budget.confirmAboveUsd) {
    progress('Waiting for your confirmation…');
    if (!(await options.confirm(preflight))) {
      throw new TieredError('cancelled', 'Deep review cancelled before sending: nothing was spent.');
    }
  }

  // --- stages -------------------------------------------------------------------------------------
  const stages = attempt.stages;
  const decisions = attempt.decisions;
  decisions.push(plan.reason);
  let reviewBuild: CallSpec['build'] | undefined;
  const call = async (stage: StageRecord['stage'], spec: Omit<CallSpec, 'command' | 'signal'>): Promise<CallResult> => {
    // Streamed size in the progress text: the user sees the review is alive, not stuck.
    let chars = 0;
    let shown = 0;
    const onText =
      stage === 'review' || stage === 'repair'
        ? (delta: string) => {
            chars += delta.length;
            const tokens = Math.floor(chars / 4);
            if (tokens - shown < STREAM_PROGRESS_STEP_TOKENS) return;
            shown = tokens;
            progress(
              `${stage === 'repair' ? 'Repairing' : 'Reviewing'} on ${spec.tier ?? plan.reviewTier}: ~${tokens} tokens received…`,
            );
          }
        : undefined;
    if (stage === 'review') reviewBuild ??= spec.build;
    const result = await deps.runner.run({
      // Each stage thinks at its own level (`tiered.reasoning.triage|extract|review`).
      reasoning: stage,
      ...spec,
      command: REVIEW_COMMAND,
      signal: options.signal,
      escalate: false,
      ...(onText ? { onText } : {}),
      // A failed call that was billed (a cut stream, a rejected repair, a retried timeout) is part
      // of what the review cost: counted in the stages with its outcome.
      onRecord: (r) => {
        if (stage === 'review' || stage === 'repair') {
          attempt.tier = r.tier;
          attempt.model = r.model; // a fallback model, when the first one failed
        }
        if (r.outcome !== 'ok' && r.outcome !== 'refused' && billed(r)) stages.push(failedStage(stage, r));
      },
    });
    stages.push({
      stage,
      tier: result.tier,
      model: result.model.id,
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      reasoningTokens: result.usage.reasoningTokens,
      costUsd: result.costUsd,
      latencyMs: result.latencyMs,
    });
    return result;
  };

  let reviewTier = plan.reviewTier;
  if (plan.triage) {
    progress(`Rating complexity on ${plan.liteTier}…`);
    const sample = truncateForTriage(rendered, TRIAGE_MAX_TOKENS, estimateTextTokens);
    const messages = triageMessages(input.kind, sample);
    const triage = await callJson<Triage>(call, logger, {
      stage: 'triage',
      tier: plan.liteTier,
      messages,
      maxOutputTokens: TRIAGE_MAX_OUTPUT_TOKENS,
      schema: json(triageSchema, 'triage'),
      parse: (t) => parseJsonWith(triageSchema, t),
    });
    const decision = decideDepth(triage, plan);
    reviewTier = decision.tier;
    decisions.push(`auto depth: ${decision.reason}`);
    logger.info(`review: auto depth: ${decision.reason}`);
  }

  let findings: Findings;
  let keyLines: Set<string> | undefined;
  if (plan.extract) {
    progress(`Extracting summaries on ${plan.liteTier} (${chunks.length} part${chunks.length === 1 ? '' : 's'})…`);
    let done = 0;
    const extractions = await pool(chunks, EXTRACT_CONCURRENCY, async (chunk) => {
      const messages = extractMessages(input.kind, renderInput(chunk.files));
      const out = await callJson<Extraction>(call, logger, {
        stage: 'extract',
        tier: plan.liteTier,
        messages,
        schema: json(extractionSchema, 'extraction'),
        parse: (t) => parseJsonWith(extractionSchema, t),
      });
      progress(`Extracted ${++done}/${chunks.length} parts…`);
      return out;
    });
    const summaries = mergeExtractions(extractions.flatMap((e) => e.files));
    keyLines = new Set(summaries.flatMap((s) => s.keyLines.map((k) => `${s.file}:${k.line}`)));
    progress(`Reviewing summaries on ${reviewTier}…`);
    findings = await callJson<Findings>(call, logger, {
      stage: 'review',
      tier: reviewTier,
      messages: reasonerMessages(input.kind, summaries),
      schema: (m) => findingsJsonSchema(m.providerConfig.kind),
      parse: parseFindings,
    });
  } else {
    progress(`Reviewing on ${reviewTier}…`);
    const counted = tokenSource === 'provider' && reviewTier === plan.reviewTier ? inputTokens : undefined;
    findings = await callJson<Findings>(call, logger, {
      stage: 'review',
      tier: reviewTier,
      messages: directMessages,
      schema: (m) => findingsJsonSchema(m.providerConfig.kind),
      parse: parseFindings,
      inputTokens: counted,
    });
  }

  const allowed = keyLines ? (path: string, line: number) => keyLines!.has(`${path}:${line}`) : undefined;
  const resolved = resolveFindings(findings.findings, input.files, allowed);
  const last = [...stages].reverse().find((s) => s.stage === 'review' || s.stage === 'repair')!;
  const seen = new Map<string, string>();
  for (const f of input.files) seen.set(f.uri, f.path);
  const report: ReviewReport = {
    key,
    kind: input.kind,
    title: input.title,
    startedAt: new Date(started).toISOString(),
    elapsedMs: clock.now() - started,
    model: last.model,
    tier: last.tier,
    summary: findings.summary,
    findings: resolved,
    files: [...seen].map(([uri, path]) => ({ path, uri })),
    excluded: input.excluded,
    ...(input.skipped?.length ? { skipped: input.skipped } : {}),
    stages,
    totals: sumStages(stages),
    decisions,
  };
  logger.info(
    `review: ${input.title}: ${resolved.length} finding(s), ${formatUsd(report.totals.costUsd)} over ${stages.length} call(s) in ${report.elapsedMs} ms`,
  );
  if (options.onLiteReview && reviewBuild && stages.every((s) => s.tier === plan.liteTier)) {
    try {
      options.onLiteReview({ build: reviewBuild, tier: last.tier, model: last.model, findings: findings.findings });
    } catch (err) {
      logger.warn(`review: lite review hook failed (${String(err)})`); // never the review's problem
    }
  }
  if (deps.cache)
    await deps.cache
      .put(key, report)
      .catch((err: unknown) => logger.warn(`review: could not cache the result (${String(err)})`));
  return report;
}

/** Refuses, before anything is sent, a review whose worst case does not fit what is left today. */
function refuseIfOverCap(preflight: Preflight, options: ReviewOptions): void {
  options.onPreflight?.(preflight);
  if (!Number.isFinite(preflight.worstCaseUsd) || preflight.worstCaseUsd <= preflight.remainingUsd) return;
  throw new TieredError(
    'budget',
    `Deep review not sent: its worst case (${formatUsd(preflight.worstCaseUsd)}) is more than what is left of today's cap ` +
      `(${formatUsd(preflight.remainingUsd)} of ${formatUsd(preflight.capUsd)}).`,
  );
}

type Caller = (stage: StageRecord['stage'], spec: Omit<CallSpec, 'command' | 'signal'>) => Promise<CallResult>;

/**
 * One structured call with one repair: an answer that fails its schema is sent back to the same
 * tier with the problem; a second failure stops with a clear message and the raw answer in the log.
 */
interface JsonCall<T> {
  stage: 'triage' | 'extract' | 'review';
  tier: TierId;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  schema(m: ResolvedModel): JsonSchemaSpec;
  parse(text: string): ParseResult<T>;
  /** Provider count of the first request's input, when known. */
  inputTokens?: number;
}

async function callJson<T>(call: Caller, logger: Logger, c: JsonCall<T>): Promise<T> {
  const { stage, tier, messages, maxOutputTokens, schema, parse, inputTokens } = c;
  const body =
    (msgs: ChatMessage[]) =>
    (m: ResolvedModel): RequestBody => ({
      messages: msgs,
      maxOutputTokens: Math.min(maxOutputTokens ?? m.maxOutputTokens, m.maxOutputTokens),
      jsonSchema: schema(m),
      ...(m.temperature !== undefined ? { temperature: m.temperature } : {}),
    });
  const first = await call(stage, { tier, build: body(messages), ...(inputTokens ? { inputTokens } : {}) });
  const parsed = parse(first.text);
  if (parsed.ok) return parsed.value;
  logger.warn(`review: ${stage} answer from ${first.model.id} ${parsed.error}; asking once more to repair it`);
  // The repair's answer is checked inside the call path (`validate`), so a review that fails here
  // ends in a ledger record with outcome 'error' and the reason, not in an 'ok' one.
  let again: ParseResult<T> | undefined;
  let raw = '';
  try {
    const repair = await call('repair', {
      reasoning: stage,
      tier: first.tier,
      model: first.model.id,
      build: body(repairMessages(messages, first.text, parsed.error)),
      validate: (text) => {
        raw = text;
        again = parse(text);
        return again.ok ? undefined : `invalid review JSON: ${again.error}`;
      },
    });
    raw = repair.text;
    const checked = again ?? parse(raw);
    if (checked.ok) return checked.value;
    again = checked;
  } catch (err) {
    if (!(TieredError.is(err) && err.reason === 'invalidResponse' && again && !again.ok)) throw err;
  }
  const error = again.ok ? 'no answer' : again.error;
  logger.error(`review: ${stage} answer from ${first.model.id} still ${error} after one repair. Raw answer:\n${raw}`);
  // Plain words for the user; what was wrong with the JSON and the raw answer are in the log.
  throw new ReviewJsonError(
    `The ${tier} model (${first.model.id}) did not return valid review JSON, even after one repair attempt. ` +
      'The raw answer and what was wrong with it are in the Tiered output log.',
  );
}

function reviewBody(messages: ChatMessage[], m: ResolvedModel): RequestBody {
  return { messages, maxOutputTokens: m.maxOutputTokens, jsonSchema: findingsJsonSchema(m.providerConfig.kind) };
}

const billed = (r: LedgerRecord) => r.costUsd > 0 || r.inputTokens > 0 || r.outputTokens > 0;

function failedStage(stage: StageRecord['stage'], r: LedgerRecord): StageRecord {
  return {
    stage,
    tier: r.tier,
    model: r.model,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    reasoningTokens: r.reasoningTokens,
    costUsd: r.costUsd,
    latencyMs: r.latencyMs,
    outcome: r.outcome === 'cancelled' ? 'cancelled' : 'error',
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

/** The same file split over several chunks comes back as one summary. */
export function mergeExtractions(files: ExtractedFile[]): ExtractedFile[] {
  const byFile = new Map<string, ExtractedFile>();
  for (const f of files) {
    const prev = byFile.get(f.file);
    if (!prev) byFile.set(f.file, { ...f });
    else
      byFile.set(f.file, {
        file: f.file,
        purpose: prev.purpose === f.purpose ? prev.purpose : `${prev.purpose} ${f.purpose}`.trim(),
        changedFunctions: [...prev.changedFunctions, ...f.changedFunctions],
        risks: [...prev.risks, ...f.risks],
        keyLines: [...prev.keyLines, ...f.keyLines],
      });
  }
  return [...byFile.values()];
}

/** Models a review would use, by table id and provider model, for the cache key. */
function cacheKeyFor(config: TieredConfig, input: ReviewInput, rendered: string, plan: ReviewPlan): string {
  const primary = (tier: TierId) => {
    const m = route(config, REVIEW_COMMAND, tier).chain[0]!;
    return `${m.id}=${m.provider}/${m.model}`;
  };
  const models = [primary(plan.reviewTier)];
  if (plan.extract || plan.triage) models.push(primary(plan.liteTier));
  const mode = [input.kind, plan.extract ? 'extract' : 'direct', plan.triage ? 'auto' : 'fixed'].join('+');
  return reviewCacheKey({
    content: rendered,
    models,
    promptVersion: PROMPT_VERSION,
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    mode,
  });
}

/** Worst case of every stage the plan may run; the estimate assumes a typical review's output. */
async function estimateReview(
  deps: ReviewDeps,
  plan: ReviewPlan,
  inputTokens: number,
  tokenSource: Preflight['tokenSource'],
  chunkCount: number,
  input: ReviewInput,
): Promise<Preflight> {
  const { runner } = deps;
  const stages: StageEstimate[] = [];
  const spec = (tier: TierId, tokens: number, maxOut?: number): CallSpec => ({
    command: REVIEW_COMMAND,
    tier,
    inputTokens: tokens,
    build: (m) => ({ messages: [], maxOutputTokens: Math.min(maxOut ?? m.maxOutputTokens, m.maxOutputTokens) }),
  });
  let reviewInputTokens = inputTokens;
  let expected = 0;
  if (plan.triage) {
    const e = await runner.estimate(
      spec(plan.liteTier, Math.min(inputTokens, TRIAGE_MAX_TOKENS + 300), TRIAGE_MAX_OUTPUT_TOKENS),
    );
    stages.push({ stage: 'triage', tier: plan.liteTier, model: e.model.id, calls: 1, worstCaseUsd: e.worstCaseUsd });
    expected += e.worstCaseUsd;
  }
  if (plan.extract) {
    const per = Math.ceil(inputTokens / Math.max(1, chunkCount)) + 400;
    const e = await runner.estimate(spec(plan.liteTier, per));
    stages.push({
      stage: 'extract',
      tier: plan.liteTier,
      model: e.model.id,
      calls: chunkCount,
      worstCaseUsd: e.worstCaseUsd * chunkCount,
    });
    expected += e.worstCaseUsd * chunkCount;
    // The reasoner reads at most every extractor's full output.
    const liteMax = e.model.maxOutputTokens;
    reviewInputTokens = chunkCount * liteMax + 800 + input.files.length * 20;
  }
  const worst = await runner.estimate(spec(plan.reviewTier, reviewInputTokens));
  const typical = await runner.estimate(spec(plan.reviewTier, reviewInputTokens, TYPICAL_REVIEW_OUTPUT_TOKENS));
  stages.push({
    stage: 'review',
    tier: plan.reviewTier,
    model: worst.model.id,
    calls: 1,
    worstCaseUsd: worst.worstCaseUsd,
  });
  const worstCaseUsd = stages.reduce((s, x) => s + x.worstCaseUsd, 0);
  return {
    inputTokens,
    tokenSource,
    estimateUsd: expected + typical.worstCaseUsd,
    worstCaseUsd,
    remainingUsd: worst.remainingUsd,
    capUsd: worst.capUsd,
    stages,
    plan,
  };
}

/** Runs `fn` over items with at most `limit` at a time; results keep the items' order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}

/** A fresh id for a review run (progress, logs). */
export const newReviewId = (): string => randomUUID().slice(0, 8);
