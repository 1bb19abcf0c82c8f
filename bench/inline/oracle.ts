// What the local model server answers during the replay: the file's real continuation at the
// cursor, right for a while and then wrong, like a real model. Deterministic per cursor position,
// so every policy gets the same answer at the same place.
import type { ScriptRequest } from '../../test/server/modelServer';
import { CURSOR_MARK } from '../../src/core/completion';
import { hash, rng } from '../../test/support/random';
import type { CrossFileSymbol } from './workspace';
import { holeFillerPrefix } from './continue';

export interface OracleOptions {
  seed: number;
  /** Share of answers that are right for all their lines. */
  fullyRight: number;
  /** Where in the file the typing happens now (searching from there resolves repeated code). */
  near(): number;
  /**
   * Workspace mode: symbols defined in other files (workspace.ts crossFileSymbols), each with the
   * first lines of its declarations. An answer whose true continuation uses one goes wrong at it
   * (a plausible but wrong name) unless the prompt holds its declaration.
   */
  crossFile?: Map<string, CrossFileSymbol>;
  /** Called per answered request: does the truth use such a symbol, and does the prompt hold all of them. */
  onAnswer?(req: ScriptRequest, uses: boolean, held: boolean): void;
}

/** Other endings a model guesses for a name it has not seen (camel-case words). */
const ENDINGS = ['Value', 'Data', 'Info', 'Item', 'Result', 'State', 'Options', 'Config'];

/** A plausible but wrong name: the last camel-case word replaced (or one added). Deterministic. */
export function wrongName(name: string, seed: number): string {
  const words = name.split(/(?=[A-Z])/);
  const pick = (avoid: string): string => {
    const choices = ENDINGS.filter((e) => e !== avoid);
    return choices[hash(name, seed) % choices.length]!;
  };
  if (words.length > 1) return words.slice(0, -1).join('') + pick(words[words.length - 1]!);
  return name + pick('');
}

/** Cross-file symbols the truth uses, in order, with their offsets in it. */
function crossFileUses(truth: string, crossFile: Map<string, CrossFileSymbol>): { name: string; at: number }[] {
  const out: { name: string; at: number }[] = [];
  for (const m of truth.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const symbol = crossFile.get(m[0]);
    const before = m.index === 0 ? '' : truth[m.index - 1]!;
    if (!symbol || /[\w$]/.test(before) || (symbol.member && before !== '.')) continue;
    out.push({ name: m[0], at: m.index });
  }
  return out;
}

const KEY_CHARS = 48;

export function makeOracle(file: string, opts: OracleOptions): (req: ScriptRequest) => string {
  const lineEnds: number[] = [];
  for (let i = 0; i < file.length; i++) if (file[i] === '\n') lineEnds.push(i);

  /** Text from `from` up to the end of its line and `lines - 1` more. */
  const upToLines = (from: number, lines: number): string => {
    let end = from;
    for (let n = 0; n < lines; n++) {
      // At a line end the answer starts with the newline and the next line.
      const nl = file.indexOf('\n', end + (n === 0 && file[from] !== '\n' ? 0 : 1));
      if (nl < 0) return file.slice(from);
      end = nl;
    }
    return file.slice(from, end);
  };

  const answerAfter = (prefix: string, req: ScriptRequest): string => {
    const key = prefix.slice(-KEY_CHARS);
    const next = rng(hash(key, opts.seed));
    let at = key.length === KEY_CHARS ? file.indexOf(key, Math.max(0, opts.near() - 4 * KEY_CHARS)) : -1;
    if (at < 0 && key.length === KEY_CHARS) at = file.indexOf(key);
    // A wrong continuation: real code from elsewhere in the file, to the end of a line.
    const elsewhere = (): string => {
      const from = lineEnds[Math.floor(next() * lineEnds.length)]! + 1;
      return upToLines(from, 1 + Math.floor(next() * 2)).trimStart();
    };
    if (at < 0) return elsewhere(); // a typo the file does not have
    const cursor = at + key.length;
    const truth = upToLines(cursor, 1 + Math.floor(next() * 4));
    const fully = next() < opts.fullyRight;
    const right = fully ? truth.length : Math.floor(next() * Math.min(truth.length, 40));
    const answer = fully ? truth : truth.slice(0, right) + elsewhere();
    if (!opts.crossFile) return answer;
    const uses = crossFileUses(truth, opts.crossFile);
    const missing = uses.find((u) => !opts.crossFile!.get(u.name)!.decls.some((decl) => req.prompt.includes(decl)));
    opts.onAnswer?.(req, uses.length > 0, uses.length > 0 && !missing);
    // Without the definition in the prompt the model guesses the name where the truth uses it.
    if (!missing || missing.at >= right) return answer;
    const rest = fully ? truth.slice(missing.at + missing.name.length) : '';
    return truth.slice(0, missing.at) + wrongName(missing.name, opts.seed) + rest;
  };

  return (req) => {
    if (req.fim) return answerAfter(req.fim.prefix, req);
    const user = req.messages.filter((m) => m.role === 'user').pop()?.text ?? '';
    // Continue's hole-filler prompt (continue.ts) marks the cursor with {{FILL_HERE}}; asked to
    // answer inside <COMPLETION>…</COMPLETION> (the template's examples), a model closes the tag.
    const filler = holeFillerPrefix(user);
    if (filler !== undefined) return `${answerAfter(filler, req)}</COMPLETION>`;
    return answerAfter(user.slice(0, Math.max(0, user.indexOf(CURSOR_MARK))), req);
  };
}
