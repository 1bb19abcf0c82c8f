// What `Tiered: Check Setup` sends: for every model of the tiers (each once), the smallest real
// chat request at the reasoning level the model gets from its commands, plus a FIM request for
// models with `fim`. Each goes through the call path under the command `setup` (budgeted, within
// the cap, in the ledger), pinned to the model, with no fallback and no retries.
import type { CallSpec, RequestBody } from '../calls';
import { capabilitiesOf, shapeRequest, type ReasoningLevel } from '../calls/capabilities';
import { reasoningLevelFor, type TieredConfig } from '../config';
import { fimChoice, type FimChoice } from '../completion/fim';
import { buildInlineRequest } from '../completion/prompt';
import { resolveModel, type ResolvedModel } from '../router';

export const SETUP_COMMAND = 'setup';
export const SETUP_PROMPT = 'Reply with: OK';
/** The visible answer's cap: "OK" needs two tokens; the reasoning allowance comes on top. */
export const SETUP_VISIBLE_TOKENS = 16;
/** Each request's own timeout (a pro model thinking at medium may take a while). */
export const SETUP_TIMEOUT_MS = 60_000;
/** A tiny FIM window: the model has an obvious middle to fill. */
export const SETUP_FIM_WINDOW = {
  prefix: 'function add(a: number, b: number): number {\n  return ',
  suffix: ';\n}\n',
  languageId: 'typescript',
};

export interface SetupCheck {
  model: ResolvedModel;
  tier: string;
  /** The command whose `tiered.reasoning` level this model gets (the first routed to its tier). */
  reasoningFrom?: string;
  level: ReasoningLevel;
  /** The FIM route inline completions take with this model, if any. */
  fim?: FimChoice;
}

/**
 * Every model named in `tiered.tiers`, once, in tier order. A model gets the reasoning level of the
 * first command routed to its tier (lite: `complete` → least; pro: `review` → medium); a tier no
 * command routes to (reached only by escalation) gets `tiered.reasoning.setup`, default least.
 */
export function planChecks(config: TieredConfig): SetupCheck[] {
  const seen = new Set<string>();
  const checks: SetupCheck[] = [];
  for (const [tier, ids] of Object.entries(config.tiers)) {
    const reasoningFrom = Object.entries(config.commands).find(([, t]) => t === tier)?.[0];
    const level = reasoningLevelFor(config, reasoningFrom ?? SETUP_COMMAND);
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const model = resolveModel(config, id);
      const fim = fimChoice(model);
      checks.push({ model, tier, level, ...(reasoningFrom ? { reasoningFrom } : {}), ...(fim ? { fim } : {}) });
    }
  }
  return checks;
}

/** Models of the table no tier lists: nothing calls them, so they are not checked. */
export function unusedModels(config: TieredConfig): string[] {
  const used = new Set(Object.values(config.tiers).flat());
  return Object.keys(config.models).filter((id) => !used.has(id));
}

function base(check: SetupCheck, signal?: AbortSignal): Omit<CallSpec, 'build'> {
  return {
    command: SETUP_COMMAND,
    tier: check.tier,
    model: check.model.id,
    reasoning: check.reasoningFrom ?? SETUP_COMMAND,
    fallback: false,
    retries: 0,
    timeoutMs: Math.min(SETUP_TIMEOUT_MS, check.model.providerConfig.timeoutMs),
    ...(signal ? { signal } : {}),
  };
}

/** "Reply with: OK" with the model's own temperature, as its features would send it. */
export function chatBody(model: Pick<ResolvedModel, 'temperature'>): RequestBody {
  return {
    messages: [{ role: 'user', content: SETUP_PROMPT }],
    maxOutputTokens: SETUP_VISIBLE_TOKENS,
    ...(model.temperature !== undefined ? { temperature: model.temperature } : {}),
  };
}

export function chatSpec(check: SetupCheck, signal?: AbortSignal): CallSpec {
  return { ...base(check, signal), build: (m) => chatBody(m) };
}

/** The request inline completions send, on a tiny window (so the FIM dialect is the real one). */
export function fimSpec(check: SetupCheck, signal?: AbortSignal): CallSpec {
  return {
    ...base(check, signal),
    reasoning: 'complete',
    build: (m) => buildInlineRequest(m, SETUP_FIM_WINDOW, { maxOutputTokens: SETUP_VISIBLE_TOKENS }),
  };
}

/**
 * The reasoning control as it goes on the wire for this check: `thinkingLevel minimal`,
 * `reasoning_effort none`, `thinkingBudget 0`, or why nothing is sent.
 */
export function reasoningLabel(check: SetupCheck): string {
  const { model, level } = check;
  const shaped = shapeRequest(model, chatBody(model), level);
  const wire = shaped.body.reasoning;
  const from = check.reasoningFrom ? ` (as for ${check.reasoningFrom})` : '';
  if (wire) {
    const param = wire.param === 'openrouter' ? 'reasoning.effort' : wire.param;
    return `${param} ${wire.value}${from}`;
  }
  const caps = capabilitiesOf(model);
  if (!caps) return 'none sent (model not in the capabilities table)';
  if (caps.reasoning.kind === 'none') return 'none (the model has no reasoning control)';
  if (level === 'default') return `none sent: the provider's default${from}`;
  return `none sent (${shaped.reasoning.value})${from}`;
}

/** e.g. "suffix (/v1/completions)", "infill (llama.cpp /infill)", "template qwen", "none (chat prompt)". */
export function fimLabel(fim: FimChoice | undefined): string {
  if (!fim) return 'none (inline uses a chat prompt)';
  if (fim.dialect === 'suffix') return 'suffix (/v1/completions with suffix)';
  if (fim.dialect === 'infill') return 'infill (llama.cpp /infill)';
  return `template ${fim.template} (/v1/completions prompt)`;
}
