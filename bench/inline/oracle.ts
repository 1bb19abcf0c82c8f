// What the local model server answers during the replay: the file's real continuation at the
// cursor, right for a while and then wrong, like a real model. Deterministic per cursor position,
// so every policy gets the same answer at the same place.
import type { ScriptRequest } from '../../test/server/modelServer';
import { CURSOR_MARK } from '../../src/core/completion';
import { hash, rng } from '../../test/support/random';

export interface OracleOptions {
  seed: number;
  /** Share of answers that are right for all their lines. */
  fullyRight: number;
  /** Where in the file the typing happens now (searching from there resolves repeated code). */
  near(): number;
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

  return (req) => {
    let prefix: string;
    if (req.fim) prefix = req.fim.prefix;
    else {
      const user = req.messages.filter((m) => m.role === 'user').pop()?.text ?? '';
      prefix = user.slice(0, Math.max(0, user.indexOf(CURSOR_MARK)));
    }
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
    if (next() < opts.fullyRight) return truth;
    const right = Math.floor(next() * Math.min(truth.length, 40));
    return truth.slice(0, right) + elsewhere();
  };
}
