// Text from the model or the workspace placed into the Markdown report so that it stays text: it
// cannot open a link, a raw HTML tag (a `</details>` that would end the collapsed section), an
// emphasis run, a table cell, a heading, a quote, a list item or a code block of its own.
// Models write `code spans` in their prose: a span on one line without backticks inside is kept as
// code (code span content is literal in CommonMark, so nothing in it is markup).
// Backslash escapes of ASCII punctuation: https://spec.commonmark.org/0.31.2/#backslash-escapes
// Code spans: https://spec.commonmark.org/0.31.2/#code-spans
// Raw HTML starts at `<`: https://spec.commonmark.org/0.31.2/#raw-html and #html-blocks
// GFM table cells end at an unescaped `|`: https://github.github.com/gfm/#tables-extension-

// One backtick each side, not part of a longer run (```x``` is not a span of ours).
const CODE_SPAN = /(?<!`)`([^`\n]+)`(?!`)/g;

/** Escapes punctuation that opens inline markup; `_` inside a word stays (GFM: no intraword emphasis). */
function escapeInline(text: string): string {
  return text
    .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/(^|[^\p{L}\p{N}])_|_(?=[^\p{L}\p{N}]|$)/gu, (m) => m.replace('_', '\\_'))
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&'); // an entity would turn into another character
}

/** Escaped text with its `code spans` kept. */
function withCodeSpans(text: string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(CODE_SPAN)) {
    out += escapeInline(text.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + escapeInline(text.slice(at));
}

/** One line of text (line breaks become spaces); `code: false` escapes backticks too (table cells). */
export function inlineText(text: string, opts: { code?: boolean } = {}): string {
  const line = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return opts.code === false ? escapeInline(line) : withCodeSpans(line);
}

/** What a line may not start with in a paragraph: a heading, quote, list item, rule or setext underline. */
const BLOCK_START = /^(\s*)(?:([#>+=-])|(\d{1,9})([.)]))/;

/**
 * Text of several lines as paragraphs; every line after the first starts with `indent` so it stays
 * inside its list item. A line cannot start a block of its own (heading, quote, list, fence, HTML).
 */
export function proseBlock(text: string, indent: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) =>
      withCodeSpans(line).replace(BLOCK_START, (_m, sp: string, mark?: string, num?: string, dot?: string) =>
        mark ? `${sp}\\${mark}` : `${sp}${num}\\${dot}`,
      ),
    )
    .join(`\n${indent}`)
    .replace(new RegExp(`\\n${indent}(?=\\n|$)`, 'g'), '\n');
}

/** A code span around any text: a backtick run longer than any inside, padded when it touches one. */
export function codeSpan(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  const run = '`'.repeat(Math.max(0, ...Array.from(line.matchAll(/`+/g), (m) => m[0].length)) + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${run}${pad}${line}${pad}${run}`;
}

/** A code fence longer than any backtick run in the code (at least three). */
export function fenceFor(code: string): string {
  const longest = Math.max(2, ...Array.from(code.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}
