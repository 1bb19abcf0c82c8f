// Keystroke-replay benchmark for inline completions.
//
//   npm run bench:inline -- --file PATH [--seed N] [--ttft MS] [--tps N] [--keys N] [--chat]
//   npm run bench:inline -- --workspace DIR --file FILE [...]   (FILE relative to DIR)
//   --edit-share F   share (0..1) of the keys spent retyping spans inside existing lines (default 0)
//   --auto-close     the editor auto-closes brackets and quotes as VS Code does (bench/inline/autoClose.ts)
//   --acceptance-in FILE / --acceptance-out FILE   start Tiered's acceptance model from a state
//                    saved by an earlier run (a user with history) / save it at the end
//
// Workspace mode types FILE of a multi-file project with the other files open: an emulated
// gatherer (bench/inline/workspace.ts) gives the engine open tabs, definitions and recent edits;
// the model answers wrong at a name defined in another file unless the prompt holds its
// declaration; the server emulates OpenAI prefix caching, and money is priced as --price-as
// (default gpt-5-mini, chat prompts) with the cached-input price. Policies: Tiered, Continue and a
// Copilot-like open-tabs policy at the same context budget.
//
// Types a real file at human speed (bench/inline/trace.ts) into emulated editors, one per policy
// (bench/policies.ts), all at once, each through the same CompletionEngine the extension runs and
// the real OpenAI adapter (src/providers) talking to the local model server (test/server), which
// answers with the file's own continuation, right for a while and then wrong. Prints the figures
// per policy, Tiered's ratios against each, and, as the LAST line, one JSON object with all of it.
import { ollamaModel } from '../test/support/models';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import {
  AcceptanceModel,
  AskGate,
  buildInlineRequest,
  DEFAULT_CONTEXT_TOKENS,
  type CompletionSource,
  type PromptWindow,
} from '../src/core/completion';
import { PriceBook, type Rates } from '../src/core/prices';
import type { ResolvedModel } from '../src/core/router';
import { createModelClient } from '../src/providers';
import { startModelServer } from '../test/server/modelServer';
import { makeOracle } from './inline/oracle';
import { autoCloseKeys } from './inline/autoClose';
import { continuePrompt, stopFilter, type ContinueMaterial } from './inline/continue';
import { continueMaterial } from './inline/continueMaterial';
import type { RequestBody } from '../src/core/calls';
import { hash, percentile } from '../test/support/random';
import {
  cpuNow,
  EDITOR_DEBOUNCE_MS,
  isolatedEngineMs,
  PAUSE_MS,
  ReplayEditor,
  warmUp,
  type PolicyFigures,
  type RecordedRequest,
} from './inline/replay';
import { makeTrace } from './inline/trace';
import { crossFileSymbols, loadWorkspace, workspaceGatherer, type Workspace } from './inline/workspace';
import { POLICIES } from './policies';

interface Args {
  file: string;
  workspace?: string;
  priceAs: string;
  contextTokens: number;
  acceptThreshold: number;
  /** Tiered's acceptance model starts from this saved state (AcceptanceState JSON). */
  acceptanceIn?: string;
  /** Tiered's acceptance model is saved here at the end. */
  acceptanceOut?: string;
  /** The gatherer also returns the definitions of every imported name (as the VS Code gatherer); off: --no-import-definitions. */
  importDefinitions: boolean;
  seed: number;
  ttft: number;
  tps: number;
  keys: number;
  segmentKeys: number;
  /** Share of the keys retyping spans inside existing lines (bench/inline/trace.ts editShare). */
  editShare: number;
  /** The emulated editor auto-closes brackets and quotes (bench/inline/autoClose.ts). */
  autoClose: boolean;
  fullyRight: number;
  chat: boolean;
  policies: string[];
  threshold?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    file: 'node_modules/zod/src/v3/types.ts',
    seed: 1,
    ttft: 300,
    tps: 100,
    keys: 500,
    segmentKeys: 250,
    editShare: 0,
    autoClose: false,
    fullyRight: 0.4,
    chat: false,
    priceAs: 'gpt-5-mini',
    contextTokens: DEFAULT_CONTEXT_TOKENS,
    // tiered.inline.acceptThreshold's default (src/core/config.ts): the gate's acceptance model.
    acceptThreshold: 0.15,
    importDefinitions: true,
    policies: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): string => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${a} needs a value`);
      return value;
    };
    const num = (): number => {
      const n = Number(v());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${a} needs a non-negative number`);
      return n;
    };
    if (a === '--file') args.file = v();
    else if (a === '--workspace') args.workspace = v();
    else if (a === '--price-as') args.priceAs = v();
    else if (a === '--context-tokens') args.contextTokens = Math.round(num());
    else if (a === '--accept-threshold') args.acceptThreshold = Math.min(0.9, num());
    else if (a === '--acceptance-in') args.acceptanceIn = v();
    else if (a === '--acceptance-out') args.acceptanceOut = v();
    else if (a === '--import-definitions') args.importDefinitions = true;
    else if (a === '--no-import-definitions') args.importDefinitions = false;
    else if (a === '--seed') args.seed = num();
    else if (a === '--ttft') args.ttft = num();
    else if (a === '--tps') args.tps = num();
    else if (a === '--keys') args.keys = Math.max(1, Math.round(num()));
    else if (a === '--segment-keys') args.segmentKeys = Math.max(20, Math.round(num()));
    else if (a === '--edit-share') {
      const raw = v();
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
        throw new Error(`--edit-share needs a number from 0 to 1 (got ${JSON.stringify(raw)})`);
      args.editShare = n;
    } else if (a === '--auto-close') args.autoClose = true;
    else if (a === '--fully-right') args.fullyRight = Math.min(1, num());
    else if (a === '--chat') args.chat = true;
    else if (a === '--threshold') args.threshold = Math.min(1, num());
    else if (a === '--policies') args.policies = v().split(',');
    else throw new Error(`unknown option ${a}`);
  }
  if (!args.policies.length)
    args.policies = args.workspace
      ? ['tiered', 'continue', 'copilot']
      : POLICIES.map((p) => p.name).filter((n) => n !== 'copilot');
  if (!args.policies.includes('tiered')) args.policies.unshift('tiered');
  // The priced model (gpt-5-mini by default) is a chat model: workspace runs use chat prompts.
  if (args.workspace) args.chat = true;
  return args;
}

const sleepUntil = (t: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, t - performance.now())));

const round = (n: number | null, digits = 1): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

interface Summary {
  requestsPer100Keys: number;
  requests: number;
  completed: number;
  aborted: number;
  errors: number;
  serverClosedByClient: number;
  wastedTokensPer100Keys: number;
  wastedPromptPer100Keys: number;
  wastedOutputPer100Keys: number;
  billedTokensPer100Keys: number;
  /** Share of billed prompt tokens read from the provider's prompt cache. */
  cachedPromptShare: number | null;
  /** USD per 100 keys at the priced model's rates, cached input at its cached price. */
  wastedUsdPer100Keys: number;
  billedUsdPer100Keys: number;
  acceptedCharsPerRequest: number | null;
  pauses: number;
  pauseCoverage: number | null;
  pauseToGhostP50Ms: number | null;
  pauseToGhostP95Ms: number | null;
  /**
   * Share of pauses that began with ghost text already on screen (a wait of 0), and the p50 of the
   * others' waits for an answer: pause→ghost p50 sits where these two meet, so it swings between
   * ~0 and a request's latency from run to run (BENCHMARKS.md, "Why the append p50 misses").
   */
  pauseGhostUp: number | null;
  pauseWaitP50Ms: number | null;
  /** Requests whose true continuation uses a name defined in another file (workspace mode). */
  crossFileRequests?: number;
  /** Of those, the share whose prompt held every such definition. */
  contextRecall?: number | null;
  contextGatherP50Ms?: number | null;
  contextGatherP95Ms?: number | null;
  /** Requests the ask gate held back, per rule (Tiered in workspace mode). */
  gateBlocked?: Record<string, number>;
  /** Outcomes Tiered's acceptance model has learned from, a loaded history included. */
  acceptanceSeen?: number;
  engineMsPerRequestP50: number | null;
  engineMsPerRequestP99: number | null;
  engineMsPerCallP99: number | null;
  sdkSyncMsPerRequestP50: number | null;
  /** Tiered only: the same requests re-run through the engine alone (see isolatedEngineMs). */
  isolatedEngineMsPerRequestP50?: number | null;
  isolatedEngineMsPerRequestP99?: number | null;
}

function summarise(f: PolicyFigures, serverClosed: number, rates: Rates): Summary {
  // Waits of 0: the pause began with ghost text on screen.
  const waited = f.pauseToGhostMs.filter((ms) => ms > 0);
  const per100 = (n: number) => (f.keys ? (n / f.keys) * 100 : 0);
  const usd = (b: { prompt: number; cached: number; output: number }) =>
    ((b.prompt - b.cached) * rates.inputPerMTok +
      b.cached * rates.cachedInputPerMTok +
      b.output * rates.outputPerMTok) /
    1e6;
  return {
    requestsPer100Keys: round(per100(f.requests), 2)!,
    requests: f.requests,
    completed: f.completed,
    aborted: f.aborted,
    errors: f.errors,
    serverClosedByClient: serverClosed,
    wastedTokensPer100Keys: round(per100(f.wasted.prompt + f.wasted.output), 0)!,
    wastedPromptPer100Keys: round(per100(f.wasted.prompt), 0)!,
    wastedOutputPer100Keys: round(per100(f.wasted.output), 0)!,
    billedTokensPer100Keys: round(per100(f.billed.prompt + f.billed.output), 0)!,
    cachedPromptShare: f.billed.prompt ? round(f.billed.cached / f.billed.prompt, 3) : null,
    wastedUsdPer100Keys: round(per100(usd(f.wasted)), 6)!,
    billedUsdPer100Keys: round(per100(usd(f.billed)), 6)!,
    acceptedCharsPerRequest: f.requests ? round(f.acceptedChars / f.requests, 1) : null,
    pauses: f.pauses,
    pauseCoverage: f.pauses ? round(f.pausesWithGhost / f.pauses, 3) : null,
    pauseToGhostP50Ms: round(percentile(f.pauseToGhostMs, 50), 0),
    pauseToGhostP95Ms: round(percentile(f.pauseToGhostMs, 95), 0),
    pauseGhostUp: f.pauses ? round((f.pauseToGhostMs.length - waited.length) / f.pauses, 3) : null,
    pauseWaitP50Ms: round(percentile(waited, 50), 0),
    ...(f.contextMs.length
      ? {
          contextGatherP50Ms: round(percentile(f.contextMs, 50), 3),
          contextGatherP95Ms: round(percentile(f.contextMs, 95), 3),
        }
      : {}),
    engineMsPerRequestP50: round(percentile(f.engineMsPerRequest, 50), 3),
    engineMsPerRequestP99: round(percentile(f.engineMsPerRequest, 99), 3),
    engineMsPerCallP99: round(percentile(f.engineMsPerCall, 99), 3),
    sdkSyncMsPerRequestP50: round(percentile(f.sdkSyncMsPerRequest, 50), 3),
  };
}

/** The model the bench prices as: the vendor's host, so the capabilities table and prices apply. */
function pricedModel(name: string): ResolvedModel {
  return {
    id: name,
    provider: 'openai',
    model: name,
    tier: 'lite',
    maxOutputTokens: 128,
    fim: false,
    providerConfig: { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', timeoutMs: 30_000 },
  };
}

/** A request's identity as the server logged it and as the source sent it (to join billing to requests). */
function bodyKey(model: string, body: { messages?: unknown; prompt?: unknown; suffix?: unknown }): string {
  const messages = Array.isArray(body.messages)
    ? (body.messages as { role: unknown; content: unknown }[]).map((m) => [m.role, m.content])
    : undefined;
  return `${model}\0${JSON.stringify(messages ?? [body.prompt, body.suffix ?? ''])}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let ws: Workspace | undefined;
  let file: string;
  let label: string;
  if (args.workspace) {
    ws = loadWorkspace(args.workspace, args.file);
    file = ws.current.text;
    label = `${join(args.workspace, args.file)} in a workspace of ${ws.files.length} ${ws.current.languageId} files (${ws.open.length} open, ${ws.index.size} declared names)`;
  } else {
    file = readFileSync(args.file, 'utf8').replace(/\r\n/g, '\n');
    label = args.file;
  }
  const segments = makeTrace(file, {
    seed: args.seed,
    keys: args.keys,
    keysPerSegment: args.segmentKeys,
    editShare: args.editShare,
  }).map((s) => (args.autoClose ? { ...s, keys: autoCloseKeys(file, s) } : s));
  const closedPairs = segments.reduce((n, s) => n + s.keys.filter((k) => k.close !== undefined).length, 0);
  const movedPast = segments.reduce((n, s) => n + s.keys.filter((k) => k.move !== undefined).length, 0);
  const totalKeys = segments.reduce((n, s) => n + s.keys.length, 0);
  const edits = segments.filter((s) => s.edit);
  const editKeys = edits.reduce((n, s) => n + s.keys.length, 0);
  // Edits whose line goes on with closers only: the mid-line places Copilot (and the gate) still ask at.
  const beforeClosers = edits.filter((s) => /^\s*[)>}\]"'`]*\s*[:{;,]?\s*$/.test(s.after.split('\n', 1)[0]!)).length;
  const seconds = segments.reduce((n, s) => n + s.durationMs, 0) / 1000;
  console.log(
    `inline replay: ${label} (${file.split('\n').length} lines), ${segments.length} segment(s), ` +
      `${totalKeys} keys, ~${seconds.toFixed(0)} s; edit share ${args.editShare} ` +
      `(${edits.length} edit(s) inside lines, ${editKeys} keys, ${beforeClosers} before closers only); ` +
      (args.autoClose
        ? `auto-close on (${closedPairs} pairs closed, ${movedPast} closer lines moved past); `
        : 'auto-close off; ') +
      `seed ${args.seed}, TTFT ${args.ttft} ms, ${args.tps} tok/s, ` +
      `${args.chat ? 'chat' : 'FIM'}; editor debounce ${EDITOR_DEBOUNCE_MS} ms; a pause is a gap ≥ ${PAUSE_MS} ms`,
  );

  const priced = pricedModel(args.priceAs);
  const priceInfo = new PriceBook().describe(priced);
  if (!priceInfo.rates) throw new Error(`--price-as ${args.priceAs}: no bundled price`);
  const rates = priceInfo.rates;
  console.log(
    `priced as ${args.priceAs}: $${rates.inputPerMTok}/M input, $${rates.cachedInputPerMTok}/M cached input, ` +
      `$${rates.outputPerMTok}/M output (bundled price data); server: OpenAI prompt caching emulated`,
  );

  await warmUp(file);
  let near = 0;
  const crossFile = ws ? crossFileSymbols(ws) : undefined;
  const recall = new Map<string, { uses: number; held: number }>();
  const server = await startModelServer({
    knobs: {
      ttftMs: args.ttft,
      tokensPerSecond: args.tps,
      tokensPerChunk: 1,
      promptCache: true,
      text: makeOracle(file, {
        seed: args.seed,
        fullyRight: args.fullyRight,
        near: () => near,
        ...(crossFile
          ? {
              crossFile,
              onAnswer: (req, uses, held) => {
                const r = recall.get(req.model) ?? { uses: 0, held: 0 };
                if (uses) r.uses++;
                if (held) r.held++;
                recall.set(req.model, r);
              },
            }
          : {}),
      }),
    },
  });
  const config = {
    prefixTokens: 1200,
    suffixTokens: 300,
    maxLines: 8,
    maxOutputTokens: 128,
    contextTokens: args.contextTokens,
  };
  const client = createModelClient(
    { id: 'local', kind: 'openai', baseUrl: server.openaiBaseUrl, timeoutMs: 30_000 },
    undefined,
  );
  const editors = new Map<string, ReplayEditor>();
  const continueMat: ContinueMaterial = ws ? continueMaterial(ws) : { openFiles: [], imports: new Map() };
  // Load the cl100k vocabulary and count the open files now, not on the replay's first request.
  if (args.chat && args.policies.includes('continue'))
    continuePrompt(
      { fullPrefix: file.slice(0, 2000), fullSuffix: file.slice(2000, 4000), path: 'warm.ts', shuffleSeed: 0 },
      continueMat,
    );
  const gates = new Map<string, AskGate>();
  const sentKeys = new Map<string, Map<number, string>>();
  const recorded: RecordedRequest[] = [];
  // Chat prompts are built for the priced model on its own host (prompt_cache_key where the
  // capabilities table says it helps); FIM prompts as for a local Ollama model.
  const promptModel = args.chat ? priced : ollamaModel({ fim: true, maxOutputTokens: 128 });
  for (const name of args.policies) {
    const named = POLICIES.find((p) => p.name === name);
    if (!named) throw new Error(`unknown policy ${name} (known: ${POLICIES.map((p) => p.name).join(', ')})`);
    const model = `bench-${name}`;
    const holder: { editor?: ReplayEditor } = {};
    const keys = new Map<number, string>();
    sentKeys.set(name, keys);
    const source: CompletionSource = (req) => {
      const window: PromptWindow = {
        prefix: req.prefix,
        suffix: req.suffix,
        languageId: req.languageId,
        ...(req.context ? { context: req.context } : {}),
        ...(req.path ? { path: req.path } : {}),
        cacheScope: 'bench-workspace',
      };
      // Continue's own prompt (bench/inline/continue.ts) from the full prefix/suffix: one user
      // message, no system message, no prompt_cache_key; Tiered's window and context play no part.
      const hole =
        name === 'continue' && args.chat
          ? continuePrompt(
              {
                fullPrefix: req.prefix,
                fullSuffix: req.suffix,
                path: req.path ?? ws?.current.path ?? args.file,
                shuffleSeed: hash(String(req.requestId), args.seed),
              },
              continueMat,
            )
          : undefined;
      const body: RequestBody = hole
        ? {
            messages: [{ role: 'user', content: hole.prompt }],
            maxOutputTokens: config.maxOutputTokens,
            // core/llm/llms/OpenAI.ts _convertArgs: gpt-5 models get max_completion_tokens.
            outputCapField: 'max_completion_tokens',
          }
        : buildInlineRequest(promptModel, window, config);
      keys.set(
        req.requestId,
        bodyKey(
          model,
          body.messages
            ? { messages: body.messages }
            : { prompt: body.fim!.prefix, suffix: body.fim!.suffix || undefined },
        ),
      );
      if (process.env.BENCH_DEBUG) holder.editor!.prefixTail.set(req.requestId, req.prefix.slice(-30));
      // Debug: every prompt as sent, one JSON line each (to see what changes between requests).
      if (process.env.BENCH_PROMPTS)
        appendFileSync(process.env.BENCH_PROMPTS, JSON.stringify({ policy: name, id: req.requestId, body }) + '\n');
      const rec: RecordedRequest = { prefix: req.prefix, suffix: req.suffix, deltas: [] };
      if (name === 'tiered') recorded.push(rec);
      const onText = (delta: string): void => {
        rec.deltas.push(delta);
        req.onText(delta);
      };
      // Continue cuts the answer at its stop strings on the client (gpt-5 models refuse `stop`).
      const stops = hole ? stopFilter(onText) : undefined;
      const t0 = cpuNow();
      const pending = client.stream(
        { ...body, model, signal: req.signal, timeoutMs: 6000 },
        stops ? (d) => stops.push(d) : onText,
      );
      holder.editor!.sdkSyncMs.set(req.requestId, cpuNow() - t0);
      return pending.then((res) => ({ text: stops ? stops.end() : res.text, model, usage: res.usage }));
    };
    // Tiered's acceptance model: from --acceptance-in (a user with history) or new.
    const history =
      name === 'tiered' && args.acceptanceIn
        ? AcceptanceModel.fromJSON(JSON.parse(readFileSync(args.acceptanceIn, 'utf8')))
        : undefined;
    if (history?.seen === 0) throw new Error(`--acceptance-in ${args.acceptanceIn} holds no acceptance model state`);
    const gate = named.gate
      ? new AskGate({ now: () => Date.now(), threshold: () => args.acceptThreshold, model: history })
      : undefined;
    // Debug: every outcome the acceptance model learns from, one JSON line each (features, label).
    const log = process.env.BENCH_ACCEPTANCE_LOG;
    if (gate && name === 'tiered' && log) {
      const learn = gate.model.learn.bind(gate.model);
      gate.model.learn = (x, accepted) => {
        appendFileSync(log, JSON.stringify({ x, accepted }) + '\n');
        learn(x, accepted);
      };
    }
    if (gate) gates.set(name, gate);
    const editor: ReplayEditor = new ReplayEditor(
      source,
      named.policy,
      // Continue's builder windows the text itself: the engine passes it whole (held window off: no context).
      name === 'continue' && args.chat ? { ...config, prefixTokens: 1e9, suffixTokens: 1e9 } : config,
      process.env.BENCH_DEBUG?.split(',').includes(name) ? name : undefined,
      args.threshold !== undefined ? { threshold: args.threshold } : undefined,
      {
        ...(ws && named.context
          ? {
              context: {
                gather: workspaceGatherer(ws, () => editor.edits, { imports: args.importDefinitions }),
                strategy: named.context,
              },
            }
          : {}),
        ...(gate ? { gate } : {}),
        languageId: ws?.current.languageId ?? 'typescript',
        ...(ws ? { path: ws.current.path } : {}),
      },
    );
    holder.editor = editor;
    editors.set(name, editor);
  }

  const started = performance.now();
  for (const [i, seg] of segments.entries()) {
    near = seg.start;
    // One document per file, as VS Code keys it (its URI): the engine's per-document state (held
    // window start, context head) carries from one edit place to the next, as it does for a user.
    const docKey = ws ? `file:///bench/${ws.current.path}` : `file:///bench/segment-${i}.ts`;
    for (const e of editors.values()) e.open(seg, file, docKey);
    const t0 = performance.now();
    for (const key of seg.keys) {
      await sleepUntil(t0 + key.at);
      for (const e of editors.values()) e.key(key);
    }
    await sleepUntil(t0 + seg.durationMs);
    for (const e of editors.values()) e.close();
  }
  // Let every request settle (aborted ones included) before counting.
  while ([...editors.values()].some((e) => e.engine.inFlight > 0)) await sleepUntil(performance.now() + 50);
  await server.idle();
  await sleepUntil(performance.now() + 100);
  for (const e of editors.values()) e.engine.dispose();

  // Prompt tokens as the server billed them (cached part included), joined to the engine's requests.
  const logged = new Map<string, { prompt: number; cached: number }[]>();
  for (const l of server.log) {
    if (!l.promptUsage || !l.model) continue;
    const k = bodyKey(l.model, (l.body ?? {}) as Record<string, unknown>);
    logged.set(k, [...(logged.get(k) ?? []), l.promptUsage]);
  }
  const results: Record<string, Summary> = {};
  /** Billed prompt tokens per request (o200k as the server counts), printed apart from the JSON. */
  const promptPerRequest = new Map<string, number>();
  for (const [name, e] of editors) {
    const closed = server.log.filter((l) => l.model === `bench-${name}` && l.clientClosedEarly).length;
    const keys = sentKeys.get(name)!;
    const billing = (requestId: number) => logged.get(keys.get(requestId) ?? '')?.shift();
    const figures = e.finish(billing);
    results[name] = summarise(figures, closed, rates);
    promptPerRequest.set(name, figures.requests ? Math.round(figures.billed.prompt / figures.requests) : 0);
    const r = recall.get(`bench-${name}`);
    if (ws) {
      results[name].crossFileRequests = r?.uses ?? 0;
      results[name].contextRecall = r?.uses ? round(r.held / r.uses, 3) : null;
    }
    const gate = gates.get(name);
    if (gate) results[name].gateBlocked = { ...gate.blocked };
    if (gate && name === 'tiered') {
      results[name].acceptanceSeen = gate.model.seen;
      if (args.acceptanceOut) writeFileSync(args.acceptanceOut, JSON.stringify(gate.model.toJSON()) + '\n');
    }
  }
  await server.close();
  const isolated = await isolatedEngineMs(recorded);
  results.tiered!.isolatedEngineMsPerRequestP50 = round(percentile(isolated, 50), 3);
  results.tiered!.isolatedEngineMsPerRequestP99 = round(percentile(isolated, 99), 3);

  const rows = Object.entries(results);
  const cols: Array<[string, (s: Summary) => unknown]> = [
    ['req/100k', (s) => s.requestsPer100Keys],
    ['done', (s) => s.completed],
    ['aborted', (s) => s.aborted],
    ['wasted tok/100k', (s) => `${s.wastedTokensPer100Keys} (${s.wastedPromptPer100Keys}+${s.wastedOutputPer100Keys})`],
    ['wasted $/100k', (s) => s.wastedUsdPer100Keys.toFixed(6)],
    ['billed $/100k', (s) => s.billedUsdPer100Keys.toFixed(6)],
    ['cached', (s) => s.cachedPromptShare],
    ['ghost p50/p95 ms', (s) => `${s.pauseToGhostP50Ms}/${s.pauseToGhostP95Ms}`],
    ['pauses w/ ghost (up)', (s) => `${s.pauseCoverage} (${s.pauseGhostUp})`],
    ['wait p50 ms', (s) => s.pauseWaitP50Ms],
    ['acc chars/req', (s) => s.acceptedCharsPerRequest],
    ...(ws
      ? ([
          ['ctx recall', (s) => `${s.contextRecall} of ${s.crossFileRequests}`],
          [
            'gather p50/p95 ms',
            (s) => (s.contextGatherP50Ms == null ? '-' : `${s.contextGatherP50Ms}/${s.contextGatherP95Ms}`),
          ],
        ] as Array<[string, (s: Summary) => unknown]>)
      : []),
    ['engine ms/req p50/p99', (s) => `${s.engineMsPerRequestP50}/${s.engineMsPerRequestP99}`],
  ];
  const table = [
    ['policy', ...cols.map((c) => c[0])],
    ...rows.map(([n, s]) => [n, ...cols.map((c) => String(c[1](s)))]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log(
    `prompt tokens per request (billed, cached part included): ${[...promptPerRequest].map(([n, t]) => `${n} ${t}`).join(', ')}`,
  );

  const t = results.tiered!;
  const ratio = (a: number | null | undefined, b: number | null | undefined) =>
    a == null || b == null || b === 0 ? null : round(a / b, 3);
  const ratios: Record<
    string,
    {
      requests: number | null;
      wastedTokens: number | null;
      wastedUsd: number | null;
      pauseToGhostP50: number | null;
      contextRecall?: number | null;
    }
  > = {};
  for (const [name, s] of rows) {
    if (name === 'tiered') continue;
    ratios[name] = {
      requests: ratio(t.requestsPer100Keys, s.requestsPer100Keys),
      wastedTokens: ratio(t.wastedTokensPer100Keys, s.wastedTokensPer100Keys),
      wastedUsd: ratio(t.wastedUsdPer100Keys, s.wastedUsdPer100Keys),
      pauseToGhostP50: ratio(t.pauseToGhostP50Ms, s.pauseToGhostP50Ms),
      ...(ws ? { contextRecall: ratio(t.contextRecall, s.contextRecall) } : {}),
    };
    console.log(
      `tiered vs ${name}: requests ×${ratios[name].requests}, wasted tokens ×${ratios[name].wastedTokens}, ` +
        `wasted $ ×${ratios[name].wastedUsd}, pause-to-ghost p50 ×${ratios[name].pauseToGhostP50}` +
        (ws ? `, context recall ×${ratios[name].contextRecall}` : ''),
    );
  }
  const c = results.continue;
  const cp = results.copilot;
  const targets = c
    ? {
        requestsAtMost07xContinue: t.requestsPer100Keys <= 0.7 * c.requestsPer100Keys,
        wastedUsdAtMost05xContinue: t.wastedUsdPer100Keys <= 0.5 * c.wastedUsdPer100Keys,
        ghostP50NoWorseThanContinue:
          t.pauseToGhostP50Ms !== null && c.pauseToGhostP50Ms !== null && t.pauseToGhostP50Ms <= c.pauseToGhostP50Ms,
        ...(cp && ws
          ? {
              recallAtLeast12xCopilot:
                t.contextRecall != null &&
                cp.contextRecall != null &&
                t.contextRecall > 0 &&
                t.contextRecall >= 1.2 * cp.contextRecall,
              gatherP95AtMost100ms: (t.contextGatherP95Ms ?? 0) <= 100,
            }
          : {}),
        engineP99AtMost1ms: (t.isolatedEngineMsPerRequestP99 ?? t.engineMsPerRequestP99 ?? 0) <= 1,
      }
    : undefined;
  console.log(
    `tiered engine CPU per request (context gathering excluded): live p50/p99 ${t.engineMsPerRequestP50}/${t.engineMsPerRequestP99} ms; ` +
      `isolated p50/p99 ${t.isolatedEngineMsPerRequestP50}/${t.isolatedEngineMsPerRequestP99} ms ` +
      `(SDK call setup alone: p50 ${t.sdkSyncMsPerRequestP50} ms, excluded)`,
  );
  if (t.gateBlocked)
    console.log(
      `tiered ask gate held back: ${JSON.stringify(t.gateBlocked)}; acceptance model learned from ${t.acceptanceSeen ?? 0} outcomes`,
    );
  if (targets) console.log(`targets: ${JSON.stringify(targets)}`);
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    JSON.stringify({
      bench: 'inline',
      file: args.file,
      ...(args.workspace ? { workspace: args.workspace } : {}),
      seed: args.seed,
      ttftMs: args.ttft,
      tps: args.tps,
      keys: totalKeys,
      editShare: args.editShare,
      editSegments: edits.length,
      editKeys,
      editsBeforeClosersOnly: beforeClosers,
      autoClose: args.autoClose,
      ...(args.autoClose ? { closedPairs, movedPast } : {}),
      ...(t.gateBlocked ? { gateBlocked: t.gateBlocked, acceptanceSeen: t.acceptanceSeen } : {}),
      prompt: args.chat ? 'chat' : 'fim',
      pricedAs: args.priceAs,
      contextTokens: args.contextTokens,
      importDefinitions: args.importDefinitions,
      policies: results,
      ratios,
      targets,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
