// Cached review results as small JSON files under the extension's global storage (one per key),
// so a re-run of an unchanged review is free in every window and survives a restart.
import * as vscode from 'vscode';
import type { CacheStore } from '../../core/review/cache';

export class FileCacheStore implements CacheStore {
  constructor(private readonly dir: vscode.Uri) {}

  private file(key: string): vscode.Uri {
    if (!/^[0-9a-f]{16,128}$/.test(key)) throw new Error(`invalid review cache key ${key}`);
    return vscode.Uri.joinPath(this.dir, `${key}.json`);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file(key)));
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.dir);
    await vscode.workspace.fs.writeFile(this.file(key), new TextEncoder().encode(value));
  }

  async delete(key: string): Promise<void> {
    await vscode.workspace.fs.delete(this.file(key)).then(undefined, () => undefined);
  }
}
