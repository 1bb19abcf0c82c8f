// Comment and string syntax per VS Code language id. Table-driven so a language is one line; the
// scanner in comments.ts only needs to know where comments and strings start and end.

export interface StringSyntax {
  open: string;
  close: string;
  /** Escape character inside the string ('' when the language has none, e.g. SQL, Go raw strings). */
  escape: string;
  /** Whether the string may span lines; a single-line string ends at the line end when unterminated. */
  multiline: boolean;
}

export interface BlockSyntax {
  open: string;
  close: string;
}

export interface CommentSyntax {
  line: readonly string[];
  block: readonly BlockSyntax[];
  /** Longest openers first where one is the prefix of another (""" before "). */
  strings: readonly StringSyntax[];
  /** A line marker counts only at the line start or after whitespace (shell `$#`, YAML `a#b`). */
  lineNeedsSpaceBefore?: boolean;
  /** A line marker right after this character is escaped (LaTeX `\%`). */
  lineEscapedBy?: string;
  /** Triple-quoted strings that stand alone after a `def`/`class` header (or at the top) are docstrings. */
  docstrings?: readonly string[];
}

const str = (open: string, multiline = false, escape = '\\', close = open): StringSyntax => ({
  open,
  close,
  escape,
  multiline,
});
const SLASH_STAR: BlockSyntax = { open: '/*', close: '*/' };

const C_LIKE: CommentSyntax = { line: ['//'], block: [SLASH_STAR], strings: [str('"'), str("'")] };
const JS: CommentSyntax = { ...C_LIKE, strings: [str('"'), str("'"), str('`', true)] };
const TRIPLE_C: CommentSyntax = { ...C_LIKE, strings: [str('"""', true), str('"'), str("'")] };
const GO: CommentSyntax = { ...C_LIKE, strings: [str('"'), str("'"), str('`', true, '')] };
const RUST: CommentSyntax = { ...C_LIKE, strings: [str('"', true), str("'")] };
const CSS: CommentSyntax = { line: [], block: [SLASH_STAR], strings: [str('"'), str("'")] };
const PYTHON: CommentSyntax = {
  line: ['#'],
  block: [],
  strings: [str('"""', true), str("'''", true), str('"'), str("'")],
  docstrings: ['"""', "'''"],
};
const SHELL: CommentSyntax = {
  line: ['#'],
  block: [],
  strings: [str('"', true), str("'", true, '')],
  lineNeedsSpaceBefore: true,
};
const HASH: CommentSyntax = { line: ['#'], block: [], strings: [str('"'), str("'")] };
const YAML: CommentSyntax = {
  line: ['#'],
  block: [],
  strings: [str('"'), str("'", false, '')],
  lineNeedsSpaceBefore: true,
};
const TOML: CommentSyntax = {
  line: ['#'],
  block: [],
  strings: [str('"""', true), str("'''", true, ''), str('"'), str("'", false, '')],
};
const POWERSHELL: CommentSyntax = {
  line: ['#'],
  block: [{ open: '<#', close: '#>' }],
  strings: [str('"', true, '`'), str("'", true, '')],
};
const SQL: CommentSyntax = { line: ['--'], block: [SLASH_STAR], strings: [str("'", true, ''), str('"', true, '')] };
const LUA: CommentSyntax = {
  line: ['--'],
  block: [{ open: '--[[', close: ']]' }],
  strings: [str('[[', true, '', ']]'), str('"'), str("'")],
};
const HASKELL: CommentSyntax = { line: ['--'], block: [{ open: '{-', close: '-}' }], strings: [str('"')] };
// No strings: apostrophes in HTML/XML text ("don't") would otherwise swallow comments.
const MARKUP: CommentSyntax = { line: [], block: [{ open: '<!--', close: '-->' }], strings: [] };
const LISP: CommentSyntax = { line: [';'], block: [], strings: [str('"', true)] };
const LATEX: CommentSyntax = { line: ['%'], block: [], strings: [], lineEscapedBy: '\\' };
const ERLANG: CommentSyntax = { line: ['%'], block: [], strings: [str('"')] };
const INI: CommentSyntax = { line: [';', '#'], block: [], strings: [str('"')], lineNeedsSpaceBefore: true };

const TABLE: Record<string, CommentSyntax> = {
  c: C_LIKE,
  cpp: C_LIKE,
  'cuda-cpp': C_LIKE,
  csharp: C_LIKE,
  java: TRIPLE_C,
  kotlin: TRIPLE_C,
  scala: TRIPLE_C,
  swift: TRIPLE_C,
  dart: TRIPLE_C,
  groovy: TRIPLE_C,
  'objective-c': C_LIKE,
  'objective-cpp': C_LIKE,
  php: C_LIKE,
  jsonc: C_LIKE,
  json5: C_LIKE,
  proto: C_LIKE,
  proto3: C_LIKE,
  hlsl: C_LIKE,
  glsl: C_LIKE,
  javascript: JS,
  typescript: JS,
  javascriptreact: JS,
  typescriptreact: JS,
  go: GO,
  rust: RUST,
  css: CSS,
  scss: C_LIKE,
  less: C_LIKE,
  python: PYTHON,
  shellscript: SHELL,
  dockerfile: SHELL,
  makefile: { line: ['#'], block: [], strings: [], lineNeedsSpaceBefore: true },
  perl: SHELL,
  ruby: HASH,
  r: HASH,
  julia: HASH,
  elixir: { line: ['#'], block: [], strings: [str('"""', true), str('"')] },
  coffeescript: HASH,
  nim: HASH,
  yaml: YAML,
  toml: TOML,
  powershell: POWERSHELL,
  sql: SQL,
  lua: LUA,
  haskell: HASKELL,
  elm: HASKELL,
  html: MARKUP,
  xml: MARKUP,
  xsl: MARKUP,
  svg: MARKUP,
  vue: MARKUP,
  clojure: LISP,
  lisp: LISP,
  scheme: LISP,
  racket: LISP,
  latex: LATEX,
  tex: LATEX,
  erlang: ERLANG,
  ini: INI,
  properties: INI,
};

/** Languages whose selection is prose: the whole selection is rewritten. */
const PROSE = new Set(['markdown', 'plaintext', 'git-commit', 'restructuredtext', 'asciidoc', 'scminput']);

export type LanguageKind =
  { kind: 'prose'; markdown: boolean } | { kind: 'code'; syntax: CommentSyntax } | { kind: 'unknown' };

export function languageKind(languageId: string): LanguageKind {
  if (PROSE.has(languageId)) return { kind: 'prose', markdown: languageId === 'markdown' };
  const syntax = TABLE[languageId];
  return syntax ? { kind: 'code', syntax } : { kind: 'unknown' };
}

/** Every language id with a known comment syntax (for the "unsupported language" message). */
export function supportedCodeLanguages(): string[] {
  return Object.keys(TABLE).sort();
}
