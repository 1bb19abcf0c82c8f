// "Tiered: Suggest Routing Changes": the tier optimizer over the last week, a multi-select of its
// suggestions, applied to user settings in one click; and a weekly check that says when there is
// something to suggest.
import * as vscode from 'vscode';
import { localDay } from '../../core/day';
import {
  applyEdits,
  describeDelta,
  editLabel,
  suggestRouting,
  type InlineStatsByDay,
  type OptimizerReport,
  type Suggestion,
} from '../../core/optimizer';
import type { PriceBook, Rates } from '../../core/prices';
import { resolveModel } from '../../core/router';
import type { FeatureContext } from '../featureContext';
import { optimizerWeekly } from './settings';

export const SUGGEST_COMMAND = 'tiered.suggestRouting';
export const OPTIMIZER_LAST_RUN_KEY = 'tiered.optimizer.lastRun';
export const INLINE_STATS_KEY = 'tiered.inlineStats';
const PERIOD_DAYS = 7;
const WEEK_MS = 7 * 86_400_000;
const CHECK_EVERY_MS = 4 * 3600_000;

/** The local day `n` days before today. */
function daysAgo(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return localDay(d.getTime());
}

export interface OptimizerControl {
  /** The report over the last `days` days (today included). */
  report(days?: number): Promise<OptimizerReport>;
}

export function activateOptimizer(
  ctx: FeatureContext,
  priceBook: Pick<PriceBook, 'describe'>,
  inlineStats: () => InlineStatsByDay | undefined,
): OptimizerControl {
  const state = ctx.extension.globalState;

  const report = async (days = PERIOD_DAYS): Promise<OptimizerReport> => {
    const from = daysAgo(days - 1);
    const to = localDay();
    const config = ctx.config();
    const rates = (id: string): Rates | undefined => {
      try {
        const info = priceBook.describe(resolveModel(config, id));
        return info.known ? info.rates : undefined;
      } catch {
        return undefined;
      }
    };
    const records = await ctx.readLedger(from, to);
    return suggestRouting({ records, inline: inlineStats(), from, to, config, rates });
  };

  const apply = async (chosen: readonly Suggestion[]): Promise<void> => {
    const config = ctx.config();
    const changed = applyEdits(
      { commands: config.commands, tiers: config.tiers },
      chosen.map((s) => s.edit),
    );
    const section = vscode.workspace.getConfiguration('tiered');
    // Routing is user-only (settings.ts reads only the global value), so that is where it goes.
    if (changed.commands) await section.update('commands', changed.commands, vscode.ConfigurationTarget.Global);
    if (changed.tiers) await section.update('tiers', changed.tiers, vscode.ConfigurationTarget.Global);
    for (const s of chosen)
      ctx.logger.info(`Routing changed: ${editLabel(s.edit)} (${s.title}; ${describeDelta(s)} over the period)`);
  };

  /** `args.apply`: suggestion ids to apply without asking (automation and tests); returns the report. */
  const suggestCommand = async (args?: { apply?: unknown }): Promise<OptimizerReport | undefined> => {
    if (args && Array.isArray(args.apply)) {
      const r = await report();
      const ids = new Set(args.apply.filter((x): x is string => typeof x === 'string'));
      const chosen = r.suggestions.filter((s) => ids.has(s.id));
      if (chosen.length) await apply(chosen);
      return r;
    }
    let r: OptimizerReport;
    try {
      r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Tiered: reading the last week of calls' },
        () => report(),
      );
    } catch (err) {
      void vscode.window.showErrorMessage(`Tiered could not read the ledger for routing suggestions: ${String(err)}`);
      return undefined;
    }
    await state.update(OPTIMIZER_LAST_RUN_KEY, Date.now());
    for (const n of r.notes) ctx.logger.info(`optimizer: ${n}`);
    if (r.suggestions.length === 0) {
      void vscode.window.showInformationMessage(`Tiered: no routing changes to suggest for ${r.from} – ${r.to}.`, {
        modal: true,
        detail: r.notes.join('\n') || 'The current routing fits the calls of this period.',
      });
      return r;
    }
    type Item = vscode.QuickPickItem & { suggestion?: Suggestion };
    const items: Item[] = r.suggestions.map((s) => ({
      label: s.title,
      description: describeDelta(s),
      detail: `${s.reason} → ${editLabel(s.edit)}`,
      suggestion: s,
    }));
    if (r.notes.length) {
      items.push({ label: 'Notes', kind: vscode.QuickPickItemKind.Separator });
      for (const n of r.notes) items.push({ label: `$(info) ${n}` });
    }
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Tiered: routing suggestions from ${r.from} – ${r.to} (costs repriced on this period's tokens)`,
      placeHolder: 'Pick the changes to apply to your user settings',
      ignoreFocusOut: true,
      matchOnDetail: true,
    });
    const chosen = (picked ?? []).flatMap((i) => (i.suggestion ? [i.suggestion] : []));
    if (chosen.length === 0) return r;
    try {
      await apply(chosen);
      void vscode.window.showInformationMessage(`Tiered: applied ${chosen.map((s) => editLabel(s.edit)).join('; ')}.`);
    } catch (err) {
      void vscode.window.showErrorMessage(
        `Tiered could not update tiered.commands / tiered.tiers in your user settings: ${String(err)}`,
      );
    }
  };

  const weekly = async (): Promise<void> => {
    if (!optimizerWeekly()) return;
    const last = state.get<number>(OPTIMIZER_LAST_RUN_KEY);
    const now = Date.now();
    if (last === undefined) {
      // A fresh install has no week of data yet: start the clock.
      await state.update(OPTIMIZER_LAST_RUN_KEY, now);
      return;
    }
    if (now - last < WEEK_MS) return;
    await state.update(OPTIMIZER_LAST_RUN_KEY, now);
    const r = await report();
    if (r.suggestions.length === 0) return;
    const first = r.suggestions[0]!;
    const pick = await vscode.window.showInformationMessage(
      `Tiered: ${r.suggestions.length} routing suggestion(s) from last week's calls, e.g. "${first.title}" (${describeDelta(first)}).`,
      'Review Suggestions',
    );
    if (pick) await vscode.commands.executeCommand(SUGGEST_COMMAND);
  };
  const runWeekly = (): void =>
    void weekly().catch((err: unknown) => ctx.logger.warn(`Weekly routing check failed: ${String(err)}`));

  const first = setTimeout(runWeekly, 60_000);
  const timer = setInterval(runWeekly, CHECK_EVERY_MS);
  ctx.extension.subscriptions.push(vscode.commands.registerCommand(SUGGEST_COMMAND, suggestCommand), {
    dispose: () => (clearTimeout(first), clearInterval(timer)),
  });
  return { report };
}
