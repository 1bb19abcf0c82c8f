// The lightbulb: two refactor.rewrite actions on a selection that has something to rewrite
// (prose, or comments in code). Excluded files get none, so nothing invites sending them.
import * as vscode from 'vscode';
import { GRAMMAR_TONE_ID } from '../../core/tone/tones';
import type { FeatureContext } from '../featureContext';
import { planSelection } from './selection';

export const FIX_TONE_COMMAND = 'tiered.fixTone';
export const TONE_ACTION_KIND = vscode.CodeActionKind.RefactorRewrite.append('tiered.tone');

/** Above this the lightbulb does not scan the selection (the command still explains what is wrong). */
const MAX_SCAN_CHARS = 200_000;

/** Arguments of `tiered.fixTone` (also usable from a keybinding: `{ "tone": "grammar" }`). */
export interface FixToneArgs {
  uri?: vscode.Uri | string;
  range?: vscode.Range;
  /** A tone id: concise, friendly, formal, neutral, grammar, or custom:<name>. */
  tone?: string;
}

export class ToneCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [TONE_ACTION_KIND] };

  constructor(private readonly ctx: FeatureContext) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    if (range.isEmpty) return [];
    if (context.only && !context.only.contains(TONE_ACTION_KIND) && !TONE_ACTION_KIND.contains(context.only)) return [];
    if (this.ctx.isExcluded(document.uri)) return [];
    if (document.offsetAt(range.end) - document.offsetAt(range.start) > MAX_SCAN_CHARS) return [];
    if (planSelection(document, range).plan.kind === 'none') return [];
    const args = (tone?: string): FixToneArgs => ({
      uri: document.uri,
      range: new vscode.Range(range.start, range.end),
      ...(tone ? { tone } : {}),
    });
    const pick = new vscode.CodeAction('Tiered: Fix tone…', TONE_ACTION_KIND);
    pick.command = { command: FIX_TONE_COMMAND, title: 'Fix tone…', arguments: [args()] };
    const grammar = new vscode.CodeAction('Tiered: Fix grammar', TONE_ACTION_KIND);
    grammar.command = { command: FIX_TONE_COMMAND, title: 'Fix grammar', arguments: [args(GRAMMAR_TONE_ID)] };
    return [pick, grammar];
  }
}
