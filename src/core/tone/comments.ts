// Splits a code selection into code and comments, and puts it back together. Only comment bodies
// (the prose, without markers, indentation or `*` decoration) go to the model; the frame keeps
// everything else so the rebuilt selection differs from the original in comment prose only.
import type { BlockSyntax, CommentSyntax, StringSyntax } from './syntax';

/** What surrounds a comment's prose; renderComment(frame, body) puts it back. */
export interface CommentFrame {
  /** Before the first body line: the opener and any line break after it. */
  head: string;
  /** Before the first body line when it is not empty (the marker and gap of a line comment). */
  firstLead: string;
  /** Before every later non-empty line (indentation, marker, ` * `). */
  lineLead: string;
  /** Before every later empty line. */
  blankLead: string;
  /** After the last body line: spacing, a line break and the closer. */
  tail: string;
  eol: string;
  /** A comment after code on the same line: its prose must stay on that line. */
  singleLine: boolean;
}

export interface CodePiece {
  kind: 'code';
  text: string;
}

export interface CommentPiece {
  kind: 'comment';
  /** The original text, markers included. */
  text: string;
  /** The prose: markers, indentation and decoration removed, lines joined with '\n'. */
  body: string;
  frame: CommentFrame;
}

export type Piece = CodePiece | CommentPiece;

export interface SplitOptions {
  /** Document text before the selection: decides indentation, docstrings and markers at the start. Never sent. */
  before?: string;
}

const isBlank = (s: string): boolean => s.trim() === '';
const leadingSpace = (s: string): string => /^[ \t]*/.exec(s)![0];

export function splitComments(text: string, syntax: CommentSyntax, options: SplitOptions = {}): Piece[] {
  return new Splitter(text, syntax, options.before ?? '').run();
}

class Splitter {
  private readonly pieces: Piece[] = [];
  private codeStart = 0;
  private readonly eol: string;
  private readonly blocks: BlockSyntax[];
  private readonly markers: string[];
  /** Matches any character that starts a comment or string opener. */
  private readonly openers: RegExp;

  constructor(
    private readonly text: string,
    private readonly syntax: CommentSyntax,
    private readonly before: string,
  ) {
    this.eol = (text.includes('\n') ? text : before).includes('\r\n') ? '\r\n' : '\n';
    this.blocks = [...syntax.block].sort((a, b) => b.open.length - a.open.length);
    this.markers = [...syntax.line].sort((a, b) => b.length - a.length);
    const firsts = new Set(
      [...this.blocks.map((b) => b.open), ...this.markers, ...syntax.strings.map((s) => s.open)].map((o) => o[0]!),
    );
    const escaped = [...firsts].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('');
    this.openers = escaped ? new RegExp(`[${escaped}]`, 'g') : /(?!)/g;
  }

  run(): Piece[] {
    const { text, openers } = this;
    let i = 0;
    while (i < text.length) {
      // Jump to the next character that can open a comment or a string.
      openers.lastIndex = i;
      if (!openers.exec(text)) break;
      i = openers.lastIndex - 1;
      const block = this.blocks.find((b) => text.startsWith(b.open, i));
      if (block) {
        i = this.blockComment(i, block);
        continue;
      }
      const marker = this.markers.find((m) => text.startsWith(m, i));
      if (marker && this.markerCounts(i, marker)) {
        i = this.lineComment(i, marker);
        continue;
      }
      const str = this.syntax.strings.find((s) => text.startsWith(s.open, i));
      if (str) {
        i = this.docstring(i, str) ?? this.stringEnd(i, str);
        continue;
      }
      i++;
    }
    if (this.codeStart < text.length) this.pieces.push({ kind: 'code', text: text.slice(this.codeStart) });
    return this.pieces;
  }

  private emit(start: number, end: number, body: string, frame: CommentFrame): number {
    if (start > this.codeStart) this.pieces.push({ kind: 'code', text: this.text.slice(this.codeStart, start) });
    this.pieces.push({ kind: 'comment', text: this.text.slice(start, end), body, frame });
    this.codeStart = end;
    return end;
  }

  /** Text from the start of i's line up to i (reaching into `before` on the first line). */
  private linePrefix(i: number): string {
    const start = this.text.lastIndexOf('\n', i - 1) + 1;
    const head = start === 0 ? this.before.slice(this.before.lastIndexOf('\n') + 1) : '';
    return head + this.text.slice(start, i);
  }

  /** The nearest non-blank line above i's line (reaching into `before`), or undefined at the top. */
  private previousLine(i: number): string | undefined {
    for (const source of [this.text, this.before]) {
      let end = source === this.text ? this.text.lastIndexOf('\n', i - 1) : source.length;
      while (end >= 0) {
        const start = source.lastIndexOf('\n', end - 1) + 1;
        const line = source.slice(start, end);
        if (!isBlank(line)) return line;
        if (start === 0) break;
        end = start - 1;
      }
    }
    return undefined;
  }

  /** End of i's line content: before '\r\n' / '\n', or the end of the text. */
  private contentEnd(i: number): number {
    const nl = this.text.indexOf('\n', i);
    if (nl < 0) return this.text.length;
    return this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }

  private charBefore(i: number): string | undefined {
    return i > 0 ? this.text[i - 1] : this.before.at(-1);
  }

  private markerCounts(i: number, marker: string): boolean {
    const prev = this.charBefore(i);
    if (this.syntax.lineNeedsSpaceBefore && prev !== undefined && !/\s/.test(prev)) return false;
    if (this.syntax.lineEscapedBy && prev === this.syntax.lineEscapedBy) return false;
    // A shebang is an instruction to the OS, not prose.
    if (marker === '#' && i === 0 && this.before === '' && this.text.startsWith('#!')) return false;
    return true;
  }

  /** The marker with its decoration: `///`, `//!`, `##`, `---`, `;;`. */
  private fullMarker(i: number, marker: string): string {
    let j = i + marker.length;
    while (this.text[j] === marker.at(-1)) j++;
    if (this.text[j] === '!') j++;
    return this.text.slice(i, j);
  }

  private lineComment(i: number, marker: string): number {
    const { text, eol } = this;
    const prefix = this.linePrefix(i);
    const full = this.fullMarker(i, marker);
    if (!isBlank(prefix)) {
      const end = this.contentEnd(i);
      const raw = text.slice(i + full.length, end);
      const gap = leadingSpace(raw) || ' ';
      const frame = { head: '', firstLead: full + gap, lineLead: ' ', blankLead: '', tail: '', eol, singleLine: true };
      return this.emit(i, end, raw.trim(), frame);
    }
    // Consecutive whole-line comments with the same indentation and marker are one paragraph.
    const lines: string[] = [];
    let j = i;
    let end: number;
    for (;;) {
      end = this.contentEnd(j);
      lines.push(text.slice(j + full.length, end));
      const nl = text.indexOf('\n', end);
      if (nl < 0) break;
      const next = nl + 1 + prefix.length;
      if (text.slice(nl + 1, next) !== prefix || !text.startsWith(full, next)) break;
      if (this.fullMarker(next, marker) !== full) break;
      j = next;
    }
    const nonBlank = lines.filter((l) => !isBlank(l));
    const gapLen = nonBlank.length ? Math.min(...nonBlank.map((l) => leadingSpace(l).length)) : 0;
    const gap = nonBlank.length ? nonBlank[0]!.slice(0, gapLen) : ' ';
    const body = trimBlankLines(lines.map((l) => (isBlank(l) ? '' : l.slice(gapLen).trimEnd())).join('\n'));
    const frame = {
      head: '',
      firstLead: full + gap,
      lineLead: prefix + full + gap,
      blankLead: prefix + full,
      tail: '',
      eol,
      singleLine: false,
    };
    return this.emit(i, end, body, frame);
  }

  private blockComment(i: number, block: BlockSyntax): number {
    const { text } = this;
    const closeAt = text.indexOf(block.close, i + block.open.length);
    const innerEnd = closeAt < 0 ? text.length : closeAt;
    let j = i + block.open.length;
    while (j < innerEnd && text[j] === block.open.at(-1)) j++;
    if (j < innerEnd && text[j] === '!') j++;
    const end = closeAt < 0 ? text.length : closeAt + block.close.length;
    const opener = text.slice(i, j);
    const closer = closeAt < 0 ? '' : block.close;
    const { body, frame } = this.blockFrame(opener, text.slice(j, innerEnd), closer, i, false);
    return this.emit(i, end, body, frame);
  }

  /** A triple-quoted string alone on its lines right after a `def`/`class` header (or at the top). */
  private docstring(i: number, str: StringSyntax): number | undefined {
    if (!this.syntax.docstrings?.includes(str.open)) return undefined;
    if (!isBlank(this.linePrefix(i))) return undefined;
    const end = this.stringEnd(i, str);
    const closeAt = end - str.close.length;
    if (closeAt < i + str.open.length || !this.text.startsWith(str.close, closeAt)) return undefined;
    if (!isBlank(this.text.slice(end, this.contentEnd(end)))) return undefined;
    const previous = this.previousLine(i);
    if (previous !== undefined && !/:\s*(#.*)?$/.test(previous)) return undefined;
    const inner = this.text.slice(i + str.open.length, closeAt);
    const { body, frame } = this.blockFrame(str.open, inner, str.close, i, true);
    return this.emit(i, end, body, frame);
  }

  private blockFrame(
    opener: string,
    inner: string,
    closer: string,
    at: number,
    docstring: boolean,
  ): { body: string; frame: CommentFrame } {
    const { eol } = this;
    const indent = leadingSpace(this.linePrefix(at));
    const star = opener.startsWith('/**');
    const raw = inner.split(/\r?\n/);
    if (raw.length === 1) {
      const [, lead, body, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner)!;
      const lineLead = star ? `${indent} * ` : docstring ? indent : indent + ' '.repeat(opener.length + lead!.length);
      const frame = {
        head: opener,
        firstLead: lead!,
        lineLead,
        blankLead: lineLead.trimEnd(),
        tail: trail! + closer,
        eol,
        singleLine: false,
      };
      return { body: body!, frame };
    }
    let head = opener;
    let first = 0;
    let last = raw.length - 1;
    if (isBlank(raw[0]!)) {
      head += raw[0] + eol;
      first = 1;
    }
    let tail = closer;
    if (isBlank(raw[last]!)) {
      tail = eol + raw[last] + closer;
      last--;
    } else {
      tail = /\s*$/.exec(raw[last]!)![0] + closer;
    }
    const lines = raw.slice(first, last + 1);
    const cont = first === 0 ? lines.slice(1) : lines;
    const starred = !docstring && cont.length > 0 && cont.every((l) => /^[ \t]*\*/.test(l));
    let lineLead: string;
    let blankLead: string;
    let strip: (line: string) => string;
    if (starred) {
      const ws = /^([ \t]*)\*/.exec(cont[0]!)![1]!;
      lineLead = `${ws}* `;
      blankLead = `${ws}*`;
      strip = (l) => l.replace(/^[ \t]*\*[ \t]?/, '');
    } else {
      const nonBlank = cont.filter((l) => !isBlank(l));
      const width = nonBlank.length ? Math.min(...nonBlank.map((l) => leadingSpace(l).length)) : 0;
      lineLead = nonBlank.length ? nonBlank[0]!.slice(0, width) : indent;
      blankLead = '';
      strip = (l) => (isBlank(l) ? '' : l.slice(width));
    }
    const bodyLines = lines.map((l, k) => (k === 0 && first === 0 ? l.trimStart() : strip(l)).trimEnd());
    const firstLead = first === 0 ? leadingSpace(lines[0] ?? '') : lineLead;
    const frame = { head, firstLead, lineLead, blankLead, tail, eol, singleLine: false };
    return { body: trimBlankLines(bodyLines.join('\n')), frame };
  }

  private stringEnd(i: number, str: StringSyntax): number {
    const { text } = this;
    let j = i + str.open.length;
    while (j < text.length) {
      if (str.escape && text[j] === str.escape) {
        j += 2;
        continue;
      }
      if (text.startsWith(str.close, j)) return j + str.close.length;
      if (!str.multiline && text[j] === '\n') return j;
      j++;
    }
    return text.length;
  }
}

function trimBlankLines(body: string): string {
  return body.replace(/^(?:[ \t]*\n)+/, '').replace(/(?:\n[ \t]*)+$/, '');
}

/** Puts a (rewritten) body back into its comment's frame. */
export function renderComment(frame: CommentFrame, body: string): string {
  const lines = body
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd());
  if (frame.singleLine) {
    return (
      frame.head +
      frame.firstLead +
      lines
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ') +
      frame.tail
    );
  }
  let out = frame.head + (lines[0] ? frame.firstLead : frame.firstLead.trimEnd()) + lines[0];
  for (const line of lines.slice(1)) out += frame.eol + (line ? frame.lineLead + line : frame.blankLead);
  return out + frame.tail;
}

/** The selection with the given pieces' bodies replaced (keys are indices into `pieces`). */
export function rebuild(pieces: readonly Piece[], bodies: ReadonlyMap<number, string>): string {
  return pieces
    .map((p, k) => {
      const body = bodies.get(k);
      return p.kind === 'comment' && body !== undefined ? renderComment(p.frame, body) : p.text;
    })
    .join('');
}

/** The code with each comment replaced by one marker: equal skeletons mean equal code. */
export function codeSkeleton(pieces: readonly Piece[]): string {
  return pieces.map((p) => (p.kind === 'code' ? p.text : '\u0000')).join('');
}

/** Comments worth sending: their prose has at least one letter (not banners like `// -----`). */
export function rewritableComments(pieces: readonly Piece[]): number[] {
  const out: number[] = [];
  pieces.forEach((p, k) => {
    if (p.kind === 'comment' && /\p{L}/u.test(p.body)) out.push(k);
  });
  return out;
}
