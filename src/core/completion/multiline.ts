// Whether a suggestion may span several lines: wherever nothing follows the cursor on its line (a
// blank new line, the end of a written line) and at an empty block; one line mid-line (code after
// the cursor) and in a line comment. Extra lines are output tokens paid for; where the next lines
// are already written, post-processing stops where they resume (postprocess.ts), and a suggestion
// of several lines never stops inside a block it opened.
//
// Anchors:
// - GitHub Copilot asks multi-line at the start of an empty block (isEmptyBlockStart, parsed per
//   language), for a cursor inside a line followed by closers only, and on any blank new line in
//   TypeScript (`targetLanguagesNewLine`, isNewLine); otherwise one line.
//   https://github.com/microsoft/vscode-copilot-chat/blob/main/src/extension/completions-core/vscode-node/lib/src/ghostText/ghostTextStrategy.ts
//   (shouldRequestMultiline).
// - Continue: multi-line everywhere except mid-line, in a single-line comment and when the suggest
//   widget is open (language hooks may narrow it). We take the blank new line from both in every
//   language: the inline bench's typed trace pauses there most, and a right answer of several
//   lines there saved 16-24 % of the requests (BENCHMARKS.md, "Workspace replay"). The end of a
//   written line (Continue's rule, not Copilot's) cut requests a further 3-8 % and put the pause's
//   ghost text on screen at once in half the pauses (BENCHMARKS.md, "Multi-line at a line end").
//   https://github.com/continuedev/continue/blob/main/core/autocomplete/classification/shouldCompleteMultiline.ts

/** Closers only (and one trailing `:{;,`) after the cursor: Copilot's isValidMiddleOfTheLinePosition. */
export const CLOSERS_ONLY = /^\s*[)>}\]"'`]*\s*[:{;,]?\s*$/;

/** A line that ends by opening a block whose body comes on the next lines (not a call's "(" or "["). */
const OPENS_BLOCK = /(\{|=>|\bdo|\bthen|\bbegin|\belse)\s*$/;
/** Python-like: a compound statement's header ends with ":". */
const COLON_HEADER =
  /^\s*(async\s+)?(def|class|if|elif|else|for|while|try|except|finally|with|match|case|default)\b.*:\s*$/;
/** A declaration whose body follows on the next line (brace on its own line, or not written yet). */
const SIGNATURE =
  /^\s*((export|default|async|public|private|protected|static|override|pub|abstract|final)\s+)*(function\*?|def|fn|func|fun|class|interface|struct|impl|enum|trait)\b[^;]*$/;
/** `Type name(args)` with nothing after: a C-like method signature (not a call statement: no ";"). */
const C_SIGNATURE = /^\s*(?!(if|for|while|switch|return|catch|else)\b)[\w<>[\],.?* ]+\s+[\w$]+\s*\([^;]*\)\s*$/;
/** Single-line comment starts (Continue keeps these to one line). */
const LINE_COMMENT = /^\s*(\/\/|#(?!include|define|if|pragma)|--|;;)/;

function opensBlock(line: string): boolean {
  const code = line.replace(/\s*\/\/.*$/, '');
  return OPENS_BLOCK.test(code) || COLON_HEADER.test(code) || SIGNATURE.test(code) || C_SIGNATURE.test(code);
}

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
}

/** The first non-blank line of `lines` from index `from`, or undefined. */
function firstCode(lines: string[], from: number, step: 1 | -1): string | undefined {
  for (let i = from; i >= 0 && i < lines.length; i += step) if (lines[i]!.trim()) return lines[i];
  return undefined;
}

/** `{|}`: the cursor between a `{` that ends its line's code and the `}` the editor closed it with. */
function inClosedBrace(linePrefix: string, lineSuffix: string): boolean {
  return /\{\s*$/.test(linePrefix.replace(/\s*\/\/.*$/, '')) && lineSuffix.trim().startsWith('}');
}

/**
 * True where a whole block is expected: the cursor's line is blank so far and the line above opens
 * a block (or is a signature), and that block has no body yet (the next code line is not indented
 * deeper than the cursor's line: it is the closer or the code after the block). Also at the end of
 * a line that opens a block with nothing after it (the suggestion starts with a newline).
 */
export function atEmptyBlock(prefix: string, suffix: string): boolean {
  const before = prefix.slice(-4000).split('\n');
  const linePrefix = before[before.length - 1]!;
  const after = suffix.slice(0, 4000).split('\n');
  const lineSuffix = after[0]!;
  if (!CLOSERS_ONLY.test(lineSuffix)) return false;
  let opener: string | undefined;
  let cursorIndent: number;
  if (linePrefix.trim() === '') {
    opener = firstCode(before, before.length - 2, -1);
    cursorIndent = indentOf(linePrefix);
  } else {
    // At the end of a line that opens a block (not of a signature still being typed).
    const code = linePrefix.replace(/\s*\/\/.*$/, '');
    if (!OPENS_BLOCK.test(code) && !COLON_HEADER.test(code)) return false;
    if (lineSuffix.trim() !== '' && !/^[)\]}]/.test(lineSuffix.trim())) return false;
    // `{|}` (the editor closed it): the block is empty, whatever the lines below hold (where they
    // are its body already, the gate asks nothing: bodyBelow).
    if (inClosedBrace(linePrefix, lineSuffix)) return true;
    opener = linePrefix;
    cursorIndent = indentOf(linePrefix) + 1;
  }
  if (opener === undefined || !opensBlock(opener)) return false;
  const next = firstCode(after, 1, 1);
  if (next === undefined) return true;
  // The body already has code: a new line there is one more statement, not a whole block.
  return indentOf(next) <= Math.max(indentOf(opener), cursorIndent - 1) || /^\s*[)\]}]/.test(next);
}

/**
 * `{|}` (the editor closed the brace) over lines indented deeper than the cursor's line: the
 * block's body is written below already (the end of a signature retyped), so a body suggested here
 * would repeat those lines, and post-processing cuts the repeat to nothing.
 */
export function bodyBelow(prefix: string, suffix: string): boolean {
  const linePrefix = prefix.slice(prefix.lastIndexOf('\n') + 1);
  if (!inClosedBrace(linePrefix, suffix.split('\n', 1)[0]!)) return false;
  const next = firstCode(suffix.slice(0, 4000).split('\n'), 1, 1);
  return next !== undefined && indentOf(next) > indentOf(linePrefix) && !/^\s*[)\]}]/.test(next);
}

/** Multi-line where it pays; one line mid-line or in a line comment. */
export function wantsMultiline(prefix: string, suffix: string): boolean {
  const linePrefix = prefix.slice(prefix.lastIndexOf('\n') + 1);
  const lineSuffix = suffix.split('\n', 1)[0]!;
  if (!CLOSERS_ONLY.test(lineSuffix)) return false;
  if (LINE_COMMENT.test(linePrefix)) return false;
  // Nothing after the cursor (a blank new line: Copilot in TypeScript; any line end: Continue):
  // the rest of the line and the next statements.
  if (lineSuffix.trim() === '') return true;
  // Closers only after the cursor: several lines only inside an empty block (`{|}`).
  return atEmptyBlock(prefix, suffix);
}
