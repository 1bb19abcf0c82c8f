// The awkward inputs of the hardening issue, shared by its tests and the keystroke benchmark:
// a huge file, a minified one-line file and binary files read as UTF-8. Deterministic.

const LINES = [
  'export function scale(values: number[], factor: number): number[] {',
  '  // multiply each value; NaN stays NaN',
  '  return values.map((v) => v * factor);',
  '}',
  '',
];
const MINIFIED_UNIT = 'var a=function(b,c){return b.map(function(d){return d*c})};if(a){a([1,2],3)}else{a=null};';

const repeatTo = (s: string, size: number): string => s.repeat(Math.ceil(size / s.length)).slice(0, size);

/** Deterministic bytes (a tiny LCG), so every run sees the same "binary" file. */
export function bytes(n: number, seed = 7): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Ordinary TypeScript repeated to `size` characters (~40 characters a line). */
export function bigFile(size: number): string {
  return repeatTo(LINES.join('\n') + '\n', size);
}

/** One line of minified JavaScript, `size` characters long. */
export function minified(size: number): string {
  return repeatTo(MINIFIED_UNIT, size);
}

/** A binary file opened as UTF-8: replacement characters, NULs, control bytes, few newlines. */
export function binaryText(size: number, seed = 7): string {
  return bytes(size, seed).toString('utf8');
}

/** A binary file with no newline at all: one huge line of mostly non-ASCII characters. */
export function binaryOneLine(size: number, seed = 3): string {
  return Buffer.from(bytes(size, seed).map((b) => (b === 10 ? 32 : b))).toString('utf8');
}
