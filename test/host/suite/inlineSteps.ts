// Steps the in-host inline specs share (imported by the specs; not a spec itself).
import * as vscode from 'vscode';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asks for ghost text at the cursor (Alt+\) and accepts it as Tab would, until the document
 * changes or `waitMs` passes. Returns whether anything was accepted.
 */
export async function askAndAccept(editor: vscode.TextEditor, waitMs: number): Promise<boolean> {
  const before = editor.document.getText();
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await sleep(400);
    await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    if (editor.document.getText() !== before) return true;
  }
  return false;
}
