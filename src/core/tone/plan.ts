// Decides what a tone fix of a selection sends: the whole text (prose) or the prose of the
// comments in it (code). Nothing here reads the document beyond the text handed in.
import { rewritableComments, splitComments, type Piece } from './comments';
import type { ToneTarget } from './prompt';
import { languageKind, type CommentSyntax } from './syntax';

export type ToneFixPlan =
  | { kind: 'prose'; languageId: string; markdown: boolean; text: string }
  | {
      kind: 'comments';
      languageId: string;
      text: string;
      syntax: CommentSyntax;
      before: string;
      pieces: Piece[];
      /** Indices into `pieces` of the comments sent, in order. */
      targets: number[];
    }
  | { kind: 'none'; reason: 'empty' | 'noComments' | 'unsupportedLanguage'; message: string };

/**
 * @param before document text before the selection (a few lines are enough): it decides
 *   indentation and docstrings at the start of the selection and is never sent.
 */
export function planToneFix(languageId: string, text: string, before = ''): ToneFixPlan {
  if (text.trim() === '') return { kind: 'none', reason: 'empty', message: 'Select the text to rewrite first.' };
  const lang = languageKind(languageId);
  if (lang.kind === 'prose') return { kind: 'prose', languageId, markdown: lang.markdown, text };
  if (lang.kind === 'unknown') {
    return {
      kind: 'none',
      reason: 'unsupportedLanguage',
      message: `Tiered does not know the comment syntax of "${languageId}" files, so it cannot tell comments from code. Tone fixes work in Markdown, plain text and the common programming languages.`,
    };
  }
  const pieces = splitComments(text, lang.syntax, { before });
  const targets = rewritableComments(pieces);
  if (targets.length === 0) {
    return {
      kind: 'none',
      reason: 'noComments',
      message: 'The selection has no comments. In code, Tiered rewrites comment text only and never touches the code.',
    };
  }
  return { kind: 'comments', languageId, text, syntax: lang.syntax, before, pieces, targets };
}

/** What goes to the model for a plan (undefined for 'none'). */
export function toneTarget(plan: ToneFixPlan): ToneTarget | undefined {
  if (plan.kind === 'prose')
    return { kind: 'prose', languageId: plan.languageId, markdown: plan.markdown, text: plan.text.trim() };
  if (plan.kind === 'comments') {
    return {
      kind: 'comments',
      languageId: plan.languageId,
      bodies: plan.targets.map((k) => (plan.pieces[k] as Extract<Piece, { kind: 'comment' }>).body),
    };
  }
  return undefined;
}
