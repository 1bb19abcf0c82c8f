// Builds the acceptance model of a user with history, for `bench:inline -- --acceptance-in`: one pass,
// in order, over the outcomes logged by earlier replays of other files (BENCH_ACCEPTANCE_LOG=FILE),
// exactly as the gate would have learned them. Prints the model's online log loss and, per kind of
// place (class of the character before the cursor, class of the rest of the line), how often it was
// accepted, what the finished model predicts there and how many it would hold back at --threshold.
//
//   node out/bench/acceptanceHistory.js --out STATE.json [--threshold 0.15] LOG.jsonl [LOG.jsonl…]
import { readFileSync, writeFileSync } from 'node:fs';
import { AcceptanceModel, CHAR_CLASSES, FEATURES, REST_CLASSES } from '../src/core/completion/acceptance';

interface Outcome {
  x: number[];
  accepted: boolean;
}

function parse(argv: string[]): { out: string; threshold: number; logs: string[] } {
  let out: string | undefined;
  let threshold = 0.15;
  const logs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out') out = argv[++i];
    else if (a === '--threshold') threshold = Number(argv[++i]);
    else logs.push(a);
  }
  if (!out || !logs.length || !(threshold >= 0 && threshold < 1))
    throw new Error('usage: acceptanceHistory.js --out STATE.json [--threshold 0..1] LOG.jsonl [LOG.jsonl…]');
  return { out, threshold, logs };
}

function load(path: string): Outcome[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const o = JSON.parse(l) as Partial<Outcome>;
      if (!Array.isArray(o.x) || o.x.length !== FEATURES || typeof o.accepted !== 'boolean')
        throw new Error(`${path}:${i + 1}: not an outcome of this model's shape (${FEATURES} features)`);
      return o as Outcome;
    });
}

/** "c1 r1": the one-hot character class and rest-of-line class (they follow the bias, acceptance.ts features). */
const kind = (x: number[]): string => {
  const rest = 1 + CHAR_CLASSES;
  return `c${x.slice(1, rest).indexOf(1)} r${x.slice(rest, rest + REST_CLASSES).indexOf(1)}`;
};

function main(): void {
  const { out, threshold, logs } = parse(process.argv.slice(2));
  const rows = logs.flatMap(load);
  const model = new AcceptanceModel();
  let loss = 0;
  for (const r of rows) {
    const p = Math.min(1 - 1e-6, Math.max(1e-6, model.predict(r.x)));
    loss -= Math.log(r.accepted ? p : 1 - p);
    model.learn(r.x, r.accepted);
  }
  const kinds = new Map<string, { n: number; accepted: number; p: number; held: number }>();
  for (const r of rows) {
    const k = kinds.get(kind(r.x)) ?? { n: 0, accepted: 0, p: 0, held: 0 };
    const p = model.predict(r.x);
    k.n++;
    k.accepted += r.accepted ? 1 : 0;
    k.p += p;
    k.held += p < threshold ? 1 : 0;
    kinds.set(kind(r.x), k);
  }
  const accepted = rows.filter((r) => r.accepted).length;
  const table = [...kinds]
    .sort((a, b) => b[1].n - a[1].n)
    .map(([k, v]) => ({
      kind: k,
      outcomes: v.n,
      acceptedShare: Math.round((v.accepted / v.n) * 100) / 100,
      predicted: Math.round((v.p / v.n) * 100) / 100,
      heldBack: v.held,
    }));
  console.log('kind    outcomes  accepted  predicted  held back at ' + threshold);
  for (const t of table)
    console.log(
      `${t.kind.padEnd(8)}${String(t.outcomes).padEnd(10)}${String(t.acceptedShare).padEnd(10)}${String(t.predicted).padEnd(11)}${t.heldBack}`,
    );
  writeFileSync(out, JSON.stringify(model.toJSON()) + '\n');
  console.log(
    JSON.stringify({
      bench: 'acceptanceHistory',
      outcomes: rows.length,
      accepted,
      onlineLogLoss: Math.round((loss / rows.length) * 1000) / 1000,
      threshold,
      kinds: table,
      out,
    }),
  );
}

main();
