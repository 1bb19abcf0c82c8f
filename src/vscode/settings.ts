// Reads the `tiered` section, validates it in core, and keeps the last valid configuration in
// force when the user saves an invalid one.
import * as vscode from 'vscode';
import {
  DEFAULT_COMMANDS,
  DEFAULT_MODELS,
  DEFAULT_PROVIDERS,
  tiersInOrder,
  parseConfig,
  type TieredConfig,
} from '../core/config';
import type { Logger } from '../core/types';

/**
 * Settings that decide where code and keys go, or how much may be spent. Only the user's own
 * (global) value counts: a repository's .vscode/settings.json must never redirect a key or raise
 * a cap, whatever the workspace trust state.
 */
export const USER_ONLY_KEYS = [
  'providers',
  'models',
  'tiers',
  'commands',
  'budget',
  'escalation',
  'exclude',
  'reasoning',
] as const;

function userValue(section: vscode.WorkspaceConfiguration, key: string): unknown {
  const inspected = section.inspect(key);
  return inspected?.globalValue;
}

/** Reads raw values: user-only keys from the global scope, defaults merged by id so a user
 * can add a model or override one without restating the whole table. */
export function readRawSettings(): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration('tiered');
  const providers = userValue(section, 'providers');
  const mergedProviders = Array.isArray(providers)
    ? [...DEFAULT_PROVIDERS.filter((d) => !providers.some((p: { id?: unknown }) => p?.id === d.id)), ...providers]
    : undefined;
  const objectWithDefaults = (key: string, defaults: object) => {
    const value = userValue(section, key);
    return value && typeof value === 'object' && !Array.isArray(value) ? { ...defaults, ...value } : value;
  };
  const escalationEnabled = userValue(section, 'escalation.enabled');
  return {
    providers: mergedProviders ?? providers,
    models: objectWithDefaults('models', DEFAULT_MODELS),
    tiers: tiersInOrder(userValue(section, 'tiers')),
    commands: objectWithDefaults('commands', DEFAULT_COMMANDS),
    budget: userValue(section, 'budget'),
    escalation: escalationEnabled === undefined ? undefined : { enabled: escalationEnabled },
    exclude: userValue(section, 'exclude'),
    reasoning: userValue(section, 'reasoning'),
    inline: section.get('inline'),
    tone: section.get('tone'),
    review: section.get('review'),
  };
}

export class Settings implements vscode.Disposable {
  private current: TieredConfig;
  private lastProblem: string | undefined;
  private readonly emitter = new vscode.EventEmitter<TieredConfig>();
  readonly onDidChange = this.emitter.event;
  private readonly problemEmitter = new vscode.EventEmitter<string | undefined>();
  /** Fires with the validation problem in force (undefined once the settings are valid again). */
  readonly onDidChangeProblem = this.problemEmitter.event;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly logger: Logger,
    fallback: TieredConfig,
  ) {
    this.current = fallback;
    this.reload();
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tiered')) this.reload();
    });
  }

  get(): TieredConfig {
    return this.current;
  }

  /** The validation problem in force, if the user's settings are invalid. */
  get problem(): string | undefined {
    return this.lastProblem;
  }

  private reload(): void {
    const result = parseConfig(readRawSettings());
    if (result.ok) {
      this.current = result.config;
      if (this.lastProblem) {
        this.logger.info('Settings are valid again.');
        this.lastProblem = undefined;
        this.problemEmitter.fire(undefined);
      }
      this.emitter.fire(result.config);
      return;
    }
    if (result.message === this.lastProblem) return; // one message per problem, not per change event
    this.lastProblem = result.message;
    this.problemEmitter.fire(result.message);
    this.logger.error(`Invalid settings: ${result.message} The last valid configuration stays in force.`);
    void vscode.window
      .showErrorMessage(`Tiered: ${result.message} The last valid configuration stays in force.`, 'Open Settings')
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettingsJson');
      });
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
    this.problemEmitter.dispose();
  }
}
