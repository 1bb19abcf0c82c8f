// A small model of whether this user accepts a suggestion at a place, learned online from their own
// shown/accepted history and the automatic requests that answered nothing: logistic regression over a
// few features, by AdaGrad (a step per weight that shrinks as that weight's feature is seen) with L2.
// Plain SGD at 0.05 needed hundreds of outcomes to leave its prior: over 231 outcomes logged by the
// benchmark (bench/data/acceptance) its online log loss was 0.730, AdaGrad's at 0.5 0.654
// (BENCHMARKS.md, "Learned acceptance"). It starts permissive (p ≈ 0.9 with no data) and never
// blocks during its first outcomes, so a new user is never starved; serialisable as a few hundred
// bytes of JSON (the edge keeps it in globalState).
//
// Anchor: GitHub Copilot scores each place before asking with a fixed, centrally trained model over
// similar features (previous label, time since it, last character before the cursor, whitespace
// after it, line length, language): contextualFilterScore, its feature maps in
// https://github.com/microsoft/vscode-copilot-chat/blob/main/src/extension/completions-core/vscode-node/lib/src/ghostText/contextualFilterConstants.ts
// Here the weights are this user's, learned locally; nothing leaves the machine.

export interface PlaceFeatures {
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  /** The rest of the cursor's line. */
  lineSuffix: string;
  languageId: string;
  /** Milliseconds since the user last accepted a suggestion (undefined: never, this session). */
  sinceAcceptMs?: number;
  /** The last outcome of a suggestion shown on this line. */
  lastOutcome?: 'accepted' | 'rejected';
  /** At an empty block or after a signature (multiline.ts). */
  blockStart: boolean;
}

export const CHAR_CLASSES = 11;
export const REST_CLASSES = 3;
const LANG_BUCKETS = 8;
/** bias, char class, rest class, language, time, last outcome (2), line length, block start. */
export const FEATURES = 1 + CHAR_CLASSES + REST_CLASSES + LANG_BUCKETS + 1 + 2 + 1 + 1;

/** Class of the last character before the cursor (one-hot). */
function charClass(linePrefix: string): number {
  if (linePrefix.trim() === '') return 0;
  const c = linePrefix[linePrefix.length - 1]!;
  if (/\s/.test(c)) return 9;
  if (/[\w$]/.test(c)) return 1;
  if (c === '.') return 2;
  if ('([{'.includes(c)) return 3;
  if (')]}'.includes(c)) return 4;
  if ('=+-*/%<>!&|^~?'.includes(c)) return 5;
  if (',;'.includes(c)) return 6;
  if (c === ':') return 7;
  if ('"\'`'.includes(c)) return 8;
  return 10;
}

function restClass(lineSuffix: string): number {
  const t = lineSuffix.trim();
  if (t === '') return 0;
  return /^[)\]}>"'`;,:]*$/.test(t) ? 1 : 2;
}

/** FNV-1a, for language buckets. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The dense feature vector (x[0] = 1 is the bias). */
export function features(f: PlaceFeatures): number[] {
  const x = new Array<number>(FEATURES).fill(0);
  let i = 0;
  x[i++] = 1;
  x[i + charClass(f.linePrefix)] = 1;
  i += CHAR_CLASSES;
  x[i + restClass(f.lineSuffix)] = 1;
  i += REST_CLASSES;
  x[i + (hash(f.languageId) % LANG_BUCKETS)] = 1;
  i += LANG_BUCKETS;
  // log seconds since the last accept, about 0..1 over an hour; "never" counts as an hour.
  const sec = f.sinceAcceptMs === undefined ? 3600 : Math.max(0, f.sinceAcceptMs) / 1000;
  x[i++] = Math.min(1.5, Math.log1p(sec) / 8);
  x[i++] = f.lastOutcome === 'accepted' ? 1 : 0;
  x[i++] = f.lastOutcome === 'rejected' ? 1 : 0;
  x[i++] = Math.min(1.5, Math.log1p(f.linePrefix.trim().length) / 5);
  x[i++] = f.blockStart ? 1 : 0;
  return x;
}

export interface AcceptanceOptions {
  /** Probability with no data (the bias starts at its log-odds). */
  prior: number;
  /** Outcomes that must have been learned before the model may block anything. */
  warmup: number;
  /** AdaGrad's base step: a weight's step is this over the root of its summed squared gradients. */
  learningRate: number;
  /** L2 penalty on the weights (not the bias). */
  l2: number;
}

export const DEFAULT_ACCEPTANCE: AcceptanceOptions = { prior: 0.9, warmup: 40, learningRate: 0.5, l2: 1e-4 };

/** What globalState holds. */
export interface AcceptanceState {
  v: 2;
  /** Weights, rounded (x[0]'s is the bias). */
  w: number[];
  /** AdaGrad's summed squared gradients per weight (1 + …). */
  g: number[];
  /** Outcomes learned from. */
  n: number;
}

const finiteArray = (a: unknown, min: number): a is number[] =>
  Array.isArray(a) && a.length === FEATURES && a.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= min);

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export class AcceptanceModel {
  private w: number[] = [];
  private g: number[] = [];
  private n = 0;
  readonly opts: AcceptanceOptions;

  constructor(opts: Partial<AcceptanceOptions> = {}, state?: AcceptanceState) {
    this.opts = { ...DEFAULT_ACCEPTANCE, ...opts };
    if (state) {
      this.w = state.w.slice();
      this.g = state.g.slice();
      this.n = state.n;
    } else this.reset();
  }

  /**
   * A stored state, or a fresh model when it is missing or not a known shape. A version-1 state
   * (plain SGD, no step sums) keeps its weights, with step sums as if each outcome had moved every
   * weight a little, so the old weights are not swept away by the first large steps.
   */
  static fromJSON(json: unknown, opts: Partial<AcceptanceOptions> = {}): AcceptanceModel {
    const s = json as { v?: unknown; w?: unknown; g?: unknown; n?: unknown } | undefined;
    if (!s || typeof s.n !== 'number' || !Number.isFinite(s.n) || s.n < 0 || !finiteArray(s.w, -Infinity))
      return new AcceptanceModel(opts);
    if (s.v === 2 && finiteArray(s.g, 1)) return new AcceptanceModel(opts, { v: 2, w: s.w, g: s.g, n: s.n });
    if (s.v === 1)
      return new AcceptanceModel(opts, { v: 2, w: s.w, g: new Array<number>(FEATURES).fill(1 + 0.1 * s.n), n: s.n });
    return new AcceptanceModel(opts);
  }

  toJSON(): AcceptanceState {
    const r = (d: number) => (v: number) => Math.round(v * d) / d;
    return { v: 2, w: this.w.map(r(1e4)), g: this.g.map(r(1e2)), n: this.n };
  }

  /** Forgets everything learned: back to the prior, cold again. */
  reset(): void {
    this.w = new Array<number>(FEATURES).fill(0);
    this.w[0] = Math.log(this.opts.prior / (1 - this.opts.prior));
    this.g = new Array<number>(FEATURES).fill(1);
    this.n = 0;
  }

  /** Outcomes learned from so far (shown suggestions and empty answers). */
  get seen(): number {
    return this.n;
  }

  /** True once enough suggestions were seen for the model to block a request. */
  get warm(): boolean {
    return this.n >= this.opts.warmup;
  }

  /** Probability that a suggestion at a place with features `x` is accepted. */
  predict(x: number[]): number {
    let z = 0;
    for (let i = 0; i < FEATURES; i++) z += this.w[i]! * x[i]!;
    return sigmoid(z);
  }

  /** One AdaGrad step on the log loss. */
  learn(x: number[], accepted: boolean): void {
    const err = (accepted ? 1 : 0) - this.predict(x);
    const { learningRate: lr, l2 } = this.opts;
    for (let i = 0; i < FEATURES; i++) {
      const grad = err * x[i]!;
      this.g[i] = this.g[i]! + grad * grad;
      const decay = i === 0 ? 0 : l2 * this.w[i]!;
      this.w[i] = this.w[i]! + (lr / Math.sqrt(this.g[i]!)) * grad - decay;
    }
    this.n++;
  }
}
