// What each model family accepts, matched by model id whatever the host (api.openai.com, Azure,
// OpenRouter, a LiteLLM proxy, a gateway, a local server). Data only: core/calls/capabilities.ts
// reads it. Every entry names where it was checked; `docs/providers.md` has the details.
// A model that matches no entry is unknown: it gets no optional parameter at all.
//
// Each field of an entry can be overridden per model in `tiered.models.<id>.capabilities`.

/** Checked against the providers' documentation on this date (shown with the table). */
export const CAPABILITIES_CHECKED = '2026-11-30';

export type TemperatureRule =
  /** Any temperature the user sets is sent. */
  | 'accepted'
  /** Only the default: sending one is a 400 (OpenAI gpt-5 / o-series). */
  | 'rejected'
  /** Accepted but has no effect (never worth sending). */
  | 'ignored'
  /** Accepted only while reasoning is off (OpenAI gpt-5.1+ with effort `none`). */
  | 'withoutReasoning';

export type ReasoningSpec =
  | { kind: 'none' }
  /**
   * An effort or level name. `values` run from least to most reasoning; `off` is the value that
   * turns reasoning off, where one exists. `param` says how it goes on the wire for this family.
   */
  | {
      kind: 'level';
      param: 'reasoning_effort' | 'thinkingLevel';
      values: readonly string[];
      default: string;
      off?: string;
    }
  /** Gemini 2.5's token budget: min..max, 0 turns thinking off when `canDisable`. -1 is dynamic. */
  | { kind: 'budget'; min: number; max: number; canDisable: boolean; default: number };

/** Which prompt format a model was trained on for fill-in-the-middle (servers without `suffix`). */
export const FIM_TEMPLATES = ['qwen', 'codellama', 'deepseek', 'starcoder', 'codestral'] as const;
export type FimTemplate = (typeof FIM_TEMPLATES)[number];

export interface Capabilities {
  /** Name of the family, shown in messages and the setup check. */
  family: string;
  temperature: TemperatureRule;
  reasoning: ReasoningSpec;
  /** OpenAI-style chat output cap field; undefined: decided by host (Gemini always uses maxOutputTokens). */
  outputCapField?: 'max_completion_tokens' | 'max_tokens';
  /** Reasoning/thinking tokens are counted inside the output cap (an answer can end empty at the cap). */
  reasoningCountsAgainstCap: boolean;
  /** The most output tokens the model can produce (reasoning included): the sent cap never exceeds it. */
  maxOutputLimit?: number;
  /** The model's own FIM token format, for servers that take FIM only as a prompt. */
  fimTemplate?: FimTemplate;
  /** The model serves /v1/completions with `suffix` where it is hosted by its vendor. */
  vendorFim: boolean;
  /** Prompts shorter than this are never cached by the provider (implicit prefix caching). */
  promptCacheMinTokens?: number;
  /**
   * The model's vendor API takes `prompt_cache_key` on chat completions, which routes prompts with
   * the same key and prefix to the same cache (sent only to the vendor's own host).
   */
  promptCacheKey?: boolean;
  /** Published shutdown date (YYYY-MM-DD), when the vendor announced one. */
  shutdown?: string;
  /** Where the entry was checked. */
  source: string;
}

export interface CapabilityEntry extends Capabilities {
  /** Tested against the model id, lower-cased, with a vendor prefix ("openai/", "models/") removed. */
  match: RegExp;
}

// Sources, checked 2026-11-30 (details and disagreements: docs/providers.md).
const CHECKED = 'checked 2026-11-30';
const OPENAI_REASONING = 'https://developers.openai.com/api/docs/guides/reasoning';
// openai-node's ReasoningEffort doc comment listed per-model values until 2026-06.
const OPENAI_SDK_EFFORT = 'https://github.com/openai/openai-node/blob/master/src/resources/shared.ts';
// Per-model effort matrix measured against the API (gpt-5 .. gpt-5.2, o-series).
const OPENAI_MATRIX =
  'https://community.openai.com/t/request-for-compatibility-matrix-reasoning-effort-sampling-parameters-across-gpt-5-series/1371738';
const OPENAI_DEPRECATIONS = 'https://developers.openai.com/api/docs/deprecations';
const OPENAI_CACHE = 1024; // https://platform.openai.com/docs/guides/prompt-caching (prompts of 1024+ tokens)
// prompt_cache_key on chat completions: the same guide ("Requests are routed based on a hash of the
// initial prefix of the prompt" combined with prompt_cache_key) and openai-node's ChatCompletionCreateParams
// (https://github.com/openai/openai-node/blob/master/src/resources/chat/completions/completions.ts).
const GEMINI_THINKING = 'https://ai.google.dev/gemini-api/docs/thinking';
const GEMINI_LEVELS = 'https://vercel.com/docs/ai-gateway/capabilities/reasoning/google'; // copy of Google's level table
const GEMINI_CACHE = 'https://ai.google.dev/gemini-api/docs/caching'; // implicit caching minimums (page of 2026-10)
const GEMINI_DEPRECATIONS = 'https://ai.google.dev/gemini-api/docs/deprecations';
// Gemini's output limit is 65,536 on the model cards; one card says 65,535, so stay one below.
const GEMINI_MAX_OUT = 65_535;

/** First match wins: specific entries before the general ones. */
export const CAPABILITY_TABLE: readonly CapabilityEntry[] = [
  // ---- OpenAI ------------------------------------------------------------------------------
  {
    family: 'OpenAI GPT-5 pro',
    match: /^gpt-5-pro(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'rejected',
    reasoning: { kind: 'level', param: 'reasoning_effort', values: ['high'], default: 'high' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 272_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    shutdown: '2026-12-11',
    source: `${OPENAI_SDK_EFFORT} ("gpt-5-pro defaults to (and only supports) high") ; ${OPENAI_DEPRECATIONS} (shutdown 2026-12-11, notice 2026-06-11) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-5.x pro',
    match: /^gpt-5\.\d+-pro(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'rejected',
    // gpt-5.2-pro measured: medium, high, xhigh. Later pro models: not found, assumed the same.
    reasoning: { kind: 'level', param: 'reasoning_effort', values: ['medium', 'high', 'xhigh'], default: 'high' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 128_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    source: `${OPENAI_MATRIX} (gpt-5.2-pro: medium/high/xhigh; default not published) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-5 codex',
    match: /^gpt-5(\.\d+)?-codex/,
    temperature: 'rejected',
    // low..high for all; xhigh only from gpt-5.1-codex-max on, so it is left out.
    reasoning: { kind: 'level', param: 'reasoning_effort', values: ['low', 'medium', 'high'], default: 'medium' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 128_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    source: `${OPENAI_MATRIX} ; ${OPENAI_DEPRECATIONS} (gpt-5-codex .. gpt-5.2-codex shut down 2026-07-23) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-5.5',
    match: /^gpt-5\.5(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'withoutReasoning',
    reasoning: {
      kind: 'level',
      param: 'reasoning_effort',
      values: ['none', 'low', 'medium', 'high', 'xhigh'],
      default: 'medium',
      off: 'none',
    },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 128_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    source: `${OPENAI_REASONING} ("gpt-5.5 defaults to medium reasoning effort"); values none..xhigh as observed by clients (no OpenAI list found) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-5.4 nano',
    match: /^gpt-5\.4-nano(-\d{4}-\d{2}-\d{2})?$/,
    // No OpenAI page found for nano's values: only what every client report agrees on is sent.
    temperature: 'rejected',
    reasoning: { kind: 'level', param: 'reasoning_effort', values: ['low', 'medium', 'high'], default: 'medium' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 128_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    shutdown: '2027-04-01',
    source: `values unverified (client reports: low..high) ; shutdown 2027-04-01 from https://dev.to/aidriftline (third party, not seen on ${OPENAI_DEPRECATIONS}) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-5.2+',
    match: /^gpt-5\.([2-9]|\d\d)(-mini)?(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'withoutReasoning',
    reasoning: {
      kind: 'level',
      param: 'reasoning_effort',
      values: ['none', 'low', 'medium', 'high', 'xhigh'],
      default: 'none',
      off: 'none',
    },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 128_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    source: `${OPENAI_SDK_EFFORT} (xhigh after gpt-5.1-codex-max) ; ${OPENAI_MATRIX} (gpt-5.2: none default, no minimal) ; https://replicate.com/openai/gpt-5.4 (gpt-5.4: none default, none..xhigh) ; https://docs.anyfast.ai/guides/model-api/openai/gpt-5-4-mini (5.4-mini: none default, third party) ; temperature with none: https://github.com/tmc/langchaingo/issues/1497 ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-5.1',
    match: /^gpt-5\.1(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'withoutReasoning',
    reasoning: {
      kind: 'level',
      param: 'reasoning_effort',
      values: ['none', 'low', 'medium', 'high'],
      default: 'none',
      off: 'none',
    },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 128_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    shutdown: '2027-04-01',
    source: `${OPENAI_SDK_EFFORT} ("gpt-5.1 defaults to none … none, low, medium, and high") ; 400 for minimal: https://github.com/openai/openai-agents-python/issues/2089 ; temperature with none: https://github.com/vercel/ai/issues/10932 ; shutdown 2027-04-01 from https://dev.to/aidriftline (third party) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-5',
    match: /^gpt-5(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'rejected',
    reasoning: {
      kind: 'level',
      param: 'reasoning_effort',
      values: ['minimal', 'low', 'medium', 'high'],
      default: 'medium',
    },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 128_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    shutdown: '2026-12-11',
    source: `${OPENAI_SDK_EFFORT} (before gpt-5.1: default medium, no none) ; 400 "Supported values are: 'minimal', 'low', 'medium', and 'high'": https://github.com/microsoft/vscode/issues/301045 ; temperature only 1: https://github.com/diffbot/code-gpt-docs/issues/445 ; ${OPENAI_DEPRECATIONS} (gpt-5, -mini, -nano shut down 2026-12-11) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI o3 / o3-pro',
    match: /^o3(-pro)?(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'rejected',
    reasoning: { kind: 'level', param: 'reasoning_effort', values: ['low', 'medium', 'high'], default: 'medium' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 100_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    shutdown: '2026-12-11',
    source: `${OPENAI_MATRIX} ; ${OPENAI_DEPRECATIONS} (o3, o3-pro shut down 2026-12-11) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI o-series',
    match: /^o[134](-mini|-pro)?(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'rejected',
    reasoning: { kind: 'level', param: 'reasoning_effort', values: ['low', 'medium', 'high'], default: 'medium' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: true,
    maxOutputLimit: 100_000,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    source: `${OPENAI_MATRIX} ; max_tokens "not compatible with o-series models": https://github.com/openai/openai-node/blob/master/src/resources/chat/completions/completions.ts ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-4.1 nano',
    match: /^gpt-4\.1-nano(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: false,
    maxOutputLimit: 32_768,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    source: `https://platform.openai.com/docs/api-reference/chat/create ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-4.1',
    match: /^gpt-4\.1(-mini)?(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: false,
    maxOutputLimit: 32_768,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    shutdown: '2027-01-14',
    source: `https://platform.openai.com/docs/api-reference/chat/create ; shutdown 2027-01-14 from https://dev.to/max_bob/openai-api-deprecations-2026-2027-every-shutdown-date-and-recommended-replacement-gpt-4o-2ffm (third party, matched GET /v1/models shutdown_date) ; ${CHECKED}`,
  },
  {
    family: 'OpenAI GPT-4o',
    match: /^gpt-4o(-mini)?(-\d{4}-\d{2}-\d{2})?$/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    outputCapField: 'max_completion_tokens',
    reasoningCountsAgainstCap: false,
    // gpt-4o and gpt-4o-mini stop at 16,384 output tokens (a larger cap is a 400).
    maxOutputLimit: 16_384,
    vendorFim: false,
    promptCacheMinTokens: OPENAI_CACHE,
    promptCacheKey: true,
    shutdown: '2027-01-14',
    source: `https://platform.openai.com/docs/models/gpt-4o ; shutdown 2027-01-14 from https://dev.to/max_bob/openai-api-deprecations-2026-2027-every-shutdown-date-and-recommended-replacement-gpt-4o-2ffm (third party) ; ${CHECKED}`,
  },
  // ---- Gemini ------------------------------------------------------------------------------
  {
    family: 'Gemini 3 Pro',
    match: /^gemini-3-pro/,
    temperature: 'accepted',
    reasoning: { kind: 'level', param: 'thinkingLevel', values: ['low', 'high'], default: 'high' },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    promptCacheMinTokens: 4096,
    shutdown: '2026-03-09',
    source: `${GEMINI_THINKING} (3 Pro: low/high, default high, cannot turn thinking off) ; ${GEMINI_DEPRECATIONS} (gemini-3-pro-preview shut down 2026-03-09) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 3.x Pro',
    match: /^gemini-3\.\d+-pro/,
    temperature: 'accepted',
    reasoning: { kind: 'level', param: 'thinkingLevel', values: ['low', 'medium', 'high'], default: 'high' },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    promptCacheMinTokens: 4096,
    source: `${GEMINI_LEVELS} (3.1 Pro: minimal not supported, high default) ; ${GEMINI_CACHE} (3.1 Pro Preview 4,096) ; ${GEMINI_DEPRECATIONS} (preview, no shutdown announced) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 3.5+ Flash-Lite',
    match: /^gemini-3\.([5-9]|\d\d)-flash-lite/,
    temperature: 'ignored',
    reasoning: {
      kind: 'level',
      param: 'thinkingLevel',
      values: ['minimal', 'low', 'medium', 'high'],
      default: 'minimal',
    },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    // Flash-Lite models are not listed on the caching page: minimum unknown, so none is claimed.
    source: `https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-5-flash-lite ("defaults to minimal thinking"; custom temperature/top-K/top-P "ignored"; penalties throw) ; ${GEMINI_DEPRECATIONS} (GA 2026-07-21, no shutdown announced) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 3.1 Flash-Lite',
    match: /^gemini-3\.1-flash-lite/,
    temperature: 'accepted',
    // Default disputed (Vercel's copy of Google's table: minimal; others: high); the larger is assumed.
    reasoning: {
      kind: 'level',
      param: 'thinkingLevel',
      values: ['minimal', 'low', 'medium', 'high'],
      default: 'high',
    },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    shutdown: '2027-05-07',
    source: `${GEMINI_LEVELS} (3.1 Flash-Lite: minimal..high) ; ${GEMINI_DEPRECATIONS} (GA 2026-05-07, shutdown 2027-05-07, replacement gemini-3.5-flash-lite) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 3.6+ Flash',
    match: /^gemini-3\.([6-9]|\d\d)-flash/,
    temperature: 'accepted',
    // Google's level table for 3.8 Flash starts at LOW in the copy found; minimal is not sent.
    reasoning: { kind: 'level', param: 'thinkingLevel', values: ['low', 'medium', 'high'], default: 'high' },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    promptCacheMinTokens: 4096,
    source: `https://docs.cloud.google.com/vertex-ai/generative-ai/docs/thinking (table cut off; default not found) ; ${GEMINI_CACHE} (3.6/3.7/3.8 Flash 4,096) ; ${GEMINI_DEPRECATIONS} (no shutdown announced) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 3.5 Flash',
    match: /^gemini-3\.5-flash/,
    temperature: 'accepted',
    reasoning: {
      kind: 'level',
      param: 'thinkingLevel',
      values: ['minimal', 'low', 'medium', 'high'],
      default: 'medium',
    },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    promptCacheMinTokens: 4096,
    source: `https://docs.rs/adk-model/1.0.0/adk_model/gemini/enum.ThinkingLevel.html ("Medium … Default for Gemini 3.5 Flash") ; ${GEMINI_CACHE} (4,096) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 3 Flash',
    match: /^gemini-3-flash/,
    temperature: 'accepted',
    reasoning: {
      kind: 'level',
      param: 'thinkingLevel',
      values: ['minimal', 'low', 'medium', 'high'],
      default: 'high',
    },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    promptCacheMinTokens: 1024,
    source: `${GEMINI_LEVELS} (3 Flash: minimal..high, high default) ; https://ai.google.dev/gemini-api/docs/interactions/caching (3 Flash Preview 1024) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 2.5 Pro',
    match: /^gemini-2\.5-pro/,
    temperature: 'accepted',
    reasoning: { kind: 'budget', min: 128, max: 32_768, canDisable: false, default: -1 },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    promptCacheMinTokens: 2048,
    shutdown: '2026-12-01',
    source: `${GEMINI_THINKING} (2.5 Pro: 128..32768, cannot disable) ; ${GEMINI_CACHE} (2,048) ; shutdown 2026-12-01, then served by gemini-3.8-flash: https://dev.to/aideprecations/what-to-do-before-gemini-25-pro-and-25-flash-are-retired-on-december-1-2026-5gg9 (quoting ${GEMINI_DEPRECATIONS}) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 2.5 Flash-Lite',
    match: /^gemini-2\.5-flash-lite/,
    temperature: 'accepted',
    reasoning: { kind: 'budget', min: 512, max: 24_576, canDisable: true, default: 0 },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    // Not listed on the caching page: minimum unknown. Not deprecated ("until further notice").
    source: `${GEMINI_THINKING} (2.5 Flash-Lite: 512..24576 or 0, off by default) ; ${CHECKED}`,
  },
  {
    family: 'Gemini 2.5 Flash',
    match: /^gemini-2\.5-flash/,
    temperature: 'accepted',
    reasoning: { kind: 'budget', min: 1, max: 24_576, canDisable: true, default: -1 },
    reasoningCountsAgainstCap: true,
    maxOutputLimit: GEMINI_MAX_OUT,
    vendorFim: false,
    promptCacheMinTokens: 2048,
    shutdown: '2026-12-01',
    source: `${GEMINI_THINKING} (2.5 Flash: 0..24576) ; ${GEMINI_CACHE} (2,048) ; shutdown 2026-12-01, then served by gemini-3.5-flash-lite: https://dev.to/aideprecations/what-to-do-before-gemini-25-pro-and-25-flash-are-retired-on-december-1-2026-5gg9 ; ${CHECKED}`,
  },
  // ---- Open-weight code models (Ollama, llama.cpp, vLLM, LM Studio) ---------------------------
  {
    family: 'Qwen2.5-Coder',
    match: /qwen2\.5-coder|qwen-2\.5-coder|qwen3-coder/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    reasoningCountsAgainstCap: false,
    fimTemplate: 'qwen',
    vendorFim: false,
    source: 'https://github.com/QwenLM/Qwen2.5-Coder#3-file-level-code-completion-fill-in-the-middle',
  },
  {
    family: 'DeepSeek-Coder',
    match: /deepseek-coder/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    reasoningCountsAgainstCap: false,
    fimTemplate: 'deepseek',
    vendorFim: false,
    source: 'https://github.com/deepseek-ai/DeepSeek-Coder#2-code-insertion',
  },
  {
    family: 'Code Llama',
    match: /codellama|code-llama/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    reasoningCountsAgainstCap: false,
    fimTemplate: 'codellama',
    vendorFim: false,
    source: 'https://huggingface.co/docs/transformers/model_doc/code_llama',
  },
  {
    family: 'StarCoder2',
    match: /starcoder/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    reasoningCountsAgainstCap: false,
    fimTemplate: 'starcoder',
    vendorFim: false,
    source: 'https://huggingface.co/bigcode/starcoder2-15b',
  },
  {
    family: 'Codestral',
    match: /codestral/,
    temperature: 'accepted',
    reasoning: { kind: 'none' },
    reasoningCountsAgainstCap: false,
    fimTemplate: 'codestral',
    vendorFim: false,
    source: 'https://docs.mistral.ai/capabilities/code_generation/',
  },
  {
    family: 'gpt-oss',
    match: /gpt-oss/,
    temperature: 'accepted',
    reasoning: { kind: 'level', param: 'reasoning_effort', values: ['low', 'medium', 'high'], default: 'medium' },
    reasoningCountsAgainstCap: true,
    vendorFim: false,
    source: 'https://docs.ollama.com/openai ; https://cookbook.openai.com/articles/gpt-oss/run-locally-ollama',
  },
];
