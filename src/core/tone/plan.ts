// Decides what a tone fix of a selection sends: the selected text (prose) or the prose of the
// comments it touches (code). For code the text is parsed from the document's start, so a selection
// that begins inside a string or a comment is read correctly, and a selection inside a comment is
// widened to the whole comment.
import { rewritableComments, splitComments, type Piece } from './comments';
import type { ToneTarget } from './prompt';
import { languageKind, type CommentSyntax } from './syntax';

export type ToneFixPlan =
  | {
      kind: 'prose';
      languageId: string;
      markdown: boolean;
      /** The selected text. */
      text: string;
      start: number;
      end: number;
    }
  | {
      kind: 'comments';
      languageId: string;
      /** The text that was parsed (the document, or a window of it); offsets below are into it. */
      text: string;
      syntax: CommentSyntax;
      before: string;
      pieces: Piece[];
      /** Indices into `pieces` of the comments sent, in order. */
      targets: number[];
      /** The range replaced: the selection widened to whole comments. */
      start: number;
      end: number;
    }
  | { kind: 'none'; reason: 'empty' | 'noComments' | 'unsupportedLanguage'; message: string };

export interface PlanOptions {
  /** Selection start in `text` (default 0). */
  start?: number;
  /** Selection end in `text` (default text.length). */
  end?: number;
  /**
   * Text before `text` when `text` is only a window of the document (a few lines suffice): decides
   * indentation and docstrings at its start. Never sent.
   */
  before?: string;
}

/** @param text the document (best: parsing starts where the file starts) or the selection itself. */
export function planToneFix(languageId: string, text: string, options: PlanOptions = {}): ToneFixPlan {
  const selStart = options.start ?? 0;
  const selEnd = options.end ?? text.length;
  const selected = text.slice(selStart, selEnd);
  if (selected.trim() === '') return { kind: 'none', reason: 'empty', message: 'Select the text to rewrite first.' };
  const lang = languageKind(languageId);
  if (lang.kind === 'prose') {
    return { kind: 'prose', languageId, markdown: lang.markdown, text: selected, start: selStart, end: selEnd };
  }
  if (lang.kind === 'unknown') {
    return {
      kind: 'none',
      reason: 'unsupportedLanguage',
      message: `Tiered does not know the comment syntax of "${languageId}" files, so it cannot tell comments from code. Tone fixes work in Markdown, plain text and the common programming languages.`,
    };
  }
  const before = options.before ?? '';
  const pieces = splitComments(text, lang.syntax, { before });
  const rewritable = new Set(rewritableComments(pieces));
  const targets: number[] = [];
  let start = selStart;
  let end = selEnd;
  let at = 0;
  pieces.forEach((p, k) => {
    const pieceStart = at;
    at += p.text.length;
    if (!rewritable.has(k) || pieceStart >= selEnd || at <= selStart) return;
    targets.push(k);
    start = Math.min(start, pieceStart);
    end = Math.max(end, at);
  });
  if (targets.length === 0) {
    return {
      kind: 'none',
      reason: 'noComments',
      message: 'The selection has no comments. In code, Tiered rewrites comment text only and never touches the code.',
    };
  }
  return { kind: 'comments', languageId, text, syntax: lang.syntax, before, pieces, targets, start, end };
}

/** What goes to the model for a plan (undefined for 'none'). */
export function toneTarget(plan: ToneFixPlan): ToneTarget | undefined {
  if (plan.kind === 'prose') {
    return { kind: 'prose', languageId: plan.languageId, markdown: plan.markdown, text: plan.text.trim() };
  }
  if (plan.kind === 'comments') {
    return {
      kind: 'comments',
      languageId: plan.languageId,
      bodies: plan.targets.map((k) => (plan.pieces[k] as Extract<Piece, { kind: 'comment' }>).body),
    };
  }
  return undefined;
}
