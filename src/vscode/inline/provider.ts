// The editor edge of inline completions: turns the document and cursor into a CompletionInput,
// the CancellationToken into an AbortSignal, and the engine's answer into an InlineCompletionItem.
// Everything that decides whether to send lives in core/completion.
import * as vscode from 'vscode';
import type { CompletionEngine, CompletionInput } from '../../core/completion';
import type { InlineConfig } from '../../core/config';

/** Real documents only: not output panes, git views or settings (which may hold secrets). */
export const INLINE_SCHEMES = ['file', 'untitled', 'vscode-remote', 'vscode-notebook-cell'];

/** Text handed to the engine on each side of the cursor; it cuts the prompt by tokens from this. */
const PREFIX_CHARS = 64_000;
const SUFFIX_CHARS = 16_000;

export const ACCEPT_COMMAND = 'tiered.inline.accepted';

export interface ProviderDeps {
  engine: CompletionEngine;
  inlineConfig(): InlineConfig;
  /** Why nothing may be sent now (paused, cap, excluded file), or undefined. */
  blocked(document: vscode.TextDocument): string | undefined;
  /**
   * A suggestion was returned for display (every time; the callee counts each request once).
   * `input` is where it shows: the acceptance model learns from its place.
   */
  onShown(requestId: number, model: string | undefined, input: CompletionInput): void;
  onError(err: unknown): void;
}

export function enabledFor(config: InlineConfig, languageId: string): boolean {
  return config.languages[languageId] ?? config.enabled;
}

export function toAbortSignal(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub.dispose() };
}

export class TieredInlineProvider implements vscode.InlineCompletionItemProvider {
  constructor(private readonly deps: ProviderDeps) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!enabledFor(this.deps.inlineConfig(), document.languageId)) return undefined;
    if (this.deps.blocked(document)) return undefined;
    // The suggest widget is open: its choice would change the prefix; stay out of its way.
    if (context.selectedCompletionInfo) return undefined;

    const offset = document.offsetAt(position);
    const start = document.positionAt(Math.max(0, offset - PREFIX_CHARS));
    const end = document.positionAt(offset + SUFFIX_CHARS);
    const { signal, dispose } = toAbortSignal(token);
    try {
      const input: CompletionInput = {
        docKey: document.uri.toString(),
        prefix: document.getText(new vscode.Range(start, position)),
        suffix: document.getText(new vscode.Range(position, end)),
        offset,
        languageId: document.languageId,
        // Alt+\ (editor.action.inlineSuggest.trigger) is InlineCompletionTriggerKind.Invoke, "triggered
        // explicitly by a user gesture" (https://code.visualstudio.com/api/references/vscode-api#InlineCompletionTriggerKind):
        // the user asked, so the gate never holds it back.
        explicit: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke,
      };
      const suggestion = await this.deps.engine.complete(input, signal);
      if (!suggestion || token.isCancellationRequested) return undefined;
      // A suggestion that goes through the closers after the cursor replaces them (VS Code shows
      // the closers it keeps as part of the ghost text, as it does for Copilot's items).
      const range = new vscode.Range(
        position,
        document.validatePosition(position.translate(0, suggestion.covers ?? 0)),
      );
      const item = new vscode.InlineCompletionItem(suggestion.text, range, {
        command: ACCEPT_COMMAND,
        title: 'Accept inline suggestion',
        arguments: [suggestion.requestId, suggestion.model],
      });
      // VS Code 1.100 has no stable "shown" callback: an item returned uncancelled is displayed.
      this.deps.onShown(suggestion.requestId, suggestion.model, input);
      return [item];
    } catch (err) {
      this.deps.onError(err);
      return undefined;
    } finally {
      dispose();
    }
  }
}
