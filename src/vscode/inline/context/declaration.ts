// The text of a declaration for the prompt (no vscode import: unit-tested). A short declaration
// goes whole; a long one as its signature, or, when it has members (a class, an interface), as its
// header and each member's first line: what the model needs to call it, in few tokens.

export interface DeclarationSpan {
  /** The declaration's lines (its whole range: signature and body). */
  lines: string[];
  /** Indexes into `lines` where its members start (document symbol children), if any. */
  memberStarts?: number[];
}

/** Lines up to where the signature ends (an opening brace, a trailing colon or arrow), at most `cap`. */
function signature(lines: string[], cap: number): string[] {
  const out: string[] = [];
  for (const line of lines.slice(0, cap)) {
    out.push(line);
    if (/[{:]\s*$|=>\s*$|\{/.test(line)) break;
  }
  return out;
}

/** The declaration as it goes into the prompt: whole up to `maxLines`, else a shape of it. */
export function declarationText(span: DeclarationSpan, maxLines = 30): string {
  const { lines } = span;
  if (lines.length <= maxLines) return lines.join('\n');
  const head = signature(lines, 6);
  const members = (span.memberStarts ?? []).filter((i) => i >= head.length && i < lines.length - 1);
  if (members.length === 0) return [...head, `${indentOf(lines[1] ?? '')}…`].join('\n');
  const out = [...head];
  for (const i of members) {
    if (out.length >= maxLines - 2) break;
    out.push(lines[i]!.replace(/\s*\{\s*$/, ';'));
  }
  out.push(`${indentOf(lines[members[0]!]!)}…`, lines[lines.length - 1]!);
  return out.join('\n');
}

function indentOf(line: string): string {
  return /^\s*/.exec(line)![0];
}
