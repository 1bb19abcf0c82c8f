// Which symbols at and before the cursor are worth a definition lookup (no vscode import: unit-tested).
// Continue asks the language server for the definitions of symbols around the cursor within a
// 100 ms budget (https://docs.continue.dev/customize/deep-dives/autocomplete "root path context");
// calls, constructors and types come first because a wrong guess at a signature is a wasted request.

export interface IdentifierAt {
  name: string;
  /** Lines above the cursor line (0 = the cursor's line). */
  linesUp: number;
  /** Column of the identifier's first character in its line. */
  column: number;
}

/** Words no definition provider resolves to user code (keywords and literals of common languages). */
const KEYWORDS = new Set(
  (
    'abstract as async await boolean break case catch char class const continue debugger declare def default ' +
    'delete do double elif else enum except export extends false final finally float fn for from func function ' +
    'go if impl implements import in instanceof int interface is keyof let match mod module mut namespace new ' +
    'nil none null number object of or and not override package pass private protected pub public raise readonly ' +
    'return self static string struct super switch symbol this throw true try type typeof undefined unknown use ' +
    'var void while with yield lambda True False None any never println print console log len'
  ).split(' '),
);

/** Blanks string literals and line comments with spaces so columns stay put. */
function codeOnly(line: string): string {
  return line.replace(/(["'`])(?:\\.|(?!\1).)*\1?|\/\/.*$|(?<=^|\s)#.*$/g, (m) => ' '.repeat(m.length));
}

/**
 * Identifiers on the cursor line (before the cursor) and up to `linesAbove` lines above, one per
 * name at its occurrence nearest the cursor; calls, constructors and types first, then the rest,
 * each group nearest first; at most `max`.
 */
export function identifiersBeforeCursor(prefix: string, linesAbove = 3, max = 6): IdentifierAt[] {
  const lines = prefix.split('\n').slice(-(linesAbove + 1));
  const seen = new Set<string>();
  const strong: IdentifierAt[] = [];
  const weak: IdentifierAt[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = codeOnly(lines[i]!);
    const found = [...line.matchAll(/[A-Za-z_$][\w$]*/g)].reverse();
    for (const m of found) {
      const name = m[0];
      const column = m.index;
      if (name.length < 2 || KEYWORDS.has(name) || seen.has(name)) continue;
      seen.add(name);
      const after = line.slice(column + name.length).trimStart();
      const before = line.slice(0, column).trimEnd();
      const isCall = after.startsWith('(') || after.startsWith('<');
      const isType = /^[A-Z]/.test(name) || /(?:\bnew|:|<|\bextends|\bimplements)$/.test(before);
      (isCall || isType ? strong : weak).push({ name, linesUp: lines.length - 1 - i, column });
    }
  }
  return [...strong, ...weak].slice(0, max);
}

/** The identifier that ends `text` when it is worth a lookup (not a keyword, two characters or more). */
export function wordBefore(text: string): string | undefined {
  const name = /[A-Za-z_$][\w$]*$/.exec(codeOnly(text))?.[0];
  return name && name.length >= 2 && !KEYWORDS.has(name) ? name : undefined;
}
