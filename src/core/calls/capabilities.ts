// Shapes a request for the model it goes to (DESIGN.md, call path step 1): the reasoning control
// at the command's level mapped onto the model's own values, temperature only where the model
// takes it, the right output-cap field, and a cap that leaves room for reasoning where reasoning
// counts against it. The facts come from capabilityTable.ts, overridable per model in settings.
import type { ProviderConfig } from '../config';
import type { RequestBody } from '../calls';
import type { ResolvedModel } from '../router';
import type { WireReasoning } from '../types';
import { CAPABILITY_TABLE, type Capabilities, type ReasoningSpec } from './capabilityTable';

/** How much a command wants the model to think. `least` is the least the model allows. */
export type ReasoningLevel = 'least' | 'minimal' | 'low' | 'medium' | 'high' | 'default';
export const REASONING_LEVELS = ['least', 'minimal', 'low', 'medium', 'high', 'default'] as const;

/** Per command (and review stage) defaults: inline and triage think least; reviews think medium. */
export const DEFAULT_REASONING: Record<string, ReasoningLevel> = {
  complete: 'least',
  triage: 'least',
  tone: 'low',
  extract: 'low',
  review: 'medium',
  shadow: 'medium',
};

/** What kind of server a provider is; decides wire details that are the host's, not the model's. */
export type ServerKind =
  'openai' | 'azure' | 'openrouter' | 'litellm' | 'ollama' | 'llamacpp' | 'vllm' | 'lmstudio' | 'gemini' | 'other';
export const SERVER_KINDS = [
  'openai',
  'azure',
  'openrouter',
  'litellm',
  'ollama',
  'llamacpp',
  'vllm',
  'lmstudio',
  'gemini',
  'other',
] as const;

/** The provider's `server` setting, else what its base URL says (well-known hosts and default ports). */
export function serverKind(provider: Pick<ProviderConfig, 'kind' | 'baseUrl'> & { server?: ServerKind }): ServerKind {
  if (provider.server) return provider.server;
  if (provider.kind === 'gemini') return 'gemini';
  let url: URL;
  try {
    url = new URL(provider.baseUrl);
  } catch {
    return 'other';
  }
  const host = url.hostname.toLowerCase();
  if (host === 'api.openai.com') return 'openai';
  if (host.endsWith('.openai.azure.com') || host.endsWith('.cognitiveservices.azure.com')) return 'azure';
  if (host === 'openrouter.ai' || host.endsWith('.openrouter.ai')) return 'openrouter';
  // Default ports of the local servers (Ollama 11434, LM Studio 1234).
  if (url.port === '11434') return 'ollama';
  if (url.port === '1234') return 'lmstudio';
  return 'other';
}

/** The model id as families are matched: lower case, without a vendor prefix ("openai/gpt-5"). */
export function familyKey(model: string): string {
  const id = model.trim().toLowerCase();
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

/** The bundled entry for a model id, or undefined for an unknown model. */
export function bundledCapabilities(model: string): Capabilities | undefined {
  const key = familyKey(model);
  const entry = CAPABILITY_TABLE.find((e) => e.match.test(key));
  if (!entry) return undefined;
  const { match: _match, ...caps } = entry;
  return caps;
}

/** A model's capabilities: the bundled entry with the user's `capabilities` override on top. */
export function capabilitiesOf(model: Pick<ResolvedModel, 'model' | 'capabilities'>): Capabilities | undefined {
  const bundled = bundledCapabilities(model.model);
  const override = model.capabilities;
  if (!override) return bundled;
  const base: Capabilities = bundled ?? {
    family: 'unknown',
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    reasoningCountsAgainstCap: true,
    vendorFim: false,
    source: 'settings',
  };
  const out: Capabilities = { ...base, source: `${base.source}; overridden in settings` };
  if (override.temperature) out.temperature = override.temperature;
  if (override.reasoning !== undefined) out.reasoning = reasoningFromSetting(override.reasoning);
  if (override.reasoningCountsAgainstCap !== undefined)
    out.reasoningCountsAgainstCap = override.reasoningCountsAgainstCap;
  if (override.outputCapField) out.outputCapField = override.outputCapField;
  if (override.maxOutputLimit) out.maxOutputLimit = override.maxOutputLimit;
  if (override.fimTemplate) out.fimTemplate = override.fimTemplate;
  return out;
}

type ReasoningSetting = NonNullable<NonNullable<ResolvedModel['capabilities']>['reasoning']>;

function reasoningFromSetting(setting: ReasoningSetting): ReasoningSpec {
  if (setting === 'none') return { kind: 'none' };
  if (setting.param === 'thinkingBudget') {
    return {
      kind: 'budget',
      min: setting.min,
      max: setting.max,
      canDisable: setting.canDisable,
      default: setting.default,
    };
  }
  return {
    kind: 'level',
    param: setting.param,
    values: setting.values,
    default: setting.default ?? setting.values[0]!,
    ...(setting.off ? { off: setting.off } : {}),
  };
}

/** Reasoning effort names from least to most, across providers. */
const RANK = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const rank = (value: string): number => {
  const i = RANK.indexOf(value.toLowerCase());
  return i < 0 ? RANK.indexOf('medium') : i;
};

/**
 * Reasoning tokens to leave room for at each level (on top of the visible answer). A level has no
 * hard token limit on OpenAI or Gemini 3, so this is a room, not a promise: an answer that still
 * ends at the cap with nothing to show is that model's failure (the call path moves on).
 */
export const REASONING_ALLOWANCE: Record<string, number> = {
  none: 0,
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 24_576,
  xhigh: 32_768,
};

/** A level's token budget for Gemini 2.5's thinkingBudget. */
const BUDGET_FOR: Record<Exclude<ReasoningLevel, 'least' | 'default'>, number> = {
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 24_576,
};

export interface ReasoningChoice {
  /** What goes on the wire; undefined sends nothing (the provider's default applies). */
  wire?: WireReasoning;
  /** The value chosen, for logs and the setup check ("minimal", "0", "default"). */
  value: string;
  /** Tokens of reasoning to leave room for. */
  allowanceTokens: number;
  /** True when reasoning is off with this choice. */
  off: boolean;
}

/** Maps a command's level onto the model's own values; never a value the model rejects. */
export function chooseReasoning(
  caps: Capabilities | undefined,
  level: ReasoningLevel,
  server: ServerKind,
): ReasoningChoice {
  const spec = caps?.reasoning;
  if (!spec || spec.kind === 'none') return { value: 'none', allowanceTokens: 0, off: true };
  if (spec.kind === 'budget') {
    const budget =
      level === 'least'
        ? spec.canDisable
          ? 0
          : spec.min
        : level === 'default'
          ? spec.default
          : Math.min(spec.max, Math.max(spec.min, BUDGET_FOR[level]));
    const allowance = budget < 0 ? spec.max : budget;
    // Through an OpenAI-style gateway (LiteLLM, OpenRouter) the budget travels as an effort name.
    const wire: WireReasoning | undefined =
      level === 'default'
        ? undefined
        : server === 'gemini'
          ? { param: 'thinkingBudget', value: budget }
          : budget === 0
            ? undefined
            : effortWire(server, nearestEffort(budget));
    return { ...(wire ? { wire } : {}), value: String(budget), allowanceTokens: allowance, off: budget === 0 };
  }
  const value =
    level === 'default'
      ? spec.default
      : level === 'least'
        ? spec.values[0]!
        : (spec.values.find((v) => rank(v) >= rank(level)) ?? spec.values[spec.values.length - 1]!);
  const allowanceTokens = REASONING_ALLOWANCE[value.toLowerCase()] ?? REASONING_ALLOWANCE.medium!;
  const off = spec.off !== undefined && value === spec.off;
  if (level === 'default') return { value, allowanceTokens, off };
  const wire: WireReasoning =
    spec.param === 'thinkingLevel' && server === 'gemini'
      ? { param: 'thinkingLevel', value }
      : effortWire(server, value);
  return { wire, value, allowanceTokens, off };
}

function effortWire(server: ServerKind, value: string): WireReasoning {
  return server === 'openrouter' ? { param: 'openrouter', value } : { param: 'reasoning_effort', value };
}

function nearestEffort(budget: number): string {
  if (budget <= BUDGET_FOR.minimal) return 'low';
  if (budget <= BUDGET_FOR.low) return 'low';
  if (budget <= BUDGET_FOR.medium) return 'medium';
  return 'high';
}

export interface ShapedRequest {
  body: RequestBody;
  /** Most output tokens the call can be billed for (reasoning included): what the budget reserves. */
  outputBound: number;
  reasoning: ReasoningChoice;
  /** Things left out of the request and why (logged once per model). */
  dropped: string[];
}

/**
 * The request as `model` takes it. `body.maxOutputTokens` is the visible answer's budget (the
 * feature's); the model table's `maxOutputTokens` bounds it; the reasoning allowance comes on top.
 */
export function shapeRequest(model: ResolvedModel, body: RequestBody, level: ReasoningLevel): ShapedRequest {
  const caps = capabilitiesOf(model);
  const server = serverKind(model.providerConfig);
  const reasoning = chooseReasoning(caps, level, server);
  const dropped: string[] = [];
  const visible = Math.max(1, Math.min(body.maxOutputTokens, model.maxOutputTokens));
  const limit = caps?.maxOutputLimit ?? Number.MAX_SAFE_INTEGER;
  // FIM endpoints of local servers have no reasoning control; a chat call does.
  const reasons = body.fim ? { ...reasoning, wire: undefined, allowanceTokens: 0 } : reasoning;
  const counts = caps?.reasoningCountsAgainstCap ?? true;
  const cap = Math.min(limit, counts ? visible + reasons.allowanceTokens : visible);
  const outputBound = counts ? cap : cap + reasons.allowanceTokens;

  const shaped: RequestBody = { ...body, maxOutputTokens: cap };
  delete shaped.temperature;
  delete shaped.reasoning;
  if (body.temperature !== undefined) {
    const rule = caps?.temperature ?? 'accepted';
    const accepted = rule === 'accepted' || (rule === 'withoutReasoning' && reasons.off);
    if (accepted) shaped.temperature = body.temperature;
    else dropped.push(`temperature (${caps?.family ?? model.model}: ${rule})`);
  }
  if (reasons.wire) shaped.reasoning = reasons.wire;
  if (model.providerConfig.kind === 'openai') {
    shaped.outputCapField =
      caps?.outputCapField ?? (server === 'openai' || server === 'azure' ? 'max_completion_tokens' : 'max_tokens');
  }
  return { body: shaped, outputBound, reasoning: reasons, dropped };
}
