// OpenAI wire shapes: /v1/chat/completions and /v1/completions (FIM with `suffix`), streamed as
// `data: {chunk}` … `data: [DONE]` with the usage chunk (`choices: []`) when include_usage is set.
// Reasoning models spend reasoning tokens inside max_completion_tokens (usage reports them in
// completion_tokens_details.reasoning_tokens, included in completion_tokens).
import type { ReplyPlan } from './deliver';
import {
  applyCap,
  NO_SIMULATION,
  replyUsage,
  tokenize,
  type Knobs,
  type ReplyUsage,
  type ScriptRequest,
  type Simulation,
} from './knobs';
import type { CacheResult } from './promptCache';
import { openRouterError, regionBody } from './rules';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Chat content may be a string or an array of `{type:'text', text}` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => str(obj(p).text)).join('');
  return '';
}

export function describeOpenAI(
  route: 'openai.chat' | 'openai.completions',
  body: unknown,
): Omit<ScriptRequest, 'route' | 'body'> {
  const b = obj(body);
  const maxTokens = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : b.max_tokens;
  const common = {
    model: str(b.model),
    stream: b.stream === true,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
  };
  if (route === 'openai.completions') {
    const fim = { prefix: str(b.prompt), suffix: str(b.suffix) };
    return { ...common, prompt: [fim.prefix, fim.suffix].filter(Boolean).join('\n'), messages: [], fim };
  }
  const messages = (Array.isArray(b.messages) ? b.messages : []).map((m) => ({
    role: str(obj(m).role),
    text: contentText(obj(m).content),
  }));
  return { ...common, prompt: messages.map((m) => m.text).join('\n'), messages };
}

function usageJson(u: ReplyUsage, knobs: Knobs, sim: Simulation, stream: boolean, cacheOn: boolean): Json {
  const completion = u.output + u.reasoning;
  const usage: Json = {
    prompt_tokens: u.prompt,
    completion_tokens: completion,
    total_tokens: u.prompt + completion,
  };
  // api.openai.com reports cached_tokens on every response of a caching model (prompt-caching guide).
  if (knobs.usage?.cachedTokens !== undefined || cacheOn) usage.prompt_tokens_details = { cached_tokens: u.cached };
  if (knobs.usage?.reasoningTokens !== undefined || sim.reasoningModel)
    usage.completion_tokens_details = { reasoning_tokens: u.reasoning };
  if (knobs.costUsd !== undefined) usage.cost = knobs.costUsd;
  // OpenRouter reports usage.cost on every response (https://openrouter.ai/docs/use-cases/usage-accounting);
  // without a scripted cost the server prices 1 µUSD per token so the field is never absent.
  if (sim.flavour === 'openrouter' && usage.cost === undefined) usage.cost = (u.prompt + completion) * 1e-6;
  // A current LiteLLM proxy puts the cost into the streamed usage
  // (https://github.com/BerriAI/litellm/pull/39069; opt-in since https://github.com/BerriAI/litellm/pull/13319).
  if (sim.flavour === 'litellm' && stream && knobs.litellmVersion !== 'legacy' && knobs.litellmCostUsd !== undefined)
    usage.cost = knobs.litellmCostUsd;
  return usage;
}

let nextId = 1;

/** `cache`: the prompt caching emulation's count for this request (promptCache.ts), when it applies. */
export function openAIPlan(
  req: ScriptRequest,
  text: string,
  knobs: Knobs,
  sim: Simulation = NO_SIMULATION,
  cache?: CacheResult,
): ReplyPlan {
  const { pieces, reasoning, capped } = applyCap(tokenize(text), req.maxTokens, sim.reasoning, sim.inCap);
  const finish = capped ? 'length' : 'stop';
  const scripted = cache
    ? {
        ...knobs.usage,
        promptTokens: knobs.usage?.promptTokens ?? cache.promptTokens,
        cachedTokens: knobs.usage?.cachedTokens ?? cache.cachedTokens,
      }
    : knobs.usage;
  const usage = replyUsage(req.prompt, pieces.join(''), scripted, reasoning);
  const cacheOn = cache !== undefined;
  const b = obj(req.body);
  // OpenRouter always ends a stream with usage; include_usage is deprecated there (usage-accounting docs).
  const includeUsage = obj(b.stream_options).include_usage === true || sim.flavour === 'openrouter';
  const sendUsage = !knobs.usage?.omit;
  const chat = req.route === 'openai.chat';
  const id = `${chat ? 'chatcmpl' : 'cmpl'}-local${nextId++}`;
  const created = Math.floor(Date.now() / 1000);
  const model = knobs.servedModel ?? req.model;
  const base = { id, object: chat ? 'chat.completion.chunk' : 'text_completion', created, model };
  // With include_usage, every chunk carries `usage: null` until the final usage chunk.
  const withNullUsage = (c: Json): Json => (includeUsage && sendUsage ? { ...c, usage: null } : c);
  const chunk = (choice: Json): string =>
    JSON.stringify(withNullUsage({ ...base, choices: [{ index: 0, logprobs: null, ...choice }] }));
  const headers: Record<string, string> = {};
  // A LiteLLM proxy sends x-litellm-response-cost on non-streamed responses only
  // (https://github.com/BerriAI/litellm/issues/12689); the root flavour keeps the old lenient header.
  if (knobs.litellmCostUsd !== undefined && !(sim.flavour === 'litellm' && req.stream))
    headers['x-litellm-response-cost'] = String(knobs.litellmCostUsd);

  return {
    stream: req.stream,
    pieces,
    thinkMs: sim.reasoningRate > 0 ? (reasoning * 1000) / sim.reasoningRate : 0,
    eventEnd: '\n\n',
    headers,
    brokenPayload: `{"id":"${id}","choices":[{"index":0,"delta":{"content":"x"`,
    // OpenRouter-style: the status goes in error.code, since the HTTP status is already 200.
    // Status 0: an error event with no code at all.
    errorPayload: (status) =>
      JSON.stringify({
        error: {
          ...(status ? { code: status } : { type: 'server_error' }),
          message: 'The upstream provider failed mid-stream.',
        },
      }),
    head: () => (chat ? [chunk({ delta: { role: 'assistant', content: '' }, finish_reason: null })] : []),
    content: (from, to) => {
      const piece = pieces.slice(from, to).join('');
      return chat
        ? chunk({ delta: { content: piece }, finish_reason: null })
        : chunk({ text: piece, finish_reason: null });
    },
    tail: () => {
      const out = [chat ? chunk({ delta: {}, finish_reason: finish }) : chunk({ text: '', finish_reason: finish })];
      if (includeUsage && sendUsage)
        out.push(JSON.stringify({ ...base, choices: [], usage: usageJson(usage, knobs, sim, true, cacheOn) }));
      out.push('[DONE]');
      return out;
    },
    body: () => {
      const text = pieces.join('');
      const choice = chat
        ? {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            logprobs: null,
            finish_reason: finish,
          }
        : { index: 0, text, logprobs: null, finish_reason: finish };
      const reply: Json = { ...base, object: chat ? 'chat.completion' : 'text_completion', choices: [choice] };
      if (sendUsage) reply.usage = usageJson(usage, knobs, sim, false, cacheOn);
      return reply;
    },
  };
}

/** The reasoning tokens a plan spent (after the cap), for the log. */
export function planReasoning(req: ScriptRequest, text: string, sim: Simulation): number {
  return applyCap(tokenize(text), req.maxTokens, sim.reasoning, sim.inCap).reasoning;
}

/** OpenAI's error body for a status, in the shapes api.openai.com sends (OpenRouter's own shape there). */
export function openAIError(
  status: number,
  model: string,
  opts: { quota?: boolean; message?: string; code?: string; openrouter?: boolean } = {},
): Json {
  if (opts.code === 'unsupported_country_region_territory') return regionBody();
  if (opts.openrouter) {
    const inner = obj(openAIError(status, model, { ...opts, openrouter: false }).error);
    return openRouterError(status, String(inner.message));
  }
  const e = (type: string, code: string | null, message: string): Json => ({
    error: { message: opts.message ?? message, type, param: null, code },
  });
  switch (status) {
    case 400:
      return e('invalid_request_error', null, 'Invalid request.');
    case 401:
      return e('invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.');
    case 403:
      return e('invalid_request_error', 'permission_denied', 'You are not allowed to use this model.');
    case 404:
      return e(
        'invalid_request_error',
        'model_not_found',
        `The model \`${model}\` does not exist or you do not have access to it.`,
      );
    case 429:
      return opts.quota
        ? e(
            'insufficient_quota',
            'insufficient_quota',
            'You exceeded your current quota, please check your plan and billing details.',
          )
        : e('requests', 'rate_limit_exceeded', `Rate limit reached for ${model} on requests per min (RPM).`);
    case 503:
      return e('server_error', null, 'The server is overloaded or not ready yet.');
    default:
      return e('server_error', null, 'The server had an error while processing your request.');
  }
}
