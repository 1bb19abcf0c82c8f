// One tone fix through the call path: builds the CallSpec (prompt, bounded output, the checks as
// `validate` so a failed lite answer escalates) and turns the answer into the selection's replacement.
import type { CallResult, CallRunner, CallSpec } from '../calls';
import type { TieredConfig } from '../config';
import type { ResolvedModel } from '../router';
import { route, tierFor } from '../router';
import type { TierId } from '../types';
import { estimateTextTokens } from '../usage';
import { checkAnswer, FAILURE_MESSAGES, MAX_GROWTH, type ToneFailure } from './checks';
import type { ToneFixPlan } from './plan';
import { toneTarget } from './plan';
import { toneMessages } from './prompt';
import { BUILT_IN_TONES, type Tone } from './tones';

export const TONE_COMMAND = 'tone';

export type SendablePlan = Exclude<ToneFixPlan, { kind: 'none' }>;

export interface ToneFixRequest {
  config: TieredConfig;
  plan: SendablePlan;
  tone: Tone;
  signal?: AbortSignal;
  confirm?: CallSpec['confirm'];
}

export type ToneFixOutcome =
  | { kind: 'rewritten'; replacement: string; result: CallResult }
  | { kind: 'unchanged'; result: CallResult }
  | { kind: 'rejected'; failure: ToneFailure; message: string; result: CallResult };

/** Output room on a tier above (thinking models): enough for a short rewrite, under the default confirm threshold. */
const ESCALATED_FLOOR = 3072;

/**
 * Output bound: a good answer is never more than MAX_GROWTH× the input, so more is not reserved.
 * A tier above the command's own (escalation) may think before answering, so it gets more room.
 */
export function toneOutputTokens(promptTokens: number, model: ResolvedModel, ownTier: TierId): number {
  const needed = MAX_GROWTH * promptTokens + 64;
  const floor = model.tier === ownTier ? 256 : ESCALATED_FLOOR;
  return Math.min(model.maxOutputTokens, Math.max(needed, floor));
}

export function toneCallSpec(req: ToneFixRequest): CallSpec {
  const target = toneTarget(req.plan)!;
  const messages = toneMessages(target, req.tone);
  const userTokens = estimateTextTokens(messages.at(-1)!.content);
  const ownTier = tierFor(req.config, TONE_COMMAND);
  const options = { mayBeUnchanged: req.tone.mayBeUnchanged };
  return {
    command: TONE_COMMAND,
    build: (model) => ({
      messages,
      maxOutputTokens: toneOutputTokens(userTokens, model, ownTier),
      ...(model.temperature !== undefined ? { temperature: model.temperature } : {}),
    }),
    validate: (text) => {
      const verdict = checkAnswer(req.plan, text, options);
      return verdict.ok ? undefined : verdict.message;
    },
    escalate: req.config.escalation.enabled,
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.confirm ? { confirm: req.confirm } : {}),
  };
}

/** Share of the lite model's output limit a selection may fill: rewrites run a little longer than their source. */
const OUTPUT_HEADROOM = 0.75;

/**
 * Why the selection is too long for the command's primary model to answer in full, or undefined.
 * Checked before sending: a rewrite cut off at the output limit must never replace the user's text.
 */
export function sizeProblem(config: TieredConfig, plan: SendablePlan): string | undefined {
  const model = route(config, TONE_COMMAND).chain[0]!;
  const target = toneTarget(plan)!;
  const tokens = estimateTextTokens(toneMessages(target, BUILT_IN_TONES[0]!).at(-1)!.content);
  const limit = Math.floor(model.maxOutputTokens * OUTPUT_HEADROOM);
  if (tokens <= limit) return undefined;
  return (
    `The selection is about ${tokens} tokens; the tone model \`${model.id}\` answers at most ${model.maxOutputTokens} ` +
    `(\`tiered.models.${model.id}.maxOutputTokens\`), so a rewrite could be cut off. Select at most about ${limit} tokens.`
  );
}

/** Runs the fix; throws what the call path throws (TieredError 'budget', 'cancelled', 'invalidResponse', …). */
export async function runToneFix(runner: CallRunner, req: ToneFixRequest): Promise<ToneFixOutcome> {
  const result = await runner.run(toneCallSpec(req));
  const target = toneTarget(req.plan)!;
  const promptTokens = estimateTextTokens(toneMessages(target, req.tone).at(-1)!.content);
  const limit = toneOutputTokens(promptTokens, result.model, tierFor(req.config, TONE_COMMAND));
  // Thinking is billed as output but is not part of the rewrite: only the visible answer can be cut.
  if (result.usage.outputTokens - result.usage.reasoningTokens >= limit) {
    return { kind: 'rejected', failure: 'truncated', message: FAILURE_MESSAGES.truncated, result };
  }
  // Checked again here: the final answer (escalated or not) is what replaces the user's text.
  const verdict = checkAnswer(req.plan, result.text, { mayBeUnchanged: req.tone.mayBeUnchanged });
  if (!verdict.ok) return { kind: 'rejected', failure: verdict.failure, message: verdict.message, result };
  if (!verdict.changed) return { kind: 'unchanged', result };
  return { kind: 'rewritten', replacement: verdict.replacement, result };
}
