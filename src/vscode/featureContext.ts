// What the composition root hands to each feature (inline, tone, review, panel). Features get
// services, not the whole app, so each can be tested with a small fake.
import type * as vscode from 'vscode';
import type { CallRunner } from '../core/calls';
import type { TieredConfig } from '../core/config';
import type { Deprecation } from '../core/deprecation';
import type { KeyInfoResult } from '../core/litellm';
import type { ShadowAgreement } from '../core/shadow';
import type { CommandId, LedgerRecord, Logger, ModelRequest } from '../core/types';

export interface SpendStatus {
  day: string;
  spentUsd: number;
  reservedUsd: number;
  capUsd: number;
  commandSpentUsd?: number;
  commandCapUsd?: number;
  remainingUsd: number;
  softReached: boolean;
  capReached: boolean;
}

/** What the optimizer, deprecation, shadow and LiteLLM features know, for the cost panel. */
export interface Insights {
  deprecations: Deprecation[];
  shadow: ShadowAgreement;
  litellm: KeyInfoResult[];
  /** The latency-aware lite tier's state in one line (empty when nothing happened). */
  latency: string;
}

export interface StatusBarControl {
  /** Shows a spinner with a label while a (pro) call runs; returns a disposer. */
  busy(label: string): vscode.Disposable;
  /** A short note next to the spend (e.g. "inline paused 10 min"); undefined clears it. */
  setNote(key: string, text: string | undefined, tooltip?: string): void;
  /** Re-reads the ledger tail and repaints. */
  refresh(): void;
}

export interface FeatureContext {
  readonly extension: vscode.ExtensionContext;
  readonly runner: CallRunner;
  /** The last valid configuration (invalid settings never replace it). */
  config(): TieredConfig;
  readonly onDidChangeConfig: vscode.Event<TieredConfig>;
  readonly logger: Logger;
  readonly statusBar: StatusBarControl;
  /** Today's spend and caps, for a command when given. */
  spend(command?: CommandId): Promise<SpendStatus>;
  /** Raises today's cap (today only, all windows). */
  raiseTodayCap(extraUsd: number): Promise<void>;
  /** True for VS Code's own configuration files and files matching `tiered.exclude`: nothing from them may be sent. */
  isExcluded(uri: vscode.Uri): boolean;
  /** Provider-side input token count for the command's primary model, when the API has one. */
  countTokens(
    command: CommandId,
    body: Omit<ModelRequest, 'model' | 'signal' | 'timeoutMs'>,
  ): Promise<number | undefined>;
  /** Ledger records of local days [fromDay, toDay] (YYYY-MM-DD), torn lines skipped. */
  readLedger(fromDay: string, toDay: string): Promise<LedgerRecord[]>;
  /** Fires after any window on this machine appends to today's ledger. */
  readonly onDidAppendLedger: vscode.Event<LedgerRecord[]>;
  /** Deprecations, shadow agreement, LiteLLM budgets, latency state (empty until those features start). */
  insights(): Insights;
  /** Fires when a LiteLLM budget refreshes (the rest changes with the ledger or settings). */
  readonly onDidChangeInsights: vscode.Event<void>;
  /** Opens the cost panel (no-op until it is registered). */
  openCostPanel(): void;
}
