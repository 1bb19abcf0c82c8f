// API keys live in SecretStorage only, under one typed key per provider id.
import * as vscode from 'vscode';
import type { TieredConfig } from '../core/config';
import { isLoopbackUrl } from '../core/net';

export const secretKey = (providerId: string): string => `tiered.apiKey.${providerId}`;

export class Keys {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly onKnownSecret: (secret: string) => void,
  ) {}

  async get(providerId: string): Promise<string | undefined> {
    const value = await this.storage.get(secretKey(providerId));
    if (value) this.onKnownSecret(value);
    return value || undefined;
  }

  /** Loads every provider's key once so the logger can redact them verbatim. */
  async primeRedaction(config: TieredConfig): Promise<void> {
    await Promise.all(config.providers.map((p) => this.get(p.id)));
  }

  async set(providerId: string, value: string): Promise<void> {
    await this.storage.store(secretKey(providerId), value);
    this.onKnownSecret(value);
  }

  async clear(providerId: string): Promise<void> {
    await this.storage.delete(secretKey(providerId));
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.storage.onDidChange((e) => {
      if (e.key.startsWith('tiered.apiKey.')) listener();
    });
  }
}

async function pickProvider(config: TieredConfig, keys: Keys, placeHolder: string): Promise<string | undefined> {
  const items = await Promise.all(
    config.providers.map(async (p) => ({
      label: p.id,
      description: `${p.kind} · ${p.baseUrl}`,
      detail: (await keys.get(p.id)) ? 'key set' : isLoopbackUrl(p.baseUrl) ? 'local server: no key needed' : 'no key',
    })),
  );
  const pick = await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
  return pick?.label;
}

export function registerKeyCommands(context: vscode.ExtensionContext, keys: Keys, config: () => TieredConfig): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tiered.setApiKey', async (providerArg?: string) => {
      const providerId = providerArg ?? (await pickProvider(config(), keys, 'Set the API key of which provider?'));
      if (!providerId) return;
      const value = await vscode.window.showInputBox({
        title: `Tiered: API key for "${providerId}"`,
        prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings or logs.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) =>
          v.trim().length < 8
            ? 'That is too short to be an API key.'
            : /\s/.test(v.trim())
              ? 'An API key has no spaces.'
              : undefined,
      });
      if (!value) return;
      await keys.set(providerId, value.trim());
      // The natural next step: see that the models of the tiers answer with this key.
      const check = 'Check Setup';
      void vscode.window
        .showInformationMessage(`Tiered: API key for "${providerId}" saved. Check setup now?`, check)
        .then((choice) => {
          if (choice === check) void vscode.commands.executeCommand('tiered.checkSetup');
        });
    }),
    vscode.commands.registerCommand('tiered.clearApiKey', async (providerArg?: string) => {
      const providerId = providerArg ?? (await pickProvider(config(), keys, 'Clear the API key of which provider?'));
      if (!providerId) return;
      await keys.clear(providerId);
      void vscode.window.showInformationMessage(`Tiered: API key for "${providerId}" removed.`);
    }),
  );
}
