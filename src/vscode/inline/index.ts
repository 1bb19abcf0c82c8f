// Inline ghost-text completions: the provider, pause/resume, the cap and error notices, and the
// shown/accepted counts. The composition root calls activateInline(ctx) once.
import * as vscode from 'vscode';
import { TieredError } from '../../core/errors';
import {
  AskGate,
  CompletionEngine,
  buildInlineRequest,
  realTimers,
  type CompletionSource,
} from '../../core/completion';
import { systemClock } from '../../core/types';
import type { FeatureContext } from '../featureContext';
import { InlineErrorPolicy } from '../../core/completion/errorPolicy';
import { AcceptanceStore } from './acceptanceStore';
import { createInlineContext } from './context';
import { InlinePause, pickPause, untilText } from './pause';
import { ACCEPT_COMMAND, enabledFor, INLINE_SCHEMES, TieredInlineProvider } from './provider';
import { InlineStatsStore, type InlineStats } from './stats';

export const PAUSE_COMMAND = 'tiered.pauseInline';
export const RESUME_COMMAND = 'tiered.resumeInline';
export const FORGET_ACCEPTANCE_COMMAND = 'tiered.forgetInlineAcceptance';
const NOTE_KEY = 'inline';

let statsStore: InlineStatsStore | undefined;

/** True the first time `id` is seen (a bounded memory: ids only grow). */
function once(seen: Set<number>, id: number): boolean {
  if (seen.has(id)) return false;
  seen.add(id);
  if (seen.size > 256) seen.delete(seen.values().next().value!);
  return true;
}

/** Suggestions shown and accepted, per local day and model (empty before activation). */
export function inlineStats(): InlineStats {
  return statsStore?.snapshot() ?? {};
}

export function activateInline(ctx: FeatureContext): void {
  const subs = ctx.extension.subscriptions;
  const stats = new InlineStatsStore(ctx.extension.globalState);
  statsStore = stats;

  let capPaused = false;
  const errors = new InlineErrorPolicy();
  const shownIds = new Set<number>();
  const acceptedIds = new Set<number>();

  // InlinePause's constructor calls back before `pause` is assigned: it passes `until` in.
  const paintWith = (until: number | undefined): void => {
    if (until) {
      ctx.statusBar.setNote(
        NOTE_KEY,
        `$(debug-pause) inline ${untilText(until)}`,
        'Inline suggestions are paused. Run "Tiered: Resume Inline Suggestions" to resume.',
      );
    } else if (capPaused) {
      ctx.statusBar.setNote(
        NOTE_KEY,
        '$(debug-pause) inline: cap',
        'Inline suggestions are paused by today\'s spend cap. Run "Tiered: Raise Today\'s Cap" to resume, or wait until tomorrow.',
      );
    } else ctx.statusBar.setNote(NOTE_KEY, undefined);
  };
  const paint = (): void => paintWith(pause.pausedUntil);
  const pause: InlinePause = new InlinePause(ctx.extension.globalState, (until) => paintWith(until));
  subs.push(pause);

  // Paused by the cap until more budget is left than when it paused (a raised cap, a new day).
  let capPause: { day: string; remainingUsd: number } | undefined;
  const recheckCap = async (refused = false): Promise<void> => {
    try {
      const spend = await ctx.spend('complete');
      const was = capPaused;
      if (spend.capReached || refused) capPause = { day: spend.day, remainingUsd: spend.remainingUsd };
      else if (capPause && (spend.day !== capPause.day || spend.remainingUsd > capPause.remainingUsd + 1e-9)) {
        capPause = undefined;
      }
      capPaused = capPause !== undefined;
      if (was && !capPaused) errors.forget('budget');
      if (was !== capPaused) paint();
    } catch (err) {
      ctx.logger.warn(`Inline: could not read today's spend: ${String(err)}`);
    }
  };

  const source: CompletionSource = async (req) => {
    const inline = ctx.config().inline;
    // The workspace's identity for the prompt cache key (core hashes it with the language; never sent as is).
    const cacheScope = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).join('\n');
    const result = await ctx.runner.run({
      command: 'complete',
      build: (model) => buildInlineRequest(model, { ...req, cacheScope }, inline),
      signal: req.signal,
      onText: req.onText,
      timeoutMs: inline.timeoutMs,
    });
    errors.succeeded();
    return { text: result.text, model: result.model.id, usage: result.usage };
  };

  // Open editors, recent edits and definitions from other files (never excluded ones), within 100 ms.
  const context = createInlineContext({
    isExcluded: (uri) => ctx.isExcluded(uri),
    wants: (doc) => enabledFor(ctx.config().inline, doc.languageId),
    logger: ctx.logger,
  });
  subs.push(context);

  // Ask only where an answer will be used (core/completion/gate.ts); its acceptance model learns
  // from this user's shown/accepted suggestions and from automatic requests that answered nothing,
  // and is kept in globalState.
  const acceptance = new AcceptanceStore(ctx.extension.globalState);
  subs.push(acceptance);
  const gate = new AskGate({
    now: Date.now,
    threshold: () => ctx.config().inline.acceptThreshold,
    model: acceptance.model,
    onLearn: () => acceptance.changed(),
  });

  const engine = new CompletionEngine({
    source,
    gate,
    clock: systemClock,
    timers: realTimers,
    config: () => ctx.config().inline,
    logger: ctx.logger,
    context: { gather: context.gather },
  });
  subs.push({ dispose: () => engine.dispose() });

  const onError = (err: unknown): void => {
    if (TieredError.is(err, 'budget')) {
      capPaused = true;
      paint();
      void recheckCap(true);
    }
    const { notice, log } = errors.failed(err);
    if (log) ctx.logger.warn(log);
    if (notice?.kind === 'budget') {
      const raise = "Raise Today's Cap";
      void vscode.window
        .showWarningMessage(notice.message, raise)
        .then((choice) => (choice === raise ? vscode.commands.executeCommand('tiered.raiseTodayCap') : undefined));
    } else if (notice?.kind === 'auth') {
      const set = 'Set API Key';
      void vscode.window
        .showErrorMessage(notice.message, set)
        .then((choice) => (choice === set ? vscode.commands.executeCommand('tiered.setApiKey') : undefined));
    } else if (notice) {
      void vscode.window.showWarningMessage(notice.message);
    }
  };

  const provider = new TieredInlineProvider({
    engine,
    inlineConfig: () => ctx.config().inline,
    blocked: (document) => {
      if (pause.active) return 'paused';
      if (capPaused) return 'cap';
      if (errors.blocked()) return 'backoff';
      // An excluded file sends nothing, ever.
      if (ctx.isExcluded(document.uri)) return 'excluded';
      return undefined;
    },
    onShown: (requestId, model, input) => {
      if (!once(shownIds, requestId)) return;
      stats.shown(model);
      // Settles the one shown before as not accepted (typed past or dismissed).
      gate.noteShown(input, requestId);
    },
    onError,
  });

  subs.push(
    vscode.languages.registerInlineCompletionItemProvider(
      INLINE_SCHEMES.map((scheme) => ({ scheme })),
      provider,
    ),
    vscode.commands.registerCommand(ACCEPT_COMMAND, (requestId?: number, model?: string) => {
      if (requestId === undefined || once(acceptedIds, requestId)) stats.accepted(model);
      if (requestId !== undefined) gate.noteAccepted(requestId);
    }),
    vscode.commands.registerCommand(PAUSE_COMMAND, () => pickPause(pause)),
    vscode.commands.registerCommand(RESUME_COMMAND, () => pause.resume()),
    vscode.commands.registerCommand(FORGET_ACCEPTANCE_COMMAND, async () => {
      const learned = acceptance.model.seen;
      await acceptance.forget();
      void vscode.window.showInformationMessage(
        `Tiered forgot what it learned from ${learned} inline suggestion outcome${learned === 1 ? '' : 's'}: it asks everywhere again and learns anew.`,
      );
    }),
    // Typing rhythm for the adaptive debounce (timing only: no text leaves here).
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document) return;
      for (const change of e.contentChanges) engine.noteEdit(change.text);
    }),
    ctx.onDidAppendLedger(() => void recheckCap()),
    ctx.onDidChangeConfig(() => {
      errors.reset();
      void recheckCap();
    }),
    // A key just set or replaced: try again at once instead of waiting out an auth back-off.
    ctx.extension.secrets.onDidChange(() => errors.reset()),
  );
  // A new day resets the cap; the ledger event does not fire at midnight by itself.
  const capTimer = setInterval(() => void recheckCap(), 5 * 60_000);
  subs.push({ dispose: () => clearInterval(capTimer) });
  void recheckCap();
}
