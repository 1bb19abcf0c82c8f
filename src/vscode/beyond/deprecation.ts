// Shutdown warnings: once per model per day, from `tiered.deprecation.warnDays` before the date,
// naming the model, the date and the commands that use it, with the one place to swap it.
import * as vscode from 'vscode';
import { localDay } from '../../core/day';
import { deprecationsFor, warningsDue, type Deprecation } from '../../core/deprecation';
import type { PriceBook } from '../../core/prices';
import type { FeatureContext } from '../featureContext';
import { affects, deprecationWarnDays } from './settings';

export const DEPRECATION_WARNED_KEY = 'tiered.deprecation.warned';
const CHECK_EVERY_MS = 3 * 3600_000;
const OPEN_ACTION = 'Open Model Settings';

/** Opens the user settings JSON at `tiered.models`, where a model is swapped. */
export async function openModelSettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettingsJson', {
    revealSetting: { key: 'tiered.models' },
  });
}

export interface DeprecationControl {
  /** Every dated or flagged model, for the cost panel. */
  list(): Deprecation[];
  /** Warns about what is due (the check the timer runs). */
  check(): Promise<void>;
}

export function activateDeprecation(ctx: FeatureContext, priceBook: Pick<PriceBook, 'describe'>): DeprecationControl {
  const state = ctx.extension.globalState;
  const list = (): Deprecation[] => {
    try {
      return deprecationsFor(ctx.config(), priceBook, localDay());
    } catch (err) {
      ctx.logger.warn(`Deprecation check failed: ${String(err)}`);
      return [];
    }
  };
  let checking = false;
  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const today = localDay();
      const warned = { ...(state.get<Record<string, string>>(DEPRECATION_WARNED_KEY) ?? {}) };
      const due = warningsDue(list(), deprecationWarnDays(), today, warned);
      if (due.length === 0) return;
      for (const d of due) warned[d.modelId] = today;
      // Recorded before showing: another window checking at the same time then stays quiet.
      await state.update(DEPRECATION_WARNED_KEY, warned);
      for (const d of due) {
        ctx.logger.warn(d.message);
        void vscode.window.showWarningMessage(`Tiered: ${d.message}`, OPEN_ACTION).then((pick) => {
          if (pick === OPEN_ACTION) void openModelSettings();
        });
      }
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  ctx.extension.subscriptions.push(
    { dispose: () => clearInterval(timer) },
    ctx.onDidChangeConfig(() => void check()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'deprecation')) void check();
    }),
  );
  void check();
  return { list, check };
}
