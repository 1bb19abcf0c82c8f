// The cost panel's host side: one WebviewPanel, fed from the ledger through a per-day spend cache,
// every message from the page validated with zod before it is acted on.
import * as vscode from 'vscode';
import { formatUsd } from '../../core/money/format';
import { PriceBook } from '../../core/prices';
import { SpendCache } from '../../core/spend/cache';
import { toCsv } from '../../core/spend/csv';
import { resolveRange, type DayRange, type RangeSpec } from '../../core/spend/days';
import { loadRange, parseStore, serializeStore, type DayStore } from '../../core/spend/store';
import type { LedgerRecord } from '../../core/types';
import {
  EMPTY_INSIGHTS,
  panelMessageSchema,
  type CapsInput,
  type HostMessage,
  type InsightsView,
  type PanelMessage,
} from '../../webview/protocol';
import { openModelSettings } from '../beyond/deprecation';
import type { FeatureContext } from '../featureContext';
import { buildPanelData, priceViews, proRepricer, proTierOf, RECENT_LIMIT, storeFingerprint } from './data';
import { newNonce, panelHtml } from './html';

export const COST_PANEL_VIEW_TYPE = 'tiered.costPanel';

/** Live updates arrive per call; repaint at most this often. */
const LIVE_REPAINT_MS = 250;

export class CostPanel implements vscode.Disposable {
  private static current: CostPanel | undefined;

  /** Opens the panel, or reveals the one already open. */
  static show(ctx: FeatureContext): CostPanel {
    if (CostPanel.current) {
      CostPanel.current.panel.reveal();
      return CostPanel.current;
    }
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(
      COST_PANEL_VIEW_TYPE,
      'Tiered: Spend',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [dist, media] },
    );
    CostPanel.current = new CostPanel(panel, ctx);
    return CostPanel.current;
  }

  static get open(): CostPanel | undefined {
    return CostPanel.current;
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly book = new PriceBook();
  private cache: SpendCache;
  /** Settled-day summaries on disk; loaded on the first refresh. */
  private store: DayStore | undefined;
  private range: RangeSpec = { kind: '7d' };
  /** Serialises reads so a live update never races a range change. */
  private work: Promise<void> = Promise.resolve();
  private loading = false;
  private queued: LedgerRecord[] = [];
  private repaintTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: FeatureContext,
  ) {
    this.cache = this.newCache();
    this.setHtml();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      ctx.onDidAppendLedger((records) => this.onAppend(records)),
      // A LiteLLM budget refreshed (the other insights change with the ledger or settings).
      ctx.onDidChangeInsights(() => this.enqueue(() => this.refresh())),
      ctx.onDidChangeConfig(() => {
        // Prices and the tier table may have changed: repricing needs a fresh cache (and maybe store).
        this.cache = this.newCache();
        this.store = undefined;
        this.enqueue(() => this.refresh());
      }),
    );
  }

  private newCache(): SpendCache {
    const config = this.ctx.config();
    const repricer = proRepricer(config, this.book);
    return new SpendCache({
      priceAtPro: repricer ?? (() => undefined),
      proTier: proTierOf(config),
      recentLimit: RECENT_LIMIT,
      tierOrder: Object.keys(config.tiers),
    });
  }

  /** A fresh nonce on every load of the page. */
  private setHtml(): void {
    const webview = this.panel.webview;
    const root = this.ctx.extension.extensionUri;
    this.panel.webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'panel.css')).toString(),
    });
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = panelMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const type =
        raw && typeof raw === 'object' && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : '?';
      this.ctx.logger.warn(
        `Cost panel: ignored an invalid message (type "${type}"): ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
      return;
    }
    this.enqueue(() => this.handle(parsed.data));
  }

  private enqueue(job: () => Promise<void>): void {
    this.work = this.work.then(job).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.logger.error(`Cost panel: ${message}`);
      this.post({
        type: 'error',
        message: `Tiered could not update the cost panel: ${message} (details in Tiered: Show Log).`,
      });
    });
  }

  private async handle(msg: PanelMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        if (msg.range) this.range = msg.range;
        return this.refresh(msg.requestId);
      case 'setRange':
        this.range = msg.range;
        return this.refresh(msg.requestId);
      case 'setCaps':
        return this.setCaps(msg.requestId, msg.caps);
      case 'raiseToday': {
        await this.ctx.raiseTodayCap(msg.amountUsd);
        const s = await this.ctx.spend();
        this.post({
          type: 'result',
          requestId: msg.requestId,
          ok: true,
          message: `Today's cap is now ${formatUsd(s.capUsd)} (today only, every window).`,
        });
        return this.refresh();
      }
      case 'exportCsv':
        return this.exportCsv(msg.requestId);
      case 'swapModel':
        return this.swapModel(msg.requestId, msg.modelId);
    }
  }

  /** The insights as the features know them now; a failing feature costs its sections, not the panel. */
  private insights(): InsightsView {
    try {
      return this.ctx.insights();
    } catch (err) {
      this.ctx.logger.warn(`Cost panel: insights unavailable (${String(err)})`);
      return EMPTY_INSIGHTS;
    }
  }

  /** "Swap model" next to a deprecation: opens tiered.models in the user settings, the one place to swap it. */
  private async swapModel(requestId: string, modelId: string): Promise<void> {
    const models = this.ctx.config().models;
    const model = Object.hasOwn(models, modelId) ? models[modelId] : undefined;
    if (!model) {
      this.post({
        type: 'result',
        requestId,
        ok: false,
        message: `Model "${modelId}" is no longer in tiered.models: nothing to swap.`,
      });
      return;
    }
    await openModelSettings();
    this.post({
      type: 'result',
      requestId,
      ok: true,
      message: `Opened tiered.models in your user settings: point "${modelId}" at another ${model.provider} model (its "model" field), or take it out of tiered.tiers.`,
    });
  }

  private get storeUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'spend-days.json');
  }

  private async loadStore(): Promise<DayStore> {
    const fingerprint = storeFingerprint(this.ctx.config(), this.book);
    let text: string | undefined;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.storeUri));
    } catch {
      text = undefined; // first use, or removed: rebuilt from the ledger
    }
    return parseStore(text, fingerprint);
  }

  private async saveStore(store: DayStore): Promise<void> {
    try {
      await vscode.workspace.fs.createDirectory(this.ctx.extension.globalStorageUri);
      await vscode.workspace.fs.writeFile(this.storeUri, new TextEncoder().encode(serializeStore(store)));
    } catch (err) {
      // Only a speed-up: the panel still works from the ledger.
      this.ctx.logger.warn(`Cost panel: could not save day summaries to ${this.storeUri.fsPath}: ${String(err)}`);
    }
  }

  /** Loads the days of the range not cached yet (summaries first, then the ledger), then sends the view. */
  private async refresh(requestId?: string): Promise<void> {
    const status = await this.ctx.spend();
    const days = resolveRange(this.range, status.day);
    this.loading = true;
    try {
      this.store ??= await this.loadStore();
      const changed = await loadRange(this.cache, days, status.day, {
        read: (from, to) => this.ctx.readLedger(from, to),
        store: this.store,
      });
      if (changed) await this.saveStore(this.store);
    } finally {
      this.loading = false;
    }
    // Appends that arrived during the read: the cache drops the ones the read already saw.
    const queued = this.queued;
    this.queued = [];
    this.cache.append(queued);
    this.cache.retain(widest(days, status.day));
    this.send(days, requestId, status.day, status.spentUsd, status.capUsd);
  }

  private send(days: DayRange, requestId: string | undefined, today: string, spentUsd: number, capUsd: number): void {
    const config = this.ctx.config();
    const data = buildPanelData({
      config,
      cache: this.cache,
      range: this.range,
      days,
      today: { day: today, spentUsd, capUsd },
      prices: priceViews(config, this.book),
      insights: this.insights(),
    });
    this.post(requestId ? { type: 'data', requestId, data } : { type: 'data', data });
  }

  private onAppend(records: LedgerRecord[]): void {
    if (this.loading) {
      this.queued.push(...records);
      return;
    }
    if (this.cache.append(records) === 0) return;
    clearTimeout(this.repaintTimer);
    this.repaintTimer = setTimeout(() => this.enqueue(() => this.refresh()), LIVE_REPAINT_MS);
  }

  private async setCaps(requestId: string, caps: CapsInput): Promise<void> {
    const config = this.ctx.config();
    const unknown = Object.keys(caps.perCommandUsd).filter((c) => !(c in config.commands));
    if (unknown.length) {
      this.post({
        type: 'result',
        requestId,
        ok: false,
        message: `Unknown command(s) ${unknown.join(', ')}: per-command caps can only be set for commands in tiered.commands.`,
      });
      return;
    }
    const section = vscode.workspace.getConfiguration('tiered');
    const current = section.inspect<Record<string, unknown>>('budget')?.globalValue ?? {};
    // Keep the user's other budget settings (confirmAboveUsd); caps go to USER settings only.
    // Caps the editor does not show (e.g. "shadow") are kept as they are.
    const before = current.perCommandUsd;
    const hidden =
      before && typeof before === 'object'
        ? Object.fromEntries(Object.entries(before).filter(([command]) => !(command in config.commands)))
        : {};
    const next = {
      ...current,
      dailyCapUsd: caps.dailyCapUsd,
      perCommandUsd: { ...hidden, ...caps.perCommandUsd },
      softThreshold: caps.softThreshold,
    };
    try {
      await section.update('budget', next, vscode.ConfigurationTarget.Global);
    } catch (err) {
      this.post({
        type: 'result',
        requestId,
        ok: false,
        message: `Could not write tiered.budget to your user settings: ${err instanceof Error ? err.message : String(err)}`,
      });
      return;
    }
    this.ctx.logger.info(
      `Caps saved to user settings: daily ${formatUsd(caps.dailyCapUsd)}, soft ${Math.round(caps.softThreshold * 100)}%, per command ${JSON.stringify(caps.perCommandUsd)}.`,
    );
    this.post({
      type: 'result',
      requestId,
      ok: true,
      message: `Caps saved to your user settings: ${formatUsd(caps.dailyCapUsd)} a day, soft threshold ${Math.round(caps.softThreshold * 100)}%.`,
    });
  }

  private async exportCsv(requestId: string): Promise<void> {
    const status = await this.ctx.spend();
    const days = resolveRange(this.range, status.day);
    const name = days.from === days.to ? `tiered-spend-${days.from}.csv` : `tiered-spend-${days.from}_${days.to}.csv`;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? this.ctx.extension.globalStorageUri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Tiered spend as CSV',
      defaultUri: vscode.Uri.joinPath(base, name),
      filters: { CSV: ['csv'] },
      saveLabel: 'Export',
    });
    if (!target) {
      this.post({ type: 'result', requestId, ok: true, message: 'Export cancelled.' });
      return;
    }
    const records = await this.ctx.readLedger(days.from, days.to);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(toCsv(records)));
    this.post({
      type: 'result',
      requestId,
      ok: true,
      message: `Exported ${records.length.toLocaleString('en-US')} call(s) to ${target.fsPath}.`,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.repaintTimer);
    if (CostPanel.current === this) CostPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** Days worth keeping cached: the range shown and the last 30 days (the common switches). */
function widest(days: DayRange, today: string): DayRange {
  const last30 = resolveRange({ kind: '30d' }, today);
  return { from: days.from < last30.from ? days.from : last30.from, to: days.to > today ? days.to : today };
}
