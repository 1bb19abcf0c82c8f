// The signature VS Code's hover shows for a library name, as prompt context (pure; the VS Code
// edge, src/vscode/inline/context/hover.ts, asks for the hover). A definition in a library's
// declarations outside the workspace is never read from disk (definitions.ts there); the hover is
// what the editor already shows the user for that name, computed by the language server: its first
// code block is the signature, the prose after it is left out.

/** Lines and characters of a hover signature sent at most (an overloaded or long one is cut). */
export const MAX_SIGNATURE_LINES = 10;
export const MAX_SIGNATURE_CHARS = 600;

/** Label of a library definition whose place is unknown (never a path of the user's machine). */
export const LIBRARY_LABEL = '(library)';

/**
 * TypeScript's hover prefixes the display string while only its syntax server answers (not yet
 * semantic: possibly wrong). https://github.com/microsoft/vscode/blob/main/extensions/typescript-language-features/src/languageFeatures/hover.ts
 */
const LOADING = '(loading...)';

/** A hover's kind label: TypeScript's "(method) ", "(alias) ", Pylance's "(function) ". */
const KIND_LABEL = /^\([\w ]+\)\s+/;

/**
 * Absolute paths (POSIX with two segments or more, Windows drive, file URI) after a start, space,
 * quote or parenthesis: TypeScript shows a module outside node_modules as `module "/abs/path"`.
 */
const ABSOLUTE_PATH = /(^|[\s"'`(])(?:file:\/\/\/?|[A-Za-z]:[\\/]|\/(?=[^\s/"'`]+\/))[^\s"'`)]*/gm;

/**
 * The signature in a hover's Markdown (each entry one part of the hover, in order): the first
 * fenced code block that is not empty, cut to `maxLines` lines and `maxChars` characters, absolute
 * paths reduced to their last segment. `undefined` when there is no code block (prose only), when
 * the language server is still loading, or when it shows nothing to call (no parenthesis after its
 * kind label: "var Math: Math", "interface Response"; the model knows such names, a parameter list
 * is what it needs).
 */
export function hoverSignature(
  parts: readonly string[],
  maxLines = MAX_SIGNATURE_LINES,
  maxChars = MAX_SIGNATURE_CHARS,
): string | undefined {
  for (const part of parts) {
    // CommonMark fences: three or more backticks or tildes, closed by the same kind (a lone opening
    // fence runs to the end of the part).
    for (const m of part.matchAll(/^ {0,3}(`{3,}|~{3,})[^\n]*\n([\s\S]*?)(?:^ {0,3}\1[`~]*[ \t]*$|(?![\s\S]))/gm)) {
      const code = m[2]!.replace(/\s+$/, '');
      if (!code.trim()) continue;
      if (code.startsWith(LOADING)) return undefined;
      if (!code.replace(KIND_LABEL, '').includes('(')) return undefined;
      return cut(
        code.replace(ABSOLUTE_PATH, (p, lead: string) => lead + lastSegment(p.slice(lead.length))),
        maxLines,
        maxChars,
      );
    }
  }
  return undefined;
}

/**
 * The hover says nothing yet that holds: no part at all, or TypeScript's syntax-only answer while its
 * project loads (LOADING). Worth asking again later at the same document version.
 */
export function hoverPending(parts: readonly string[]): boolean {
  return parts.every((p) => !p.trim()) || parts.some((p) => /^\s*(`{3,}|~{3,})[^\n]*\n\(loading\.\.\.\)/.test(p));
}

function lastSegment(path: string): string {
  return (
    path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? ''
  );
}

/** Whole lines up to the caps; a cut signature ends with "…" so the model sees it goes on. */
function cut(code: string, maxLines: number, maxChars: number): string {
  const lines = code.split('\n');
  const out: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (out.length >= maxLines || size + line.length > maxChars) break;
    out.push(line);
    size += line.length + 1;
  }
  // A single line longer than the cap still says something: its start.
  if (out.length === 0) out.push(lines[0]!.slice(0, maxChars - 1));
  if (out.length < lines.length || out[0]!.length < lines[0]!.length) out.push('…');
  return out.join('\n');
}

/**
 * Folders after which a library's declaration path names its package, not the user's machine:
 * npm (node_modules, also where TypeScript's own lib.*.d.ts live), Python (site-packages,
 * dist-packages, the typeshed stubs Pyright and Pylance bundle as typeshed-fallback:
 * https://github.com/microsoft/pyright/tree/main/packages/pyright-internal/typeshed-fallback), Go's module cache.
 */
const PACKAGE_ROOT = /[\\/](?:node_modules|site-packages|dist-packages|typeshed[\w-]*|pkg[\\/]mod)[\\/]/g;

/**
 * The label a library definition goes under: its path inside its (innermost) package root
 * ("typescript/lib/lib.es5.d.ts", "@types/node/path.d.ts"), else LIBRARY_LABEL.
 */
export function libraryLabel(path: string | undefined): string {
  let end = -1;
  for (const m of (path ?? '').matchAll(PACKAGE_ROOT)) end = m.index + m[0].length;
  const tail = end < 0 ? '' : path!.slice(end).replace(/\\/g, '/');
  return tail || LIBRARY_LABEL;
}

/** A stable line number for a definition with no known place (a key must not change between requests). */
export function stableLine(name: string): number {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % 1_000_000) + 1;
}
