// A local, wire-compatible model server for tests, benchmarks and offline use. The official SDKs
// (openai@6, @google/genai) talk to it unchanged: point them at `openaiBaseUrl` / `geminiBaseUrl`,
// or at `baseUrl(flavour)` to talk to it as one of the servers the README names.
//
//   const server = await startModelServer({ knobs: { ttftMs: 50 } });
//   new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k' });
//   new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.geminiBaseUrl } });
//   new OpenAI({ baseURL: server.baseUrl('ollama'), apiKey: 'k' });
//
// Flavours (flavours.ts), each under a path prefix: root /v1 = api.openai.com, root /v1beta = Gemini
// API, /ollama/v1 (+ GET /ollama/api/version), /llamacpp/v1 (+ POST /llamacpp/infill, GET
// /llamacpp/props), /vllm/v1, /lmstudio/v1, /openrouter/api/v1, /litellm/v1 (+ GET /litellm/key/info).
// Endpoints per flavour: POST /v1/chat/completions, POST /v1/completions (FIM: prompt + suffix),
// GET /v1/models; POST /{v1beta|v1|v1alpha}/models/{model}:generateContent |
// :streamGenerateContent?alt=sse | :countTokens; GET /key/info (LiteLLM: spend and max_budget of the key).
//
// Strict like the real servers (rules/*.ts, each rule with its source): a model of a known family
// (gpt-5*, o*, gpt-4*, gemini-2.5*, gemini-3*) gets the provider's own 400/404 for a parameter it
// refuses (temperature, max_tokens, reasoning_effort, thinkingLevel / thinkingBudget, suffix…);
// llama.cpp / vLLM / Ollama refuse `suffix` as they do. Other model names (test-model, m…) stay lenient.
// Reasoning models spend simulated reasoning tokens per effort (knobs.reasoningByEffort) inside the
// output cap, before the first visible token, reported in usage. Refused requests are logged with
// `rejected` and consume no script.
//
// The api.openai.com flavour emulates OpenAI prompt caching (promptCache.ts) for the models that
// cache (or any name with the `promptCache` knob): cached_tokens in usage, o200k prompt counts.
// The Gemini flavour emulates implicit caching (geminiCache.ts) for Gemini 2.5 and newer (knob
// `implicitCache`): cachedContentTokenCount in usageMetadata, the final stream chunk included.
//
// Knobs (knobs.ts) resolve per request as: BASE_KNOBS < options.knobs / setDefaults() <
// setModelKnobs(model) < the first queued script that matches (enqueue() / fault(), used once).
// Replies default to defaultReply(request) (an echo), or with the `demo` knob to demoReply(request)
// (demo/: answers that fit the request, for the offline demo); counted with countTokens() (4 chars a token).
//
// API:
//   startModelServer(options?) → Promise<ModelServer>
//   server.url / openaiBaseUrl (url + '/v1') / geminiBaseUrl (url) / port
//   server.baseUrl(flavour)         e.g. baseUrl('ollama') = url + '/ollama/v1', baseUrl('gemini') = url
//   server.log                      every request (LoggedRequest, deliver.ts), mutated live
//   server.rejected()               log entries a provider rule refused (assert there are none)
//   server.setDefaults(knobs)       server-wide knobs (merged into the current ones)
//   server.setModelKnobs(model, k)  knobs for one model name
//   server.enqueue(...scripts)      one-shot scripts for the next matching requests
//   server.fault(fault, match?)     = enqueue({ fault, ...match }); see `faults` in knobs.ts
//   server.requests(route?)         log entries, optionally for one route or family
//   server.idle()                   resolves once every exchange so far has ended (read the log after it)
//   server.waitForRequests(n)       resolves once n requests have arrived
//   server.clearLog() / reset()     reset() also drops scripts, model knobs and defaults set later
//   server.litellmSpend(key)        spend /key/info reports for a key
//   server.close()                  destroys open connections (hangs included) and stops listening
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliver, sendJson, type Exchange, type LoggedRequest } from './deliver';
import { demoReply } from './demo';
import {
  GeminiImplicitCache,
  implicitCacheMinimum,
  type GeminiCacheOptions,
  type GeminiCacheResult,
} from './geminiCache';
import { describeGemini, geminiCountTokens, geminiError, geminiPlan } from './geminiRoutes';
import {
  BASE_KNOBS,
  defaultReply,
  reasoningFor,
  scriptMatches,
  type Simulation,
  type Fault,
  type Knobs,
  type ResponseScript,
  type RouteKind,
  type ScriptRequest,
} from './knobs';
import { flavourBaseUrl, splitFlavour, type Flavour } from './flavours';
import { describeInfill, infillPlan, llamaCppProps } from './llamacppRoutes';
import { describeOpenAI, openAIError, openAIPlan, planReasoning } from './openaiRoutes';
import { CACHING_MODELS, PromptCache, serialisePrompt, type CacheResult, type PromptCacheOptions } from './promptCache';
import { generationRules, litellmBudgetExceeded, type Rejection } from './rules';
import { modelFamilyId } from './rules/types';

export type { LoggedRequest } from './deliver';
export type { Flavour } from './flavours';
export * from './knobs';

/** What /ollama/api/version reports (a 0.12 release: the OpenAI-compatible rules below are 0.12's). */
export const OLLAMA_VERSION = '0.12.6';

export interface ModelServerOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  knobs?: Partial<Knobs>;
  /** Known model names; a request for another gets 404. Default: every name is served. */
  models?: string[];
  /** Accepted API keys; others get the provider's auth error. Default: any key, or none. */
  apiKeys?: string[];
  /** LiteLLM keys for /key/info; default: every bearer key, with no budget. */
  litellmKeys?: Record<string, { maxBudget: number | null; spend?: number }>;
  /** OpenAI prompt caching emulation (promptCache.ts): retention and overflow rate. */
  promptCache?: PromptCacheOptions;
  /** Gemini implicit caching emulation (geminiCache.ts): time to live. */
  geminiCache?: GeminiCacheOptions;
  /** Clock of the prompt caches, OpenAI and Gemini (tests move it to expire entries). Default Date.now. */
  now?: () => number;
  /** Called when an exchange ends (the CLI prints it). */
  onLog?: (entry: LoggedRequest) => void;
}

export interface ModelServer {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly geminiBaseUrl: string;
  readonly port: number;
  readonly log: LoggedRequest[];
  /** Base URL a client is given for a flavour: baseUrl('ollama') = url + '/ollama/v1', 'gemini' = url. */
  baseUrl(flavour: Flavour): string;
  /** Log entries the provider rules refused (tests assert there are none). */
  rejected(): LoggedRequest[];
  setDefaults(knobs: Partial<Knobs>): void;
  setModelKnobs(model: string, knobs: Partial<Knobs>): void;
  enqueue(...scripts: ResponseScript[]): void;
  fault(fault: Fault, match?: Pick<ResponseScript, 'model' | 'route'>): void;
  requests(route?: RouteKind | 'openai' | 'gemini'): LoggedRequest[];
  idle(): Promise<void>;
  waitForRequests(count: number, timeoutMs?: number): Promise<LoggedRequest[]>;
  clearLog(): void;
  reset(): void;
  litellmSpend(key: string): number;
  close(): Promise<void>;
}

const GEMINI_PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function requestKey(req: IncomingMessage, query: Record<string, string>): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const goog = req.headers['x-goog-api-key'];
  if (typeof goog === 'string') return goog;
  return query.key;
}

/** Retry-After as seconds, from a number of seconds or an HTTP date. */
function retryAfterSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return secs;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const log: LoggedRequest[] = [];
  const initialDefaults: Knobs = { ...BASE_KNOBS, ...options.knobs };
  let defaults: Knobs = { ...initialDefaults };
  let modelKnobs = new Map<string, Partial<Knobs>>();
  let queue: ResponseScript[] = [];
  const inflight = new Set<Promise<void>>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const spend = new Map<string, number>();
  for (const [k, v] of Object.entries(options.litellmKeys ?? {})) spend.set(k, v.spend ?? 0);
  let shuttingDown = false;
  let nextId = 1;
  const promptCache = new PromptCache(options.now, options.promptCache);
  const geminiCache = new GeminiImplicitCache(options.now, options.geminiCache);

  function knobsFor(route: RouteKind, model: string): Knobs {
    const index = queue.findIndex((s) => scriptMatches(s, route, model));
    const script = index >= 0 ? queue.splice(index, 1)[0] : undefined;
    const { model: _m, route: _r, ...scripted } = script ?? {};
    return { ...defaults, ...modelKnobs.get(model), ...scripted };
  }

  /** Knobs without consuming a script (rules read server-wide settings such as the Ollama insert list). */
  function peekKnobs(model: string): Knobs {
    return { ...defaults, ...modelKnobs.get(model) };
  }

  async function handle(ex: Exchange, query: Record<string, string>): Promise<void> {
    const { req, entry } = ex;
    const { flavour, rest: path } = splitFlavour(entry.path);
    entry.flavour = flavour;
    if (req.method === 'GET' && path === '/v1/models' && flavour !== 'gemini') {
      entry.route = 'openai.models';
      const ids = options.models ?? ['local-model'];
      return sendJson(ex, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'local' })),
      });
    }
    if (req.method === 'GET' && path === '/key/info' && (flavour === 'openai' || flavour === 'litellm'))
      return keyInfo(ex, query);
    // GET /api/version lets a client tell Ollama apart (ollama api/client.go Version()).
    if (req.method === 'GET' && flavour === 'ollama' && path === '/api/version') {
      entry.route = 'ollama.version';
      return sendJson(ex, 200, { version: OLLAMA_VERSION });
    }
    if (req.method === 'GET' && flavour === 'llamacpp' && path === '/props') {
      entry.route = 'llamacpp.props';
      return sendJson(ex, 200, llamaCppProps(options.models?.[0] ?? 'local-model'));
    }

    const gemini = req.method === 'POST' && flavour === 'gemini' ? GEMINI_PATH.exec(path) : null;
    const openaiRoute: RouteKind | undefined =
      req.method !== 'POST' || flavour === 'gemini'
        ? undefined
        : path === '/v1/chat/completions'
          ? 'openai.chat'
          : path === '/v1/completions'
            ? 'openai.completions'
            : flavour === 'llamacpp' && path === '/infill'
              ? 'llamacpp.infill'
              : undefined;
    if (!gemini && !openaiRoute) {
      entry.route = 'unknown';
      return sendJson(ex, 404, { error: { message: `No route for ${req.method} ${entry.path}`, code: 404 } });
    }

    const route: RouteKind = openaiRoute ?? (gemini![3] === 'countTokens' ? 'gemini.countTokens' : 'gemini.generate');
    const described =
      route === 'llamacpp.infill'
        ? describeInfill(entry.body)
        : route === 'openai.chat' || route === 'openai.completions'
          ? describeOpenAI(route, entry.body)
          : describeGemini(decodeURIComponent(gemini![2]!), gemini![3] === 'streamGenerateContent', entry.body);
    const sreq: ScriptRequest = { ...described, route, flavour, body: entry.body };
    // Ollama's ChatCompletionRequest has max_tokens only; max_completion_tokens is silently ignored
    // (ollama openai/openai.go), so it caps nothing there.
    if (flavour === 'ollama' && route !== 'llamacpp.infill') {
      const max = (entry.body as { max_tokens?: unknown } | undefined)?.max_tokens;
      sreq.maxTokens = typeof max === 'number' ? max : undefined;
    }
    entry.route = route;
    entry.model = sreq.model;
    entry.stream = sreq.stream;
    const isGemini = flavour === 'gemini';
    const error = (
      status: number,
      opts: { quota?: boolean; message?: string; retryAfter?: string; badKey?: boolean; code?: string } = {},
    ) => {
      const secs = retryAfterSeconds(opts.retryAfter);
      const body = isGemini
        ? geminiError(status, sreq.model, { ...opts, retryAfterSeconds: secs })
        : openAIError(status, sreq.model, { ...opts, openrouter: flavour === 'openrouter' });
      sendJson(ex, status, body, opts.retryAfter !== undefined ? { 'retry-after': opts.retryAfter } : {});
    };
    const reject = (r: Rejection) => {
      entry.rejected = { status: r.status, reason: r.reason };
      sendJson(ex, r.status, r.body);
    };

    const key = requestKey(req, query);
    if (options.apiKeys && !(key && options.apiKeys.includes(key))) {
      // Gemini answers a missing key with 403 and a wrong one with 400 API_KEY_INVALID.
      if (isGemini) return key ? error(400, { badKey: true }) : error(403);
      return error(401);
    }
    if (options.models && !options.models.includes(sreq.model)) return error(404);

    // The provider's own rules come first; a refused request consumes no script.
    const peek = peekKnobs(sreq.model);
    const verdict =
      route === 'gemini.countTokens' || route === 'llamacpp.infill'
        ? {}
        : generationRules(flavour, route, sreq.model, entry.body, { ollamaInsertModels: peek.ollamaInsertModels });
    entry.temperature = verdict.temperature;
    entry.effort = verdict.effort;
    if (verdict.reject) return reject(verdict.reject);
    if (flavour === 'litellm' && key) {
      const budget = options.litellmKeys?.[key]?.maxBudget;
      const spent = spend.get(key) ?? 0;
      if (budget !== undefined && budget !== null && spent >= budget)
        return reject(litellmBudgetExceeded(peek.litellmVersion ?? 'current', spent, budget));
    }

    const knobs = knobsFor(route, sreq.model);
    if (knobs.fault?.kind === 'status') {
      entry.fault = 'status';
      return error(knobs.fault.status, knobs.fault);
    }
    if (route === 'gemini.countTokens' && !knobs.fault) return sendJson(ex, 200, geminiCountTokens(sreq));

    let text =
      typeof knobs.text === 'function'
        ? knobs.text(sreq)
        : (knobs.text ?? (knobs.demo ? demoReply(sreq) : defaultReply(sreq)));
    // Ollama without a suffix runs the chat template: an instruct model answers in prose.
    if (verdict.chatTemplate) text = `Sure! Here is the code that goes there:\n\n\`\`\`\n${text}\n\`\`\``;
    const sim: Simulation = {
      flavour,
      reasoning: knobs.usage?.reasoningTokens ?? reasoningFor(verdict.effort, knobs),
      inCap: verdict.reasoningInCap === true,
      reasoningModel: verdict.effort !== undefined,
      reasoningRate: knobs.reasoningTokensPerSecond ?? knobs.tokensPerSecond,
    };
    if (sim.reasoningModel || knobs.usage?.reasoningTokens !== undefined)
      entry.reasoningTokens = planReasoning(sreq, text, sim);
    let cache: CacheResult | undefined;
    if (
      flavour === 'openai' &&
      (route === 'openai.chat' || route === 'openai.completions') &&
      (knobs.promptCache ?? CACHING_MODELS.test(modelFamilyId(sreq.model)))
    ) {
      const b = (entry.body ?? {}) as { prompt_cache_key?: unknown };
      const org = req.headers['openai-organization'];
      cache = promptCache.serve({
        org: typeof org === 'string' ? org : (key ?? ''),
        model: sreq.model,
        promptCacheKey: typeof b.prompt_cache_key === 'string' ? b.prompt_cache_key : undefined,
        prompt: serialisePrompt(route, sreq),
      });
      entry.promptUsage = { prompt: cache.promptTokens, cached: cache.cachedTokens };
    }
    let geminiCached: GeminiCacheResult | undefined;
    if (route === 'gemini.generate' && (knobs.implicitCache ?? implicitCacheMinimum(sreq.model) !== undefined)) {
      geminiCached = geminiCache.serve({ project: key ?? '', model: sreq.model, messages: sreq.messages });
      entry.promptUsage = { prompt: geminiCached.promptTokens, cached: geminiCached.cachedTokens };
    }
    const plan =
      route === 'llamacpp.infill'
        ? infillPlan(sreq, text, knobs)
        : isGemini
          ? geminiPlan(sreq, text, knobs, sim, geminiCached)
          : openAIPlan(sreq, text, knobs, sim, cache);
    if (knobs.litellmCostUsd !== undefined && key) spend.set(key, (spend.get(key) ?? 0) + knobs.litellmCostUsd);
    await deliver(ex, plan, knobs);
  }

  function keyInfo(ex: Exchange, query: Record<string, string>): void {
    ex.entry.route = 'litellm.keyInfo';
    const key = query.key ?? requestKey(ex.req, {});
    if (!key)
      return sendJson(ex, 401, {
        error: { message: 'No api key passed in.', type: 'auth_error', param: 'None', code: '401' },
      });
    const known = options.litellmKeys?.[key];
    if (options.litellmKeys && !known) {
      return sendJson(ex, 404, { error: { message: 'Key not found.', type: 'not_found', param: 'key', code: '404' } });
    }
    sendJson(ex, 200, {
      key,
      info: {
        key_name: `sk-...${key.slice(-4)}`,
        key_alias: null,
        spend: spend.get(key) ?? 0,
        max_budget: known?.maxBudget ?? null,
        budget_duration: null,
        budget_reset_at: null,
        models: [],
        expires: null,
      },
    });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://local');
    const query = Object.fromEntries(parsed.searchParams.entries());
    const entry: LoggedRequest = {
      id: nextId++,
      time: Date.now(),
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query,
      headers: req.headers,
      body: undefined,
      route: 'unknown',
      flavour: 'openai',
      stream: false,
      chunksSent: 0,
      clientClosedEarly: false,
      ended: false,
    };
    log.push(entry);
    for (const w of waiters.splice(0)) {
      if (log.length >= w.count) w.resolve();
      else waiters.push(w);
    }
    let markClosed!: () => void;
    const ex: Exchange = {
      req,
      res,
      entry,
      closed: false,
      serverDestroyed: false,
      closedPromise: new Promise<void>((resolve) => (markClosed = resolve)),
    };
    inflight.add(ex.closedPromise);
    res.on('close', () => {
      ex.closed = true;
      entry.clientClosedEarly = !res.writableFinished && !ex.serverDestroyed && !shuttingDown;
      entry.ended = true;
      entry.durationMs = Date.now() - entry.time;
      inflight.delete(ex.closedPromise);
      markClosed();
      options.onLog?.(entry);
    });
    readBody(req)
      .then((text) => {
        entry.body = parseBody(text);
        return handle(ex, query);
      })
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(ex, 500, { error: { message: `model server bug: ${String(err)}`, code: 500 } });
        else res.destroy();
      });
  });

  // Node closes an idle keep-alive socket after 5 s, racing a client that reuses it just then
  // (a request that fails with "other side closed" before reaching us). The providers' front ends
  // keep idle connections for minutes; so does this server.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    geminiBaseUrl: url,
    port: address.port,
    log,
    baseUrl: (flavour) => flavourBaseUrl(url, flavour),
    rejected: () => log.filter((e) => e.rejected !== undefined),
    setDefaults: (k) => void (defaults = { ...defaults, ...k }),
    setModelKnobs: (model, k) => void modelKnobs.set(model, { ...modelKnobs.get(model), ...k }),
    enqueue: (...scripts) => void queue.push(...scripts),
    fault: (fault, match = {}) => void queue.push({ ...match, fault }),
    requests: (route) => log.filter((e) => route === undefined || e.route === route || e.route.startsWith(`${route}.`)),
    idle: async () => {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    waitForRequests: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        if (log.length >= count) return resolve(log.slice());
        const timer = setTimeout(
          () => reject(new Error(`model server: ${log.length}/${count} requests after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(log.slice());
          },
        });
      }),
    clearLog: () => void log.splice(0),
    reset: () => {
      log.splice(0);
      queue = [];
      modelKnobs = new Map();
      defaults = { ...initialDefaults };
    },
    litellmSpend: (key) => spend.get(key) ?? 0,
    close: async () => {
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
