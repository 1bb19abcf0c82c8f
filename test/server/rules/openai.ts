// api.openai.com's published rules per model family, as the Chat Completions and legacy
// Completions endpoints enforce them. Each rule names where it was checked (checked 2026-11-30).
import { modelFamilyId, obj, quoteList, type Json, type Rejection, type RuleVerdict } from './types';

type Temperature =
  /** Any value (non-reasoning models). */
  | 'any'
  /** Only the default 1: gpt-5 / o-series. */
  | 'default-only'
  /** Only when the effective reasoning effort is `none` (gpt-5.1 and later). */
  | 'effort-none';

interface OpenAIFamily {
  match: RegExp;
  /** Accepted `reasoning_effort` values; empty: the parameter is not accepted at all. */
  efforts: readonly string[];
  defaultEffort?: string;
  temperature: Temperature;
  /** `max_tokens` is refused ("Use 'max_completion_tokens' instead"). */
  noMaxTokens: boolean;
}

const R5 = ['minimal', 'low', 'medium', 'high'] as const;
const R51 = ['none', 'low', 'medium', 'high'] as const;
const R52 = ['none', 'low', 'medium', 'high', 'xhigh'] as const;

// Most specific first.
const FAMILIES: readonly OpenAIFamily[] = [
  // gpt-5(.x)-chat-latest: only `medium` ("Supported values are: 'medium'."), sampling allowed.
  // https://github.com/egoist/chatwise-releases/issues/1257 ; https://learnku.com/articles/90544
  { match: /^gpt-5(\.\d+)?-chat/, efforts: ['medium'], defaultEffort: 'medium', temperature: 'any', noMaxTokens: true },
  // gpt-5-pro defaults to (and only supports) `high`.
  // node_modules/openai ReasoningEffort doc (SDK 6.x); https://learn.microsoft.com/en-us/javascript/api/@azure/ai-projects/reasoningeffort
  { match: /^gpt-5-pro/, efforts: ['high'], defaultEffort: 'high', temperature: 'default-only', noMaxTokens: true },
  // gpt-5.x-pro: medium | high | xhigh (default not published; we use high as gpt-5-pro does).
  // https://github.com/anomalyco/models.dev/pull/2351
  {
    match: /^gpt-5\.\d+-pro/,
    efforts: ['medium', 'high', 'xhigh'],
    defaultEffort: 'high',
    temperature: 'effort-none',
    noMaxTokens: true,
  },
  // gpt-5.1: none (default) | low | medium | high; `minimal` refused; temperature only with none.
  // https://learn.microsoft.com/en-us/javascript/api/@azure/ai-projects/reasoningeffort ;
  // https://github.com/openai/openai-agents-python/issues/2089 ; https://github.com/BerriAI/litellm/pull/17011
  { match: /^gpt-5\.1(\D|$)/, efforts: R51, defaultEffort: 'none', temperature: 'effort-none', noMaxTokens: true },
  // gpt-5.2 .. 5.4: adds xhigh, default still none (unset accepts temperature like none).
  // https://github.com/anomalyco/models.dev/pull/2351 ; https://github.com/BerriAI/litellm-docs/pull/1066
  { match: /^gpt-5\.[234](\D|$)/, efforts: R52, defaultEffort: 'none', temperature: 'effort-none', noMaxTokens: true },
  // gpt-5.5 and later: same values, default medium (unset rejects temperature).
  // https://github.com/BerriAI/litellm-docs/pull/1066 ; https://github.com/UKGovernmentBEIS/inspect_ai/issues/5162 ;
  // https://github.com/bolna-ai/bolna/pull/852
  { match: /^gpt-5\.\d+/, efforts: R52, defaultEffort: 'medium', temperature: 'effort-none', noMaxTokens: true },
  // gpt-5 / -mini / -nano and dated snapshots: minimal | low | medium (default) | high; temperature 1 only.
  // https://github.com/gabrii/Cursor-Azure-GPT-5/issues/33 ; https://github.com/ag2ai/ag2/issues/2008
  { match: /^gpt-5(-|$)/, efforts: R5, defaultEffort: 'medium', temperature: 'default-only', noMaxTokens: true },
  // o-series: low | medium (default) | high; temperature 1 only; max_tokens refused.
  // https://github.com/OpenHands/OpenHands/issues/4131 ; https://github.com/teilomillet/gollm/issues/33
  {
    match: /^o\d/,
    efforts: ['low', 'medium', 'high'],
    defaultEffort: 'medium',
    temperature: 'default-only',
    noMaxTokens: true,
  },
  // Non-reasoning chat models: reasoning_effort is an unrecognized argument.
  // https://github.com/PsycherosAI/Psycheros/issues/41 ; https://github.com/AAswordman/Operit/issues/1048
  { match: /^(gpt-4|gpt-3\.5-turbo(?!-instruct)|chatgpt-)/, efforts: [], temperature: 'any', noMaxTokens: false },
];

/** Legacy Completions models; `suffix` only on gpt-3.5-turbo-instruct (openai SDK completions.d.ts). */
const COMPLETION_MODELS: Record<string, { suffix: boolean }> = {
  'gpt-3.5-turbo-instruct': { suffix: true },
  'davinci-002': { suffix: false },
  'babbage-002': { suffix: false },
};

export function openAIFamily(model: string): OpenAIFamily | undefined {
  const id = modelFamilyId(model);
  return FAMILIES.find((f) => f.match.test(id));
}

function err(status: number, message: string, param: string | null, code: string | null, reason: string): Rejection {
  return { status, reason, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

/** Shown as OpenAI prints numbers in these messages (0.2, 0, 1). */
const num = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

export function openAIChatRules(model: string, body: unknown): RuleVerdict {
  const b = obj(body);
  const temperature = typeof b.temperature === 'number' ? b.temperature : undefined;
  const family = openAIFamily(model);
  if (!family) return { temperature };
  const sent = b.reasoning_effort;
  if (family.efforts.length === 0) {
    if (sent !== undefined)
      return {
        temperature,
        reject: err(
          400,
          'Unrecognized request argument supplied: reasoning_effort',
          null,
          null,
          `reasoning_effort on non-reasoning ${model}`,
        ),
      };
    return { temperature };
  }
  const verdict = (reject?: Rejection): RuleVerdict => ({
    temperature,
    reject,
    effort: typeof sent === 'string' ? sent : family.defaultEffort,
    reasoningInCap: true,
  });
  // https://github.com/griptape-ai/ComfyUI-Griptape/issues/312 (same body for o1, gpt-5, gpt-5.1, gpt-5.4)
  if (b.max_tokens !== undefined && b.max_tokens !== null && family.noMaxTokens)
    return verdict(
      err(
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        'max_tokens',
        'unsupported_parameter',
        `max_tokens on ${model}`,
      ),
    );
  if (sent !== undefined && (typeof sent !== 'string' || !family.efforts.includes(sent)))
    // https://github.com/egoist/chatwise-releases/issues/1257 ; https://github.com/livekit/agents/pull/3966
    return verdict(
      err(
        400,
        `Unsupported value: 'reasoning_effort' does not support ${typeof sent === 'string' ? `'${sent}'` : num(sent)} with this model. Supported values are: ${quoteList(family.efforts)}.`,
        'reasoning_effort',
        'unsupported_value',
        `reasoning_effort ${String(sent)} on ${model}`,
      ),
    );
  const effort = typeof sent === 'string' ? sent : family.defaultEffort;
  for (const param of ['temperature', 'top_p'] as const) {
    const value = b[param];
    if (value === undefined || value === null) continue;
    if (family.temperature === 'default-only' && value !== 1)
      // https://github.com/gabrii/Cursor-Azure-GPT-5/issues/33
      return verdict(
        err(
          400,
          `Unsupported value: '${param}' does not support ${num(value)} with this model. Only the default (1) value is supported.`,
          param,
          'unsupported_value',
          `${param} ${num(value)} on ${model}`,
        ),
      );
    if (family.temperature === 'effort-none' && effort !== 'none')
      // gpt-5.2 with reasoning on: https://github.com/OpenHands/software-agent-sdk/issues/1837
      return verdict(
        err(
          400,
          `Unsupported parameter: '${param}' is not supported with this model.`,
          param,
          null,
          `${param} with reasoning_effort ${String(effort)} on ${model}`,
        ),
      );
  }
  return verdict();
}

/** /v1/completions on api.openai.com: chat models are refused; `suffix` only where documented. */
export function openAICompletionRules(model: string, body: unknown): RuleVerdict {
  const b = obj(body);
  const temperature = typeof b.temperature === 'number' ? b.temperature : undefined;
  const id = modelFamilyId(model);
  const legacy = COMPLETION_MODELS[id];
  if (!legacy) {
    if (!openAIFamily(model)) return { temperature };
    // 404 as measured: https://github.com/enricoros/big-AGI/issues/169 (mirror case) and the
    // "chat model" body reported for gpt-3.5/4/5 on /v1/completions.
    return {
      temperature,
      reject: err(
        404,
        'This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?',
        'model',
        null,
        `chat model ${model} on /v1/completions`,
      ),
    };
  }
  if (b.suffix !== undefined && b.suffix !== null && !legacy.suffix)
    // https://github.com/openai/openai-python/issues/619
    return {
      temperature,
      reject: err(400, 'Unrecognized request argument supplied: suffix', null, null, `suffix on ${model}`),
    };
  return { temperature };
}

/** OpenAI's 403 for a country it does not serve (a fault, not a rule). */
export function regionBody(): Json {
  // https://github.com/continuedev/continue/issues/11449 (gpt-5, 403)
  return {
    error: {
      code: 'unsupported_country_region_territory',
      message: 'Country, region, or territory not supported',
      param: null,
      type: 'request_forbidden',
    },
  };
}
