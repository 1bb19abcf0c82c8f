// A small model of whether this user accepts a suggestion at a place, learned online from their own
// shown/accepted history: logistic regression by SGD with L2 over a few features. It starts
// permissive (p ≈ 0.9 with no data) and never blocks during its first suggestions, so a new user is
// never starved; serialisable as a few hundred bytes of JSON (the edge keeps it in globalState).
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

const CHAR_CLASSES = 11;
const REST_CLASSES = 3;
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
  /** Suggestions that must have been shown before the model may block anything. */
  warmup: number;
  learningRate: number;
  /** L2 penalty on the weights (not the bias). */
  l2: number;
}

export const DEFAULT_ACCEPTANCE: AcceptanceOptions = { prior: 0.9, warmup: 40, learningRate: 0.05, l2: 1e-4 };

/** What globalState holds. */
export interface AcceptanceState {
  v: 1;
  /** Weights, rounded (x[0]'s is the bias). */
  w: number[];
  /** Suggestions learned from. */
  n: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export class AcceptanceModel {
  private w: number[];
  private n = 0;
  readonly opts: AcceptanceOptions;

  constructor(opts: Partial<AcceptanceOptions> = {}, state?: AcceptanceState) {
    this.opts = { ...DEFAULT_ACCEPTANCE, ...opts };
    this.w = new Array<number>(FEATURES).fill(0);
    this.w[0] = Math.log(this.opts.prior / (1 - this.opts.prior));
    if (state) {
      this.w = state.w.slice();
      this.n = state.n;
    }
  }

  /** A stored state, or a fresh model when it is missing or not this version's shape. */
  static fromJSON(json: unknown, opts: Partial<AcceptanceOptions> = {}): AcceptanceModel {
    const s = json as Partial<AcceptanceState> | undefined;
    const ok =
      s?.v === 1 &&
      Array.isArray(s.w) &&
      s.w.length === FEATURES &&
      s.w.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      typeof s.n === 'number' &&
      s.n >= 0;
    return new AcceptanceModel(opts, ok ? (s as AcceptanceState) : undefined);
  }

  toJSON(): AcceptanceState {
    return { v: 1, w: this.w.map((v) => Math.round(v * 1e4) / 1e4), n: this.n };
  }

  /** Suggestions learned from so far. */
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

  /** One SGD step on the log loss. */
  learn(x: number[], accepted: boolean): void {
    const err = (accepted ? 1 : 0) - this.predict(x);
    const { learningRate: lr, l2 } = this.opts;
    for (let i = 0; i < FEATURES; i++) {
      const decay = i === 0 ? 0 : l2 * this.w[i]!;
      this.w[i] = this.w[i]! + lr * (err * x[i]! - decay);
    }
    this.n++;
  }
}
