// The checks a tone-fix answer must pass before it may replace the user's text. A failure is what
// CallSpec.validate reports, so a failed lite answer escalates to the tier above.
import { codeSkeleton, rebuild, splitComments, type CommentPiece } from './comments';
import type { ToneFixPlan } from './plan';
import { parseTaggedBodies, unwrapFence } from './prompt';

export type ToneFailure = 'empty' | 'unchanged' | 'tooLong' | 'altersCode' | 'malformed' | 'truncated';

/** The longest acceptable answer, as a multiple of the original's length. */
export const MAX_GROWTH = 3;

export const FAILURE_MESSAGES: Record<ToneFailure, string> = {
  empty: 'the model returned an empty rewrite',
  unchanged: 'the model returned the text unchanged',
  tooLong: `the rewrite is more than ${MAX_GROWTH}× longer than the original`,
  altersCode: 'the rewrite changes code, not only prose',
  malformed: 'the answer did not keep the comments apart',
  truncated: 'the answer was cut off at the output limit',
};

export type Verdict =
  { ok: true; replacement: string; changed: boolean } | { ok: false; failure: ToneFailure; message: string };

const fail = (failure: ToneFailure): Verdict => ({ ok: false, failure, message: FAILURE_MESSAGES[failure] });
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

export interface CheckOptions {
  /** Fix grammar: correct text may come back as it is. */
  mayBeUnchanged: boolean;
}

/** Checks a model answer against the plan and builds the replacement for the selection. */
export function checkAnswer(plan: ToneFixPlan, answer: string, options: CheckOptions): Verdict {
  if (plan.kind === 'prose') return checkProse(plan.text, answer, plan.markdown, options);
  if (plan.kind === 'comments') return checkComments(plan, answer, options);
  return fail('empty');
}

function checkProse(original: string, answer: string, markdown: boolean, options: CheckOptions): Verdict {
  const source = original.trim();
  let text = answer.replace(/\r\n/g, '\n');
  if (!/^\s*(```|~~~)/.test(source)) text = unwrapFence(text);
  text = text.trim();
  if (text === '') return fail('empty');
  if (squash(text) === squash(source)) {
    return options.mayBeUnchanged ? { ok: true, replacement: original, changed: false } : fail('unchanged');
  }
  if (text.length > MAX_GROWTH * source.length) return fail('tooLong');
  if (markdown && codeOf(text) !== codeOf(source.replace(/\r\n/g, '\n'))) return fail('altersCode');
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const lead = /^\s*/.exec(original)![0];
  const trail = /\s*$/.exec(original)![0];
  return { ok: true, replacement: lead + text.replace(/\n/g, eol) + trail, changed: true };
}

/** Fenced blocks and inline code spans of a Markdown text, order-free (a rewrite may reorder sentences). */
export function codeOf(markdown: string): string {
  const spans: string[] = [];
  const rest = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[ \t]*$/gm, (block) => {
    spans.push(block.trim());
    return '\n';
  });
  for (const m of rest.matchAll(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g)) spans.push(m[2]!.trim());
  return spans.sort().join('\u0000');
}

function checkComments(
  plan: Extract<ToneFixPlan, { kind: 'comments' }>,
  answer: string,
  options: CheckOptions,
): Verdict {
  const bodies = parseTaggedBodies(answer, plan.targets.length);
  if (!bodies) return fail('malformed');
  if (bodies.some((b) => b === '')) return fail('empty');
  const originals = plan.targets.map((k) => (plan.pieces[k] as CommentPiece).body);
  const changed = bodies.some((b, k) => squash(b) !== squash(originals[k]!));
  if (!changed) {
    return options.mayBeUnchanged
      ? { ok: true, replacement: plan.text.slice(plan.start, plan.end), changed: false }
      : fail('unchanged');
  }
  const before = originals.reduce((n, b) => n + b.length, 0);
  const after = bodies.reduce((n, b) => n + b.length, 0);
  if (after > MAX_GROWTH * before) return fail('tooLong');
  const rebuilt = rebuild(plan.pieces, new Map(plan.targets.map((k, i) => [k, bodies[i]!])));
  if (altersCode(plan, rebuilt)) return fail('altersCode');
  // Every rewritten comment lies inside [start, end): the text around it is the same.
  const replacement = rebuilt.slice(plan.start, rebuilt.length - (plan.text.length - plan.end));
  return { ok: true, replacement, changed: true };
}

/** True when the rebuilt text's code (everything outside comments) differs from the original's. */
export function altersCode(plan: Extract<ToneFixPlan, { kind: 'comments' }>, rebuilt: string): boolean {
  const after = splitComments(rebuilt, plan.syntax, { before: plan.before });
  return codeSkeleton(after) !== codeSkeleton(plan.pieces);
}
