// The one LogOutputChannel, behind the core Logger interface, with every line redacted.
import * as vscode from 'vscode';
import { redact } from '../core/redact';
import type { Logger } from '../core/types';

export class ChannelLogger implements Logger, vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Tiered', { log: true });
  /** Keys currently in SecretStorage, removed verbatim from every line. */
  private readonly secrets = new Set<string>();

  addSecret(secret: string): void {
    this.secrets.add(secret);
  }

  /** The text with every known key and key-shaped string removed (for notifications). */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  info(message: string): void {
    this.channel.info(redact(message, this.secrets));
  }
  warn(message: string): void {
    this.channel.warn(redact(message, this.secrets));
  }
  error(message: string): void {
    this.channel.error(redact(message, this.secrets));
  }
  debug(message: string): void {
    this.channel.debug(redact(message, this.secrets));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
