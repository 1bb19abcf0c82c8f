// Review findings as read-only comment threads in the editor (VS Code Comments API), drawn from the
// same entries as the Problems panel: a thread moves with its lines, goes when its finding goes
// (edited, fixed, dismissed, cleared, replaced by the next review of the file). Findings below the
// confidence threshold get no thread until the user asks for them.
import * as vscode from 'vscode';
import { CHANGED_NOTE, type FindingEntry, type ReviewDiagnostics } from './diagnostics';

export const COMMENT_CONTROLLER_ID = 'tiered-review';
export const SHOW_LOWER_COMMAND = 'tiered.showLowerConfidenceFindings';

/** Thread contextValues: package.json shows Apply Fix only where there is a fix (`commentThread =~ /fixable/`). */
const CONTEXT = { plain: 'tieredFinding', fixable: 'tieredFinding.fixable' } as const;

const SEVERITY_LABEL = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint' } as const;

/** What the in-host tests read of a thread. */
export interface ThreadView {
  id: number;
  uri: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  label: string;
  body: string;
  contextValue: string;
  canReply: boolean;
  expanded: boolean;
  lower: boolean;
}

interface Located {
  uri: string;
  entry: FindingEntry;
  thread: vscode.CommentThread;
}

export class ReviewComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController(COMMENT_CONTROLLER_ID, 'Tiered Review');
  private readonly threads = new Map<number, { thread: vscode.CommentThread; uri: string; entry: FindingEntry }>();
  private readonly lowerItem = vscode.window.createStatusBarItem(
    'tiered.review.lowerConfidence',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private showLower = false;
  private readonly listener: vscode.Disposable;

  constructor(private readonly diagnostics: ReviewDiagnostics) {
    this.lowerItem.name = 'Tiered: lower-confidence review findings';
    this.lowerItem.command = SHOW_LOWER_COMMAND;
    this.listener = diagnostics.onDidChange(() => this.sync());
  }

  /** A new review starts with its lower-confidence findings hidden again. */
  hideLower(): void {
    this.showLower = false;
  }

  /** Shows threads for the lower-confidence findings too; returns how many there are. */
  revealLower(): number {
    const n = this.hiddenLower();
    this.showLower = true;
    this.sync();
    return n;
  }

  /** Lower-confidence findings that have no thread (yet). */
  hiddenLower(): number {
    if (this.showLower) return 0;
    let n = 0;
    for (const list of this.diagnostics.all().values()) n += list.filter((e) => e.lower).length;
    return n;
  }

  /** The finding a command is about: a thread (menus pass it), `{ id }` (tests), or the one under the cursor. */
  resolve(arg: unknown): { uri: string; entry: FindingEntry } | undefined {
    for (const t of this.threads.values()) if (t.thread === arg) return this.diagnostics.byId(t.entry.id);
    const id = (arg as { id?: unknown } | undefined)?.id;
    if (typeof id === 'number') return this.diagnostics.byId(id);
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const uri = editor.document.uri.toString();
    const line = editor.selection.active.line;
    const entry = this.diagnostics
      .all()
      .get(uri)
      ?.find((e) => e.startLine <= line && line <= e.endLine);
    return entry && { uri, entry };
  }

  /** Moves to the next (+1) or previous (-1) finding with a thread, wrapping around; reveals and expands it. */
  async go(direction: 1 | -1): Promise<boolean> {
    const list = this.ordered();
    if (list.length === 0) return false;
    const editor = vscode.window.activeTextEditor;
    const here = editor ? { uri: editor.document.uri.toString(), line: editor.selection.active.line } : undefined;
    const cmp = (x: Located) => (here ? compare(x.uri, x.entry.startLine, here.uri, here.line) : direction);
    const target =
      direction === 1
        ? (list.find((x) => cmp(x) > 0) ?? list[0]!)
        : ([...list].reverse().find((x) => cmp(x) < 0) ?? list[list.length - 1]!);
    const at = new vscode.Range(target.entry.startLine, 0, target.entry.startLine, 0);
    const shown = await vscode.window.showTextDocument(vscode.Uri.parse(target.uri), { selection: at });
    shown.revealRange(at, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    target.thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    return true;
  }

  views(): ThreadView[] {
    return this.ordered().map(({ uri, entry, thread }) => ({
      id: entry.id,
      uri,
      startLine: thread.range?.start.line ?? -1,
      endLine: thread.range?.end.line ?? -1,
      label: thread.label ?? '',
      body: thread.comments.map((c) => (typeof c.body === 'string' ? c.body : c.body.value)).join('\n'),
      contextValue: thread.contextValue ?? '',
      canReply: thread.canReply === true,
      expanded: thread.collapsibleState === vscode.CommentThreadCollapsibleState.Expanded,
      lower: entry.lower,
    }));
  }

  private ordered(): Located[] {
    return [...this.threads.values()]
      .map(({ uri, entry, thread }) => ({ uri, entry, thread }))
      .sort((a, b) => compare(a.uri, a.entry.startLine, b.uri, b.entry.startLine));
  }

  /** Makes the threads match the entries: new ones created, moved ones moved, gone ones disposed. */
  private sync(): void {
    const wanted = new Map<number, { uri: string; entry: FindingEntry }>();
    for (const [uri, list] of this.diagnostics.all()) {
      for (const entry of list) if (!entry.lower || this.showLower) wanted.set(entry.id, { uri, entry });
    }
    for (const [id, t] of this.threads) {
      if (wanted.has(id)) continue;
      t.thread.dispose();
      this.threads.delete(id);
    }
    for (const [id, { uri, entry }] of wanted) {
      const range = threadRange(entry);
      const existing = this.threads.get(id);
      if (existing) {
        if (!existing.thread.range?.isEqual(range)) existing.thread.range = range;
        existing.entry = entry;
        continue;
      }
      const thread = this.controller.createCommentThread(vscode.Uri.parse(uri), range, [commentFor(entry)]);
      thread.canReply = false;
      thread.label = threadLabel(entry);
      thread.contextValue = entry.finding.replacement === undefined || entry.changed ? CONTEXT.plain : CONTEXT.fixable;
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      this.threads.set(id, { thread, uri, entry });
    }
    const hidden = this.hiddenLower();
    if (hidden > 0) {
      this.lowerItem.text = `$(eye) Show ${hidden} lower-confidence finding${hidden === 1 ? '' : 's'}`;
      this.lowerItem.tooltip = `Deep review: ${hidden} finding(s) below tiered.review.minConfidence have no comment in the editor (they are in the Problems panel). Click to show them.`;
      this.lowerItem.show();
    } else this.lowerItem.hide();
  }

  dispose(): void {
    this.listener.dispose();
    for (const t of this.threads.values()) t.thread.dispose();
    this.threads.clear();
    this.lowerItem.dispose();
    this.controller.dispose();
  }
}

function compare(uriA: string, lineA: number, uriB: string, lineB: number): number {
  return uriA === uriB ? lineA - lineB : uriA < uriB ? -1 : 1;
}

function threadRange(e: FindingEntry): vscode.Range {
  const lines = e.snapshot.split('\n');
  return new vscode.Range(e.startLine, 0, e.endLine, lines[lines.length - 1]!.length);
}

function threadLabel(e: FindingEntry): string {
  const f = e.finding;
  const confidence = f.confidence ? ` · ${f.confidence} confidence` : '';
  return `${SEVERITY_LABEL[f.severity]} · ${f.category}${confidence}`;
}

/** The longest run of backticks in `text` plus one, so a code block cannot be closed from inside. */
function fence(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** The finding as one Markdown comment: title, explanation, the fix as a diff, confidence. */
export function commentMarkdown(e: FindingEntry): string {
  const f = e.finding;
  const lines = e.startLine === e.endLine ? `line ${e.startLine + 1}` : `lines ${e.startLine + 1}-${e.endLine + 1}`;
  const parts = [`**${escapeMarkdown(f.title)}**`, '', f.explanation];
  if (e.changed) parts.push('', `*${CHANGED_NOTE}*`);
  if (f.replacement !== undefined && e.changed) {
    const fc = fence(f.replacement);
    parts.push(
      '',
      'The fix suggested for the committed code (not applicable here):',
      '',
      fc,
      f.replacement.replace(/\n$/, ''),
      fc,
    );
  } else if (f.replacement !== undefined) {
    const diff = [
      ...e.reviewed.split('\n').map((l) => `-${l}`),
      ...f.replacement
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => `+${l}`),
    ].join('\n');
    const fc = fence(diff);
    parts.push('', `Suggested fix for ${lines} (**Apply Fix** above):`, '', `${fc}diff`, diff, fc);
  }
  const confidence = f.confidence ? `${f.confidence} confidence` : 'confidence not given';
  parts.push('', `*${confidence} · ${f.category} · ${lines}*`);
  return parts.join('\n');
}

function commentFor(e: FindingEntry): vscode.Comment {
  // Not trusted and no command links: the text comes from a model.
  const body = new vscode.MarkdownString(commentMarkdown(e));
  return {
    body,
    mode: vscode.CommentMode.Preview,
    author: { name: 'Tiered review' },
    contextValue: CONTEXT.plain,
  };
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|~-]/g, (c) => `\\${c}`);
}
