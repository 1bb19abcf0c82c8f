// Teams on a LiteLLM proxy: the virtual key's remaining budget in the status bar tooltip and for
// the panel. Refreshed on activation, every few minutes, and shortly after calls through the proxy.
import * as vscode from 'vscode';
import { describeKeyInfo, keyBudgetNote, litellmSetupProblems, tightest, type KeyInfoResult } from '../../core/litellm';
import { fetchKeyInfo } from '../../providers/litellmKeyInfo';
import type { FeatureContext } from '../featureContext';
import { affects, litellmProviderIds } from './settings';

const REFRESH_EVERY_MS = 5 * 60_000;
/** After a call through the proxy, refresh at most this often. */
const AFTER_CALL_MS = 20_000;

export interface LitellmControl {
  /** The last answer per proxy provider (empty when none is configured). */
  budgets(): KeyInfoResult[];
  refresh(): Promise<KeyInfoResult[]>;
  readonly onDidChange: vscode.Event<KeyInfoResult[]>;
}

export function activateLitellm(
  ctx: FeatureContext,
  apiKey: (providerId: string) => Promise<string | undefined>,
): LitellmControl {
  let results: KeyInfoResult[] = [];
  const emitter = new vscode.EventEmitter<KeyInfoResult[]>();
  let inFlight: Promise<KeyInfoResult[]> | undefined;
  let problemsShown = '';

  const refresh = (): Promise<KeyInfoResult[]> => {
    inFlight ??= (async () => {
      try {
        const config = ctx.config();
        const ids = litellmProviderIds();
        const problems = litellmSetupProblems(config, ids);
        const key = problems.join('\n');
        if (key !== problemsShown) {
          problemsShown = key;
          for (const p of problems) ctx.logger.warn(p);
        }
        const providers = config.providers.filter((p) => ids.includes(p.id) && p.kind === 'openai');
        results = await Promise.all(
          providers.map(async (p) => fetchKeyInfo(p.id, p.baseUrl, await apiKey(p.id).catch(() => undefined))),
        );
        for (const r of results) if (!r.ok) ctx.logger.warn(describeKeyInfo(r));
        show();
        emitter.fire(results);
        return results;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  const show = (): void => {
    if (results.length === 0) return ctx.statusBar.setNote('litellm', undefined);
    const best = tightest(results);
    const tooltip = results.map(describeKeyInfo).join('\n');
    ctx.statusBar.setNote(
      'litellm',
      best ? `$(organization) ${keyBudgetNote(best.budget)}` : '$(organization) budget ?',
      tooltip,
    );
  };

  let afterCall: ReturnType<typeof setTimeout> | undefined;
  const timer = setInterval(() => void refresh(), REFRESH_EVERY_MS);
  ctx.extension.subscriptions.push(
    emitter,
    { dispose: () => (clearInterval(timer), afterCall && clearTimeout(afterCall)) },
    ctx.onDidAppendLedger((records) => {
      const ids = litellmProviderIds();
      if (afterCall || !records.some((r) => ids.includes(r.provider))) return;
      afterCall = setTimeout(() => {
        afterCall = undefined;
        void refresh();
      }, AFTER_CALL_MS);
    }),
    ctx.onDidChangeConfig(() => void refresh()),
    ctx.extension.secrets.onDidChange((e) => {
      if (e.key.startsWith('tiered.apiKey.')) void refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'litellm')) void refresh();
    }),
  );
  void refresh();
  return { budgets: () => results, refresh, onDidChange: emitter.event };
}
