// Open editors of the cursor's language, most recently active first. GitHub Copilot takes up to 20
// open files of the same language as snippet candidates (neighbouring tabs,
// https://github.blog/2023-05-17-how-github-copilot-is-getting-better-at-understanding-your-code/);
// the core ranks them by similarity to the code at the cursor and cuts them to the token budget.
import * as vscode from 'vscode';
import type { OpenFile } from '../../../core/completion/context/types';
import { sameContextLanguage } from '../../../core/completion/context/languages';

const MAX_FILES = 20;
/** Lines read of each file (the core picks snippets from them; a huge file adds nothing more). */
const MAX_LINES = 2000;
const MAX_CHARS = 200_000;

export interface OpenFileDeps {
  allowed(uri: vscode.Uri): boolean;
  pathOf(uri: vscode.Uri): string;
}

/** Remembers when each document was last the active editor (ms), and its text per version. */
export class RecentlyActive implements vscode.Disposable {
  private readonly at = new Map<string, number>();
  private readonly texts = new Map<string, { version: number; text: string }>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly now: () => number = Date.now) {
    this.note(vscode.window.activeTextEditor);
    this.sub = vscode.window.onDidChangeActiveTextEditor((e) => this.note(e));
  }

  private note(editor: vscode.TextEditor | undefined): void {
    if (!editor) return;
    const key = editor.document.uri.toString();
    this.at.delete(key);
    this.at.set(key, this.now());
    if (this.at.size > 500) this.at.delete(this.at.keys().next().value!);
  }

  /** A document's capped text, read once per version (every request asks for every open file). */
  textOf(doc: vscode.TextDocument): string {
    const key = doc.uri.toString();
    const hit = this.texts.get(key);
    if (hit?.version === doc.version) return hit.text;
    const end = Math.min(doc.lineCount, MAX_LINES);
    const text = doc.getText(new vscode.Range(0, 0, end, 0)).slice(0, MAX_CHARS);
    this.texts.set(key, { version: doc.version, text });
    return text;
  }

  lastActive(key: string): number | undefined {
    return this.at.get(key);
  }

  forget(key: string): void {
    this.at.delete(key);
    this.texts.delete(key);
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** Documents open in a tab or a visible editor (not those VS Code only loaded in the background). */
function openUris(): Set<string> {
  const keys = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputText) keys.add(tab.input.uri.toString());
    }
  }
  return keys;
}

export function openFilesFor(current: vscode.TextDocument, recent: RecentlyActive, deps: OpenFileDeps): OpenFile[] {
  const open = openUris();
  const self = current.uri.toString();
  const files = vscode.workspace.textDocuments.filter((d) => {
    const key = d.uri.toString();
    return (
      key !== self && open.has(key) && sameContextLanguage(current.languageId, d.languageId) && deps.allowed(d.uri)
    );
  });
  const rank = (d: vscode.TextDocument): number => recent.lastActive(d.uri.toString()) ?? 0;
  return files
    .sort((a, b) => rank(b) - rank(a))
    .slice(0, MAX_FILES)
    .map((d) => {
      const text = recent.textOf(d);
      const lastActiveAt = recent.lastActive(d.uri.toString());
      return { path: deps.pathOf(d.uri), languageId: d.languageId, text, ...(lastActiveAt ? { lastActiveAt } : {}) };
    });
}
