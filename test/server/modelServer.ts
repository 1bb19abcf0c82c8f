// A local, wire-compatible model server for tests, benchmarks and offline use. The official SDKs
// (openai@6, @google/genai) talk to it unchanged: point them at `openaiBaseUrl` / `geminiBaseUrl`.
//
//   const server = await startModelServer({ knobs: { ttftMs: 50 } });
//   new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k' });
//   new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.geminiBaseUrl } });
//
// Endpoints: POST /v1/chat/completions, POST /v1/completions (FIM: prompt + suffix), GET /v1/models;
// POST /{v1beta|v1|v1alpha}/models/{model}:generateContent | :streamGenerateContent?alt=sse |
// :countTokens; GET /key/info (LiteLLM proxy: spend and max_budget of the bearer key).
//
// Knobs (knobs.ts) resolve per request as: BASE_KNOBS < options.knobs / setDefaults() <
// setModelKnobs(model) < the first queued script that matches (enqueue() / fault(), used once).
// Replies default to defaultReply(request) and are counted with countTokens() (4 chars a token).
//
// API:
//   startModelServer(options?) → Promise<ModelServer>
//   server.url / openaiBaseUrl (url + '/v1') / geminiBaseUrl (url) / port
//   server.log                      every request (LoggedRequest, deliver.ts), mutated live
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
import { describeGemini, geminiCountTokens, geminiError, geminiPlan } from './geminiRoutes';
import {
  BASE_KNOBS,
  defaultReply,
  scriptMatches,
  type Fault,
  type Knobs,
  type ResponseScript,
  type RouteKind,
  type ScriptRequest,
} from './knobs';
import { describeOpenAI, openAIError, openAIPlan } from './openaiRoutes';

export type { LoggedRequest } from './deliver';
export * from './knobs';

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
  /** Called when an exchange ends (the CLI prints it). */
  onLog?: (entry: LoggedRequest) => void;
}

export interface ModelServer {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly geminiBaseUrl: string;
  readonly port: number;
  readonly log: LoggedRequest[];
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

  function knobsFor(route: RouteKind, model: string): Knobs {
    const index = queue.findIndex((s) => scriptMatches(s, route, model));
    const script = index >= 0 ? queue.splice(index, 1)[0] : undefined;
    const { model: _m, route: _r, ...scripted } = script ?? {};
    return { ...defaults, ...modelKnobs.get(model), ...scripted };
  }

  async function handle(ex: Exchange, query: Record<string, string>): Promise<void> {
    const { req, entry } = ex;
    const path = entry.path;
    if (req.method === 'GET' && path === '/v1/models') {
      entry.route = 'openai.models';
      const ids = options.models ?? ['local-model'];
      return sendJson(ex, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'local' })),
      });
    }
    if (req.method === 'GET' && path === '/key/info') return keyInfo(ex, query);

    const gemini = req.method === 'POST' ? GEMINI_PATH.exec(path) : null;
    const openaiRoute =
      req.method !== 'POST'
        ? undefined
        : path === '/v1/chat/completions'
          ? 'openai.chat'
          : path === '/v1/completions'
            ? 'openai.completions'
            : undefined;
    if (!gemini && !openaiRoute) {
      entry.route = 'unknown';
      return sendJson(ex, 404, { error: { message: `No route for ${req.method} ${path}`, code: 404 } });
    }

    const route: RouteKind = openaiRoute ?? (gemini![3] === 'countTokens' ? 'gemini.countTokens' : 'gemini.generate');
    const described = openaiRoute
      ? describeOpenAI(openaiRoute, entry.body)
      : describeGemini(decodeURIComponent(gemini![2]!), gemini![3] === 'streamGenerateContent', entry.body);
    const sreq: ScriptRequest = { ...described, route, body: entry.body };
    entry.route = route;
    entry.model = sreq.model;
    entry.stream = sreq.stream;
    const isGemini = !openaiRoute;
    const error = (
      status: number,
      opts: { quota?: boolean; message?: string; retryAfter?: string; badKey?: boolean } = {},
    ) => {
      const secs = retryAfterSeconds(opts.retryAfter);
      const body = isGemini
        ? geminiError(status, sreq.model, { ...opts, retryAfterSeconds: secs })
        : openAIError(status, sreq.model, opts);
      sendJson(ex, status, body, opts.retryAfter !== undefined ? { 'retry-after': opts.retryAfter } : {});
    };

    const key = requestKey(req, query);
    if (options.apiKeys && !(key && options.apiKeys.includes(key))) {
      // Gemini answers a missing key with 403 and a wrong one with 400 API_KEY_INVALID.
      if (isGemini) return key ? error(400, { badKey: true }) : error(403);
      return error(401);
    }
    if (options.models && !options.models.includes(sreq.model)) return error(404);

    const knobs = knobsFor(route, sreq.model);
    if (knobs.fault?.kind === 'status') {
      entry.fault = 'status';
      return error(knobs.fault.status, knobs.fault);
    }
    if (route === 'gemini.countTokens' && !knobs.fault) return sendJson(ex, 200, geminiCountTokens(sreq));

    const text = typeof knobs.text === 'function' ? knobs.text(sreq) : (knobs.text ?? defaultReply(sreq));
    const plan = isGemini ? geminiPlan(sreq, text, knobs) : openAIPlan(sreq, text, knobs);
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
