// Starts the local model server by hand, for trying the extension offline:
//   node out/test/server/cli.js --port 8787 --ttft 300 --tps 50 [--chunk 2] [--host 127.0.0.1]
//     [--models a,b] [--keys k1,k2] [--cost 0.0012] [--litellm-cost 0.0012]
//     [--reasoning-tps 200] [--reasoning low=256,medium=1536] [--litellm-version current|legacy]
//     [--ollama-insert qwen2.5-coder,starcoder2] [--demo]
// --demo answers like a model would (demo/index.ts): code continuations, tone rewrites, review JSON.
// Prints its URLs (one per flavour), then one line per finished request (with the rejection, if any).
import { startModelServer, type Flavour, type Knobs, type LoggedRequest } from './modelServer';

/** Flags that take no value. */
const SWITCHES = new Set(['demo']);

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    args.set(name, inline ?? (SWITCHES.has(name) ? 'true' : (argv[++i] ?? '')));
  }
  return args;
}

function num(args: Map<string, string>, name: string): number | undefined {
  const v = args.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} expects a non-negative number, got "${v}"`);
  return n;
}

function line(e: LoggedRequest): string {
  const time = new Date(e.time).toISOString().slice(11, 23);
  const model = e.model ? ` model=${e.model}` : '';
  const extra = [
    e.flavour !== 'openai' ? `as=${e.flavour}` : '',
    e.rejected ? `rejected: ${e.rejected.reason}` : '',
    e.effort ? `effort=${e.effort}` : '',
    e.reasoningTokens !== undefined ? `reasoning=${e.reasoningTokens}` : '',
    e.temperature !== undefined ? `temperature=${e.temperature}` : '',
    e.stream ? `chunks=${e.chunksSent}` : '',
    e.fault ? `fault=${e.fault}` : '',
    e.clientClosedEarly ? 'client-closed-early' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${time} ${e.method} ${e.path}${model} -> ${e.status ?? '-'} ${e.durationMs ?? '?'}ms ${extra}`.trimEnd();
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const knobs: Partial<Knobs> = {};
  const ttft = num(args, 'ttft');
  const tps = num(args, 'tps');
  const chunk = num(args, 'chunk');
  const cost = num(args, 'cost');
  const litellmCost = num(args, 'litellm-cost');
  if (ttft !== undefined) knobs.ttftMs = ttft;
  if (tps !== undefined) knobs.tokensPerSecond = tps;
  if (chunk !== undefined) knobs.tokensPerChunk = Math.max(1, Math.round(chunk));
  if (cost !== undefined) knobs.costUsd = cost;
  if (litellmCost !== undefined) knobs.litellmCostUsd = litellmCost;
  const list = (name: string) => args.get(name)?.split(',').filter(Boolean);
  const reasoningTps = num(args, 'reasoning-tps');
  if (reasoningTps !== undefined) knobs.reasoningTokensPerSecond = reasoningTps;
  const reasoning = list('reasoning');
  if (reasoning)
    knobs.reasoningByEffort = Object.fromEntries(
      reasoning.map((pair) => {
        const [effort, n] = pair.split('=');
        if (!effort || !Number.isFinite(Number(n))) throw new Error(`--reasoning expects effort=tokens, got "${pair}"`);
        return [effort, Number(n)];
      }),
    );
  const litellmVersion = args.get('litellm-version');
  if (litellmVersion !== undefined) {
    if (litellmVersion !== 'current' && litellmVersion !== 'legacy')
      throw new Error(`--litellm-version expects current or legacy, got "${litellmVersion}"`);
    knobs.litellmVersion = litellmVersion;
  }
  if (args.has('demo')) knobs.demo = args.get('demo') !== 'false';
  const insert = list('ollama-insert');
  if (insert) knobs.ollamaInsertModels = insert;
  const server = await startModelServer({
    port: num(args, 'port') ?? 8787,
    host: args.get('host') ?? '127.0.0.1',
    knobs,
    models: list('models'),
    apiKeys: list('keys'),
    onLog: (e) => console.log(line(e)),
  });
  console.log(`Local model server on ${server.url}`);
  const flavours: Flavour[] = ['openai', 'gemini', 'ollama', 'llamacpp', 'vllm', 'lmstudio', 'openrouter', 'litellm'];
  for (const f of flavours) console.log(`  ${`${f} base URL:`.padEnd(22)}${server.baseUrl(f)}`);
  console.log(`  ${'llama.cpp infill:'.padEnd(22)}${server.url}/llamacpp/infill`);
  console.log(`  knobs: ${JSON.stringify(knobs)}   (Ctrl+C to stop)`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
