// Tone fixes of a selection: the lightbulb actions, `tiered.fixTone` and Escape to cancel.
import * as vscode from 'vscode';
import type { FeatureContext } from '../featureContext';
import { FIX_TONE_COMMAND, ToneCodeActions, type FixToneArgs } from './codeActions';
import { CANCEL_TONE_COMMAND, ToneFixer } from './fixTone';

export function activateTone(ctx: FeatureContext): void {
  const fixer = new ToneFixer(ctx);
  const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];
  ctx.extension.subscriptions.push(
    fixer,
    vscode.languages.registerCodeActionsProvider(selector, new ToneCodeActions(ctx), ToneCodeActions.metadata),
    vscode.commands.registerCommand(FIX_TONE_COMMAND, (args?: FixToneArgs) => fixer.run(isArgs(args) ? args : {})),
    vscode.commands.registerCommand(CANCEL_TONE_COMMAND, () => fixer.cancel()),
  );
}

/** Editor context menus pass the document's URI as the first argument; only our own args object counts. */
function isArgs(value: unknown): value is FixToneArgs {
  return typeof value === 'object' && value !== null && !(value instanceof vscode.Uri);
}
