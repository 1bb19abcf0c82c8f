// CPU of choosing an inline prompt's context block (selectContext) per request, over typing a file
// of this repo with the bench's emulated workspace (20 open files, imports' and cursor definitions):
// a request every ~100 characters, each with the block sent before it, as the engine does.
//   npm run bench:select [-- --workspace src --file core/callPath.ts --rounds 5]
// Prints one JSON line and a table. Gathering (workspace.ts, emulated) is not timed, only selection.
import { performance } from 'node:perf_hooks';
import { selectContext, type ContextItem } from '../src/core/completion';
import { loadWorkspace, workspaceGatherer } from './inline/workspace';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const WORKSPACE = arg('workspace', 'src');
const FILE = arg('file', 'core/callPath.ts');
const ROUNDS = Math.max(1, Number(arg('rounds', '5')));
const BUDGET = 1024;

const pct = (values: number[], p: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};

async function main(): Promise<void> {
  const ws = loadWorkspace(WORKSPACE, FILE);
  const text = ws.current.text;
  const gather = workspaceGatherer(ws, () => [], { imports: true });
  const kept: number[] = [];
  const fresh: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let previous: ContextItem[] | undefined;
    for (let at = 0; at < text.length; at += 97) {
      const end = text.indexOf('\n', at);
      if (end < 0) break;
      const input = {
        docKey: 'bench',
        prefix: text.slice(Math.max(0, end - 5000), end),
        suffix: text.slice(end, end + 1200),
        offset: end,
        languageId: ws.current.languageId,
      };
      const material = await gather(input, new AbortController().signal);
      let t = performance.now();
      previous = selectContext(material, input, BUDGET, previous);
      kept.push(performance.now() - t);
      t = performance.now();
      selectContext(material, input, BUDGET);
      fresh.push(performance.now() - t);
    }
  }
  const row = (name: string, ms: number[]) => ({
    name,
    n: ms.length,
    p50: +pct(ms, 0.5).toFixed(3),
    p90: +pct(ms, 0.9).toFixed(3),
    p99: +pct(ms, 0.99).toFixed(3),
  });
  const rows = [row('with the block sent before (as typing)', kept), row('fresh (no block before)', fresh)];
  console.log(
    JSON.stringify({ bench: 'select', workspace: WORKSPACE, file: FILE, budget: BUDGET, rounds: ROUNDS, rows }),
  );
  console.log('');
  console.log('selection                                  n      p50 ms   p90 ms   p99 ms');
  for (const r of rows)
    console.log(
      `${r.name.padEnd(42)} ${String(r.n).padStart(5)}  ${r.p50.toFixed(3).padStart(7)}  ${r.p90.toFixed(3).padStart(7)}  ${r.p99.toFixed(3).padStart(7)}`,
    );
}

void main();
