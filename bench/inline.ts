// Keystroke-replay benchmark for inline completions.
//
//   npm run bench:inline -- --file PATH [--seed N] [--ttft MS] [--tps N] [--keys N] [--chat]
//
// Types a real file at human speed (bench/inline/trace.ts) into emulated editors, one per policy
// (bench/policies.ts), all at once, each through the same CompletionEngine the extension runs and
// the real OpenAI adapter (src/providers) talking to the local model server (test/server), which
// answers with the file's own continuation, right for a while and then wrong. Prints the figures
// per policy, Tiered's ratios against each, and, as the LAST line, one JSON object with all of it.
import { ollamaModel } from '../test/support/models';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildInlineRequest, type CompletionSource } from '../src/core/completion';
import { createModelClient } from '../src/providers';
import { startModelServer } from '../test/server/modelServer';
import { makeOracle } from './inline/oracle';
import { percentile } from '../test/support/random';
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
import { POLICIES } from './policies';

interface Args {
  file: string;
  seed: number;
  ttft: number;
  tps: number;
  keys: number;
  segmentKeys: number;
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
    fullyRight: 0.4,
    chat: false,
    policies: POLICIES.map((p) => p.name),
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
    else if (a === '--seed') args.seed = num();
    else if (a === '--ttft') args.ttft = num();
    else if (a === '--tps') args.tps = num();
    else if (a === '--keys') args.keys = Math.max(1, Math.round(num()));
    else if (a === '--segment-keys') args.segmentKeys = Math.max(20, Math.round(num()));
    else if (a === '--fully-right') args.fullyRight = Math.min(1, num());
    else if (a === '--chat') args.chat = true;
    else if (a === '--threshold') args.threshold = Math.min(1, num());
    else if (a === '--policies') args.policies = v().split(',');
    else throw new Error(`unknown option ${a}`);
  }
  if (!args.policies.includes('tiered')) args.policies.unshift('tiered');
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
  pauses: number;
  pauseCoverage: number | null;
  pauseToGhostP50Ms: number | null;
  pauseToGhostP95Ms: number | null;
  engineMsPerRequestP50: number | null;
  engineMsPerRequestP99: number | null;
  engineMsPerCallP99: number | null;
  sdkSyncMsPerRequestP50: number | null;
  /** Tiered only: the same requests re-run through the engine alone (see isolatedEngineMs). */
  isolatedEngineMsPerRequestP50?: number | null;
  isolatedEngineMsPerRequestP99?: number | null;
}

function summarise(f: PolicyFigures, serverClosed: number): Summary {
  const per100 = (n: number) => (f.keys ? (n / f.keys) * 100 : 0);
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
    pauses: f.pauses,
    pauseCoverage: f.pauses ? round(f.pausesWithGhost / f.pauses, 3) : null,
    pauseToGhostP50Ms: round(percentile(f.pauseToGhostMs, 50), 0),
    pauseToGhostP95Ms: round(percentile(f.pauseToGhostMs, 95), 0),
    engineMsPerRequestP50: round(percentile(f.engineMsPerRequest, 50), 3),
    engineMsPerRequestP99: round(percentile(f.engineMsPerRequest, 99), 3),
    engineMsPerCallP99: round(percentile(f.engineMsPerCall, 99), 3),
    sdkSyncMsPerRequestP50: round(percentile(f.sdkSyncMsPerRequest, 50), 3),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const file = readFileSync(args.file, 'utf8').replace(/\r\n/g, '\n');
  const segments = makeTrace(file, { seed: args.seed, keys: args.keys, keysPerSegment: args.segmentKeys });
  const totalKeys = segments.reduce((n, s) => n + s.keys.length, 0);
  const seconds = segments.reduce((n, s) => n + s.durationMs, 0) / 1000;
  console.log(
    `inline replay: ${args.file} (${file.split('\n').length} lines), ${segments.length} segment(s), ` +
      `${totalKeys} keys, ~${seconds.toFixed(0)} s; seed ${args.seed}, TTFT ${args.ttft} ms, ${args.tps} tok/s, ` +
      `${args.chat ? 'chat' : 'FIM'}; editor debounce ${EDITOR_DEBOUNCE_MS} ms; a pause is a gap ≥ ${PAUSE_MS} ms`,
  );

  await warmUp(file);
  let near = 0;
  const server = await startModelServer({
    knobs: {
      ttftMs: args.ttft,
      tokensPerSecond: args.tps,
      tokensPerChunk: 1,
      text: makeOracle(file, { seed: args.seed, fullyRight: args.fullyRight, near: () => near }),
    },
  });
  const config = { prefixTokens: 1200, suffixTokens: 300, maxLines: 8, maxOutputTokens: 128 };
  const client = createModelClient(
    { id: 'local', kind: 'openai', baseUrl: server.openaiBaseUrl, timeoutMs: 30_000 },
    undefined,
  );
  const editors = new Map<string, ReplayEditor>();
  const recorded: RecordedRequest[] = [];
  for (const name of args.policies) {
    const named = POLICIES.find((p) => p.name === name);
    if (!named) throw new Error(`unknown policy ${name} (known: ${POLICIES.map((p) => p.name).join(', ')})`);
    const model = `bench-${name}`;
    const holder: { editor?: ReplayEditor } = {};
    const source: CompletionSource = (req) => {
      const body = buildInlineRequest(ollamaModel({ fim: !args.chat, maxOutputTokens: 128 }), req, config);
      if (process.env.BENCH_DEBUG) holder.editor!.prefixTail.set(req.requestId, req.prefix.slice(-30));
      const rec: RecordedRequest = { prefix: req.prefix, suffix: req.suffix, deltas: [] };
      if (name === 'tiered') recorded.push(rec);
      const onText = (delta: string): void => {
        rec.deltas.push(delta);
        req.onText(delta);
      };
      const t0 = cpuNow();
      const pending = client.stream({ ...body, model, signal: req.signal, timeoutMs: 6000 }, onText);
      holder.editor!.sdkSyncMs.set(req.requestId, cpuNow() - t0);
      return pending.then((res) => ({ text: res.text, model, usage: res.usage }));
    };
    const editor = new ReplayEditor(
      source,
      named.policy,
      config,
      process.env.BENCH_DEBUG?.split(',').includes(name) ? name : undefined,
      args.threshold !== undefined ? { threshold: args.threshold } : undefined,
    );
    holder.editor = editor;
    editors.set(name, editor);
  }

  const started = performance.now();
  for (const [i, seg] of segments.entries()) {
    near = seg.start;
    for (const e of editors.values()) e.open(seg, file, `file:///bench/segment-${i}.ts`);
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

  const results: Record<string, Summary> = {};
  for (const [name, e] of editors) {
    const closed = server.log.filter((l) => l.model === `bench-${name}` && l.clientClosedEarly).length;
    results[name] = summarise(
      e.finish((chars) => Math.ceil(chars / 4)),
      closed,
    );
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
    ['srv-closed', (s) => s.serverClosedByClient],
    ['wasted tok/100k', (s) => `${s.wastedTokensPer100Keys} (${s.wastedPromptPer100Keys}+${s.wastedOutputPer100Keys})`],
    ['billed tok/100k', (s) => s.billedTokensPer100Keys],
    ['ghost p50/p95 ms', (s) => `${s.pauseToGhostP50Ms}/${s.pauseToGhostP95Ms}`],
    ['pauses w/ ghost', (s) => `${s.pauseCoverage}`],
    ['engine ms/req p50/p99', (s) => `${s.engineMsPerRequestP50}/${s.engineMsPerRequestP99}`],
  ];
  const table = [
    ['policy', ...cols.map((c) => c[0])],
    ...rows.map(([n, s]) => [n, ...cols.map((c) => String(c[1](s)))]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

  const t = results.tiered!;
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : round(a / b, 3));
  const ratios: Record<
    string,
    { requests: number | null; wastedTokens: number | null; pauseToGhostP50: number | null }
  > = {};
  for (const [name, s] of rows) {
    if (name === 'tiered') continue;
    ratios[name] = {
      requests: ratio(t.requestsPer100Keys, s.requestsPer100Keys),
      wastedTokens: ratio(t.wastedTokensPer100Keys, s.wastedTokensPer100Keys),
      pauseToGhostP50: ratio(t.pauseToGhostP50Ms, s.pauseToGhostP50Ms),
    };
    console.log(
      `tiered vs ${name}: requests ×${ratios[name].requests}, wasted tokens ×${ratios[name].wastedTokens}, ` +
        `pause-to-ghost p50 ×${ratios[name].pauseToGhostP50}`,
    );
  }
  const c = results.continue;
  const targets = c
    ? {
        requestsBelow07xContinue: t.requestsPer100Keys < 0.7 * c.requestsPer100Keys,
        wastedBelow05xContinue: t.wastedTokensPer100Keys < 0.5 * c.wastedTokensPer100Keys,
        ghostP50NoWorseThanContinue:
          t.pauseToGhostP50Ms !== null && c.pauseToGhostP50Ms !== null && t.pauseToGhostP50Ms <= c.pauseToGhostP50Ms,
        engineP99AtMost1ms: (t.isolatedEngineMsPerRequestP99 ?? t.engineMsPerRequestP99 ?? 0) <= 1,
      }
    : undefined;
  console.log(
    `tiered engine CPU per request: live p50/p99 ${t.engineMsPerRequestP50}/${t.engineMsPerRequestP99} ms; ` +
      `isolated p50/p99 ${t.isolatedEngineMsPerRequestP50}/${t.isolatedEngineMsPerRequestP99} ms ` +
      `(SDK call setup alone: p50 ${t.sdkSyncMsPerRequestP50} ms, excluded)`,
  );
  if (targets) console.log(`targets: ${JSON.stringify(targets)}`);
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    JSON.stringify({
      bench: 'inline',
      file: args.file,
      seed: args.seed,
      ttftMs: args.ttft,
      tps: args.tps,
      keys: totalKeys,
      prompt: args.chat ? 'chat' : 'fim',
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
