// The composition root: builds every service once and hands features what they need.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Budget } from '../core/budget';
import { CallPath, type ModelProblem } from '../core/callPath';
import { defaultConfig, type TieredConfig } from '../core/config';
import { localDay } from '../core/day';
import { isEditorConfigFile, makeExcluder, userDirOf, type Excluder } from '../core/exclude';
import { LedgerTail, readRange } from '../core/ledger';
import { DaySpend } from '../core/money/daySpend';
import { PriceBook } from '../core/prices';
import { route, type ResolvedModel } from '../core/router';
import { systemClock, type CommandId, type LedgerRecord, type ModelClient } from '../core/types';
import { createModelClient } from '../providers';
import { activateBeyond, type BeyondApi } from './beyond';
import { noticeSpend } from './capNotices';
import type { FeatureContext, SpendStatus } from './featureContext';
import { activateInline } from './inline';
import { ChannelLogger } from './logger';
import { activateCostPanel } from './panel';
import { activateReview } from './review';
import { Keys, registerKeyCommands } from './secrets';
import { Settings } from './settings';
import { activateSetup } from './setup';
import { ModelProblemMemory, modelProblemMessage } from './modelProblemNotice';
import { money, SpendStatusBar, type StatusSnapshot } from './statusBar';
import { activateTone } from './tone';

export interface TieredApi {
  /** Read by the in-host tests. */
  readonly statusBar: {
    readonly text: string;
    readonly visible: boolean;
    readonly tooltip: string;
    readonly background?: string;
  };
  readonly ledgerDir: string;
  readonly context: FeatureContext;
}

export function compose(context: vscode.ExtensionContext): { api: TieredApi; featureContext: FeatureContext } {
  const logger = new ChannelLogger();
  context.subscriptions.push(logger);
  const settings = new Settings(logger, defaultConfig());
  context.subscriptions.push(settings);
  const keys = new Keys(context.secrets, (s) => logger.addSecret(s));
  void keys.primeRedaction(settings.get());

  const ledgerDir = path.join(context.globalStorageUri.fsPath, 'ledger');
  fs.mkdirSync(ledgerDir, { recursive: true });
  const windowId = `${vscode.env.sessionId.slice(0, 8)}-${process.pid}`;
  const clock = systemClock;
  const budget = new Budget({ dir: ledgerDir, windowId, clock, logger, getConfig: () => settings.get().budget });
  const prices = new PriceBook();

  // Clients are cached per provider config and key; a settings or key change drops them.
  const clients = new Map<string, ModelClient>();
  context.subscriptions.push(
    keys.onDidChange(() => clients.clear()),
    settings.onDidChange(() => clients.clear()),
  );
  const clientFor = async (model: ResolvedModel): Promise<ModelClient> => {
    const key = await keys.get(model.provider);
    const cacheKey = JSON.stringify([model.providerConfig, key ?? '']);
    const cached = clients.get(cacheKey);
    if (cached) return cached;
    const client = createModelClient(model.providerConfig, key, logger);
    clients.set(cacheKey, client);
    return client;
  };

  const ledgerEvents = new vscode.EventEmitter<LedgerRecord[]>();
  const insightEvents = new vscode.EventEmitter<void>();
  context.subscriptions.push(ledgerEvents, insightEvents);
  const tail = new LedgerTail({ dir: ledgerDir, clock, logger });
  // What the status bar shows: the ledger's amounts summed exactly (the tail's totals round each call up for the cap).
  const shownDay = new DaySpend();
  const statusBar = new SpendStatusBar(() => refresh());
  context.subscriptions.push(statusBar);

  const spend = async (command?: CommandId): Promise<SpendStatus> => budget.status(command);

  let refreshing: Promise<void> | undefined;
  let again = false;
  // Reads only the new bytes of today's ledger; coalesces bursts of file events.
  const refresh = (): void => {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = (async () => {
      try {
        const polled = tail.poll(); // the tail logs torn-line warnings itself
        shownDay.add(tail.totals().day, polled.records);
        const shown = shownDay.shown;
        const status = await spend();
        const snapshot: StatusSnapshot = {
          spend: { ...status, spentUsd: shown.spentUsd },
          byCommand: shown.byCommand,
          byModel: shown.byModel,
        };
        statusBar.update(snapshot);
        noticeSpend(context.globalState, status, () => settings.get(), prices);
        if (polled.records.length) ledgerEvents.fire(polled.records);
      } catch (err) {
        logger.error(`Could not read the ledger in ${ledgerDir}: ${String(err)}`);
      } finally {
        refreshing = undefined;
        if (again) {
          again = false;
          refresh();
        }
      }
    })();
  };

  // Every window on the machine appends to the same folder: watch it to update within a second.
  let watchTimer: NodeJS.Timeout | undefined;
  try {
    const watcher = fs.watch(ledgerDir, () => {
      clearTimeout(watchTimer);
      watchTimer = setTimeout(refresh, 50);
    });
    context.subscriptions.push({ dispose: () => watcher.close() });
  } catch (err) {
    logger.warn(`Cannot watch ${ledgerDir} (${String(err)}); spend refreshes every 5 s instead.`);
  }
  // Day rollover and missed events: a cheap periodic poll (reads nothing when nothing changed).
  const poll = setInterval(refresh, 5000);
  context.subscriptions.push({ dispose: () => clearInterval(poll) });

  // One notice per model the provider rejected for its configuration, again after a settings change
  // (the call path forgets its skipped models then too).
  const modelProblems = new ModelProblemMemory();
  context.subscriptions.push(settings.onDidChange(() => modelProblems.reset()));
  const onModelProblem = (problem: ModelProblem): void => {
    if (!modelProblems.first(problem.modelId)) return;
    const openSettings = 'Open Settings';
    const showLog = 'Show Log';
    void vscode.window
      .showWarningMessage(logger.redact(modelProblemMessage(problem)), openSettings, showLog)
      .then((choice) => {
        if (choice === openSettings) {
          void vscode.commands.executeCommand('workbench.action.openSettingsJson', {
            revealSetting: { key: 'tiered.models' },
          });
        } else if (choice === showLog) logger.show();
      });
  };

  // Set once the features are up; the call path asks it to reorder slow lite primaries.
  let beyond: BeyondApi | undefined;
  const runner = new CallPath({
    reorder: (command, chain) => beyond?.reorder(command, chain) ?? chain,
    config: () => settings.get(),
    budget: {
      reserve: (r) => budget.reserve(r),
      settle: async (id, record) => {
        await budget.settle(id, record);
        refresh();
      },
      release: (id) => budget.release(id),
      recordOnly: async (record) => {
        await budget.recordOnly(record);
        refresh();
      },
      status: (command) => budget.status(command),
    },
    pricing: prices,
    client: clientFor,
    clock,
    logger,
    windowId,
    onModelProblem,
  });

  const userDir = userDirOf(context.globalStorageUri.fsPath);
  let excluder: Excluder = makeExcluder(settings.get().exclude);
  context.subscriptions.push(settings.onDidChange((c: TieredConfig) => (excluder = makeExcluder(c.exclude))));
  // Invalid settings show in the status bar until fixed (the last valid ones stay in force).
  context.subscriptions.push(settings.onDidChangeProblem((problem) => statusBar.setSettingsProblem(problem)));
  statusBar.setSettingsProblem(settings.problem);

  const featureContext: FeatureContext = {
    extension: context,
    runner,
    config: () => settings.get(),
    onDidChangeConfig: settings.onDidChange,
    logger,
    statusBar,
    spend,
    raiseTodayCap: async (extraUsd) => {
      await budget.raiseToday(extraUsd);
      refresh();
    },
    // VS Code's own settings, keybindings, tasks, launch configs… never leave, whatever tiered.exclude says.
    isExcluded: (uri) =>
      isEditorConfigFile(uri.fsPath, uri.scheme, userDir) ||
      isEditorConfigFile(uri.path, uri.scheme, userDir) ||
      excluder(uri.fsPath) ||
      excluder(uri.path),
    countTokens: async (command, body) => {
      try {
        const model = route(settings.get(), command).chain[0]!;
        const client = await clientFor(model);
        if (!client.countTokens) return undefined;
        return await client.countTokens({ ...body, model: model.model, timeoutMs: 15_000 });
      } catch (err) {
        logger.debug(`countTokens unavailable for ${command}: ${String(err)}`);
        return undefined;
      }
    },
    readLedger: async (fromDay, toDay) => {
      const result = readRange(ledgerDir, fromDay, toDay);
      for (const w of result.warnings) logger.warn(w);
      return result.records;
    },
    onDidAppendLedger: ledgerEvents.event,
    insights: () => ({
      deprecations: beyond?.deprecations() ?? [],
      shadow: beyond?.shadowAgreement() ?? {
        tone: { samples: 0, meanSimilarity: null },
        review: { samples: 0, meanOverlap: null },
      },
      litellm: beyond?.litellmBudgets() ?? [],
      latency: beyond?.latencyDescription() ?? '',
    }),
    onDidChangeInsights: insightEvents.event,
    openCostPanel: () => void vscode.commands.executeCommand('tiered.openCostPanel'),
  };

  registerKeyCommands(context, keys, () => settings.get());
  context.subscriptions.push(
    vscode.commands.registerCommand('tiered.showLog', () => logger.show()),
    vscode.commands.registerCommand('tiered.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', '@ext:tiered.tiered'),
    ),
    vscode.commands.registerCommand('tiered.raiseTodayCap', async (amount?: number) => {
      const extra = typeof amount === 'number' ? amount : await askRaise(await spend());
      if (extra === undefined) return;
      await featureContext.raiseTodayCap(extra);
      const s = await spend();
      void vscode.window.showInformationMessage(`Tiered: today's cap is now ${money(s.capUsd)} (today only).`);
    }),
  );

  // Features: each registers its own commands and providers on context.subscriptions.
  for (const [name, activateFeature] of [
    ['cost panel', activateCostPanel],
    ['inline completions', activateInline],
    ['tone fixes', activateTone],
    ['deep review', activateReview],
    ['setup check', (c: FeatureContext) => activateSetup(c, { prices, redact: (t) => logger.redact(t) })],
  ] as const) {
    try {
      activateFeature(featureContext);
    } catch (err) {
      // One broken feature must not take the others (or the spend display) down with it.
      logger.error(`Could not start ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  try {
    beyond = activateBeyond(featureContext, { priceBook: prices, apiKey: (id) => keys.get(id) });
    context.subscriptions.push(beyond.onDidChangeLitellmBudgets(() => insightEvents.fire()));
  } catch (err) {
    logger.error(`Could not start the optimizer, deprecation, shadow, latency and LiteLLM features: ${String(err)}`);
  }

  refresh();
  logger.info(`Tiered active: window ${windowId}, ledger ${ledgerDir}, today ${localDay()}`);
  const api: TieredApi = {
    get statusBar() {
      return statusBar.state;
    },
    ledgerDir,
    context: featureContext,
  };
  return { api, featureContext };
}

async function askRaise(s: SpendStatus): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: "Tiered: raise today's cap",
    prompt: `Spent ${money(s.spentUsd)} of ${money(s.capUsd)} today. Add how many dollars, for today only?`,
    value: '1.00',
    validateInput: (v) => {
      const n = Number(v);
      return Number.isFinite(n) && n > 0 && n <= 1000 ? undefined : 'Enter an amount in USD between 0 and 1000.';
    },
  });
  return value === undefined ? undefined : Number(value);
}
