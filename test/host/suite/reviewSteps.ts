// Steps the in-host review specs share (imported by the specs; not a spec itself).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sleep } from './inlineSteps';

/** Polls `probe` until it gives a value (not undefined or false), or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A file of the first workspace folder. */
export function fileUri(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, rel);
}
