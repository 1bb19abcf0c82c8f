// Turns raw model text into ghost text worth showing: no fences, no repeat of what is already on
// the line, stops where the text after the cursor resumes, brackets balanced, lines capped.

export interface PostContext {
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  /** The text after the cursor (its first line is the rest of the cursor's line). */
  suffix: string;
  maxLines: number;
}

export interface Processed {
  text: string;
  /** True when more streamed text could not change `text` (the stream can stop). */
  final: boolean;
  /**
   * `text` ends where written code resumes: the rest of the cursor's line (a one-line answer
   * mid-line), or the next written line, which the model went on with and was cut at.
   */
  resumes?: boolean;
  /**
   * Characters after the cursor, on its line, that `text` writes over: the closers the editor
   * wrote ahead of the cursor, which the text goes through and past (`foo(|)` → `a, b);`). The
   * ghost text replaces them (the inline item's range ends there), as Copilot's does.
   */
  covers?: number;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const CLOSERS_ONLY = /^[\s)\]};,]*$/;
/** What the editor writes ahead of the cursor (auto-closed brackets and quotes) and a text may cover. */
const COVERABLE = /^[\s)\]}'"`;,]*$/;

/** Removes a Markdown fence the model was told not to write (also while it is still streaming). */
export function stripFences(text: string): string {
  let t = text;
  const open = /^\s*```[\w+-]*[ \t]*(\n|$)/.exec(t);
  if (open) t = t.slice(open[0].length);
  const close = t.search(/(^|\n)```/);
  if (close >= 0) t = t.slice(0, close);
  return t;
}

/** The first non-blank line of the suffix after the cursor's line, trimmed ('' if none). */
function nextSuffixLine(suffix: string): string {
  const lines = suffix.split('\n', 40);
  for (let i = 1; i < lines.length; i++) {
    const l = compact(lines[i]!);
    if (l) return l;
  }
  return '';
}

/** Code with its spacing removed, for comparing with text already written (`a=1` is `a = 1`). */
export function compact(code: string): string {
  return code.replace(/\s+/g, '');
}

interface Scan {
  /** Index where the text must be cut (a closer that mismatches or duplicates the suffix's). */
  cutAt: number;
  /** Bracket depth (relative to the cursor) at the end of each line. */
  depthAtLineEnd: number[];
  depth: number;
}

/**
 * Openers of the cursor's line still open at the cursor and not closed by the closers that follow
 * it on the line: the only prefix brackets a one-line suggestion may close.
 */
function openOnLine(linePrefix: string, lineSuffix: string): string[] {
  const open: string[] = [];
  let quote = '';
  for (let i = 0; i < linePrefix.length; i++) {
    const c = linePrefix[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (OPEN[c]) open.push(c);
    else if (CLOSE[c] && open[open.length - 1] === CLOSE[c]) open.pop();
  }
  for (const c of lineSuffix.replace(/\s/g, '')) {
    if (!CLOSE[c] || open[open.length - 1] !== CLOSE[c]) break;
    open.pop();
  }
  return open;
}

/**
 * Bracket scan that skips string literals (roughly: quotes end at their line for ' and "). With
 * `free` (openOnLine), a closer that matches nothing the text opened must close one of those, or
 * start a line (closing a block from above); otherwise it closes more than the suggestion opened,
 * and the text is cut before it (Continue's stopOnUnmatchedClosingBracket:
 * https://github.com/continuedev/continue/blob/main/core/autocomplete/filtering/BracketMatchingService.ts).
 */
function scanBrackets(text: string, suffixFirst: string, free?: string[], lineStartBlank = true): Scan {
  const stack: string[] = [];
  const outer = free ? [...free] : undefined;
  let lineStart = lineStartBlank;
  const depthAtLineEnd: number[] = [];
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      depthAtLineEnd.push(depth);
      if (quote !== '`') quote = '';
      lineStart = true;
      continue;
    }
    const atLineStart = lineStart;
    if (c !== ' ' && c !== '\t') lineStart = false;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (OPEN[c]) {
      stack.push(c);
      depth++;
    } else if (CLOSE[c]) {
      if (stack.length > 0) {
        if (stack[stack.length - 1] !== CLOSE[c]) return { cutAt: i, depthAtLineEnd, depth };
        stack.pop();
      } else if (suffixFirst === c) {
        // Closes a bracket of the prefix that the text after the cursor already closes.
        return { cutAt: i, depthAtLineEnd, depth };
      } else if (outer) {
        if (outer[outer.length - 1] === CLOSE[c]) outer.pop();
        else if (!atLineStart) return { cutAt: i, depthAtLineEnd, depth };
      }
      depth--;
    }
  }
  depthAtLineEnd.push(depth);
  return { cutAt: -1, depthAtLineEnd, depth };
}

/**
 * `ended` says the stream is over; while it runs, only complete lines are judged, and `final`
 * tells the engine that more text cannot change the result (so the stream can be stopped).
 *
 * Before closers only (`foo(|)`, what auto-closing leaves), a text that goes through them in
 * order and leaves the line's brackets as they were (`a, b);`, or a block's lines down to its
 * `}`) is taken as written at the line's end and covers them; the ghost text then may go on past
 * the line. Copilot does the same: its range ends after the rest of the line its completion
 * contains (checkSuffix in
 * https://github.com/microsoft/vscode-copilot-chat/blob/main/src/extension/completions-core/vscode-node/lib/src/suggestions/suggestions.ts,
 * the range in ghostText/copilotCompletion.ts). Otherwise the text stops before them; lines that
 * stop before a closer leave it on a line of its own.
 */
export function postProcess(raw: string, ctx: PostContext, ended = true): Processed {
  const lineSuffix = ctx.suffix.split('\n', 1)[0]!;
  const rest = compact(lineSuffix);
  if (!rest || !COVERABLE.test(lineSuffix)) return processAt(raw, ctx, ended);
  const atEnd = processAt(raw, { ...ctx, suffix: ctx.suffix.slice(lineSuffix.length) }, ended);
  // Decided once the text, as written at the line's end, is complete (its first line mid-line).
  if (!ended && !atEnd.final) return { text: '', final: false };
  // A CRLF document's line ends in '\r': not part of what is written over.
  if (covers(ctx.linePrefix, atEnd.text, lineSuffix)) return { ...atEnd, covers: lineSuffix.replace(/\r$/, '').length };
  const before = processAt(raw, ctx, ended);
  if (!before.text.includes('\n') || !/^[)\]}]/.test(rest)) return before;
  // Lines that stop short of the closers (`{|}` → the block's first lines): the closers go on a
  // line of their own at the line's indent, where Enter between the pair puts them.
  return { ...before, text: `${before.text}\n${/^[ \t]*/.exec(ctx.linePrefix)![0]}` };
}

/**
 * `text` (typed after `linePrefix`) holds the rest of the line's closers and quotes in order and
 * leaves the same brackets open as the written line does: it can replace the rest of the line.
 */
export function covers(linePrefix: string, text: string, lineSuffix: string): boolean {
  let at = 0;
  for (const c of compact(lineSuffix)) {
    at = text.indexOf(c, at) + 1;
    if (at === 0) return false;
  }
  return openAtEnd(linePrefix + text) === openAtEnd(linePrefix + lineSuffix);
}

/** The brackets still open at the end of `line`, and the quote of a string still open there. */
function openAtEnd(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    if (quote) {
      if (line[i] === '\\') i++;
      else if (line[i] === quote) quote = '';
    } else if (line[i] === '"' || line[i] === "'" || line[i] === '`') quote = line[i]!;
  }
  return openOnLine(line, '').join('') + quote;
}

function processAt(raw: string, ctx: PostContext, ended: boolean): Processed {
  let text = stripFences(raw.replace(/\r\n/g, '\n'));
  let final = ended;

  // Chat models sometimes restate the start of the line.
  const lead = ctx.linePrefix.trimStart();
  if (lead.trim().length >= 4 && text.startsWith(lead)) text = text.slice(lead.length);

  const lineSuffix = ctx.suffix.split('\n', 1)[0]!;
  // Mid-line (real code after the cursor): one line only, as other editors do.
  const maxLines = CLOSERS_ONLY.test(lineSuffix) ? ctx.maxLines : 1;

  let lines = text.split('\n');
  const completeLines = ended ? lines.length : lines.length - 1;
  const resume = nextSuffixLine(ctx.suffix);
  let resumedAt: string | undefined;
  if (resume) {
    // Stop where the text after the cursor resumes, unless that line closes a block we opened.
    let depth = 0;
    for (let i = 0; i < completeLines; i++) {
      // Line 0 counts only when the cursor's line is blank so far (a whole line repeated), or
      // when it completes the cursor's line into the one the suffix resumes with (llama.vscode's
      // shouldDiscardSuggestion: https://github.com/ggml-org/llama.vscode/blob/master/src/completion.ts).
      const whole = i > 0 || ctx.linePrefix.trim() === '';
      const repeats = compact(whole ? lines[i]! : ctx.linePrefix + lines[0]!) === resume;
      if (depth <= 0 && repeats) {
        lines = lines.slice(0, i);
        final = true;
        if (i > 0) resumedAt = lines.join('\n').replace(/\s+$/, '');
        break;
      }
      depth += scanBrackets(lines[i]!, '').depth;
    }
  }
  // At the end of a line, an answer that starts on the next line (leading newlines: models often
  // write one there) has its first code line counted as the first line.
  let blank = 0;
  if (lineSuffix.trim() === '') while (blank < lines.length - 1 && lines[blank]!.trim() === '') blank++;
  if (lines.length > maxLines + blank) {
    lines = lines.slice(0, maxLines + blank);
    final = true;
  }
  text = lines.join('\n');

  // Only a closer on the cursor's own line is certain to be the one the suggestion repeats.
  const scan = scanBrackets(
    text,
    lineSuffix.trimStart()[0] ?? '',
    openOnLine(ctx.linePrefix, lineSuffix),
    ctx.linePrefix.trim() === '',
  );
  if (scan.cutAt >= 0) {
    text = text.slice(0, scan.cutAt);
    final = true;
  } else if (final && scan.depth > 0 && scan.depthAtLineEnd.length > 1) {
    // Multi-line text must not leave a block half written: keep up to the last balanced line.
    const all = text.split('\n');
    // At least the first line with code: one line that opens a block is a fine suggestion.
    let keep = Math.max(1, all.findIndex((l) => l.trim() !== '') + 1);
    for (let i = scan.depthAtLineEnd.length - 1; i >= keep; i--) {
      if (scan.depthAtLineEnd[i]! <= 0) {
        keep = i + 1;
        break;
      }
    }
    text = all.slice(0, keep).join('\n');
  }

  // The rest of the cursor's line, repeated at the end of a one-line suggestion (unless the text
  // needs those closers itself: `x.map((y) => y)` before `)`).
  const tail = lineSuffix.trim();
  if (final && tail && !text.includes('\n') && text.endsWith(tail) && text.length > tail.length) {
    const cut = text.slice(0, -tail.length);
    if (openAtEnd(ctx.linePrefix + cut + lineSuffix) === openAtEnd(ctx.linePrefix + lineSuffix)) text = cut;
  }

  text = text.replace(/\s+$/, '');
  if (!text.trim()) text = '';
  // Mid-line, or nothing cut after the stop at the written line: the answer said the code goes on
  // with what is written.
  const resumes = text !== '' && (text === resumedAt || (lineSuffix.trim() !== '' && !text.includes('\n')));
  return resumes ? { text, final, resumes } : { text, final };
}
