// The one call path every feature uses (route → budget → call → validate/escalate → settle).
// Features depend on this interface only; core/callPath.ts implements it.
import type { ResolvedModel } from './router';
import type { CommandId, LedgerRecord, ModelRequest, NormalizedUsage, TierId } from './types';

/** What a feature asks for; the call path adds model, signal and timeout. */
export type RequestBody = Omit<ModelRequest, 'model' | 'signal' | 'timeoutMs'>;

export interface CostEstimate {
  model: ResolvedModel;
  inputTokens: number;
  /** input × input price + maxOutputTokens × output price. */
  worstCaseUsd: number;
  /** What is left of today's cap for this command (the smaller of global and per-command). */
  remainingUsd: number;
  capUsd: number;
}

export interface CallSpec {
  command: CommandId;
  /** Run on this tier instead of the command's own (triage, escalation). */
  tier?: TierId;
  /**
   * Pin one model of the tier (its table id): a JSON repair goes back to the model that answered.
   * Retries stay on it; no other model is tried.
   */
  model?: string;
  /** Builds the request for a given model (prompt shape may differ: FIM vs chat). */
  build(model: ResolvedModel): RequestBody;
  /**
   * Checks the answer; returns why it is unacceptable, or undefined when it is fine. A failed
   * check escalates to the tier above when `escalate` is set and the user allows escalation.
   */
  validate?(text: string): string | undefined;
  escalate?: boolean;
  signal?: AbortSignal;
  onText?(delta: string): void;
  /** Provider-side count of the input tokens, when the caller already has one. */
  inputTokens?: number;
  /** Asked before a call whose worst case is above `budget.confirmAboveUsd`; false cancels. */
  confirm?(estimate: CostEstimate): Promise<boolean>;
  /** Overrides the provider's timeout (inline completions want a short one). */
  timeoutMs?: number;
  /** Retries of a transient failure on the same model before the next one (default 2; inline uses 0). */
  retries?: number;
  /** Whether a failure may move to the next model of the same tier (default true). */
  fallback?: boolean;
  /**
   * Which `tiered.reasoning` entry sets the reasoning level (a review stage: triage, extract,
   * review); default: the command.
   */
  reasoning?: string;
  /**
   * Told of every billed attempt's ledger record (retries and fallbacks included, failed ones
   * too), after it is written: a deep review that fails adds up what its calls cost.
   */
  onRecord?(record: LedgerRecord): void;
}

export interface CallResult {
  text: string;
  model: ResolvedModel;
  tier: TierId;
  usage: NormalizedUsage;
  /** False when the server sent no usage and the tokens are Tiered's estimate. */
  usageReported?: boolean;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  record: LedgerRecord;
  /** Set when the answer came from a tier above the command's own after a failed check. */
  escalatedFrom?: TierId;
  /** Set when the soft threshold moved a non-critical command to the cheapest model. */
  downgraded?: boolean;
}

export interface CallRunner {
  /** Throws TieredError: 'budget' when refused, 'cancelled' when aborted, others as mapped. */
  run(spec: CallSpec): Promise<CallResult>;
  /** The pre-flight estimate for the command's primary model, without calling. */
  estimate(spec: CallSpec): Promise<CostEstimate>;
}
