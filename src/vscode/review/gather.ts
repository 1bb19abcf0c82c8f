// Turns what the user pointed at (a selection, a file, the uncommitted changes) into a ReviewInput
// (a branch's changes: branch.ts).
// Excluded files (`tiered.exclude`) are never read into a prompt: they are only named in the report.
import * as vscode from 'vscode';
import { parseUnifiedDiff, type DiffHunk, type ReviewFile, type ReviewInput } from '../../core/review/input';
import { GitStatus, getGitApi, pickRepository, type GitChange } from './git';

/** Untracked files larger than this are not read (generated or binary data, not code to review). */
const MAX_UNTRACKED_BYTES = 512 * 1024;

export class NothingToReview extends Error {}

export function relPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : uri.path || uri.toString();
}

function excludedMessage(path: string): string {
  return `${path} matches \`tiered.exclude\`, so it is never sent to a model. Change the setting if this file may be reviewed.`;
}

export function selectionInput(editor: vscode.TextEditor, isExcluded: (uri: vscode.Uri) => boolean): ReviewInput {
  const doc = editor.document;
  const path = relPath(doc.uri);
  if (isExcluded(doc.uri)) throw new NothingToReview(excludedMessage(path));
  const sel = editor.selection;
  if (sel.isEmpty) throw new NothingToReview('Select the code to review first, or run "Deep Review: File".');
  // Whole lines: line numbers then mean the same thing to the model and to the quick fix.
  const first = sel.start.line;
  const last = sel.end.character === 0 && sel.end.line > first ? sel.end.line - 1 : sel.end.line;
  const range = new vscode.Range(first, 0, last, doc.lineAt(last).text.length);
  const text = doc.getText(range).replace(/\r\n/g, '\n');
  const file: ReviewFile = { path, uri: doc.uri.toString(), languageId: doc.languageId, text, firstLine: first + 1 };
  return { kind: 'selection', title: `${path}:${first + 1}-${last + 1}`, files: [file], excluded: [] };
}

export function fileInput(doc: vscode.TextDocument, isExcluded: (uri: vscode.Uri) => boolean): ReviewInput {
  const path = relPath(doc.uri);
  if (isExcluded(doc.uri)) throw new NothingToReview(excludedMessage(path));
  if (doc.getText().trim() === '') throw new NothingToReview(`${path} is empty: nothing to review.`);
  const file: ReviewFile = {
    path,
    uri: doc.uri.toString(),
    languageId: doc.languageId,
    text: doc.getText().replace(/\r\n/g, '\n'),
    firstLine: 1,
  };
  return { kind: 'file', title: path, files: [file], excluded: [] };
}

/** Staged and unstaged changes against HEAD (new side = the working tree), plus untracked files. */
export async function changesInput(
  arg: unknown,
  isExcluded: (uri: vscode.Uri) => boolean,
  activeUri: vscode.Uri | undefined,
): Promise<ReviewInput> {
  const api = await getGitApi();
  const repo = pickRepository(api, arg, activeUri);
  if (!repo)
    throw new NothingToReview(
      'No Git repository is open in this window: open a folder under Git to review its changes.',
    );
  await repo.status().catch(() => undefined);
  const changes = new Map<string, GitChange>();
  for (const c of [
    ...repo.state.indexChanges,
    ...repo.state.workingTreeChanges,
    ...(repo.state.untrackedChanges ?? []),
  ]) {
    if (c.status === GitStatus.IGNORED) continue;
    const prev = changes.get(c.uri.toString());
    // An untracked entry loses to a tracked one for the same path (a staged new file).
    if (!prev || prev.status === GitStatus.UNTRACKED) changes.set(c.uri.toString(), c);
  }
  const files: ReviewFile[] = [];
  const excluded: string[] = [];
  const skipped: string[] = [];
  for (const change of changes.values()) {
    const uri = change.renameUri ?? change.uri;
    const path = relPath(uri);
    if (isExcluded(uri) || isExcluded(change.originalUri)) {
      excluded.push(path);
      continue;
    }
    if (change.status === GitStatus.DELETED || change.status === GitStatus.INDEX_DELETED) {
      skipped.push(`${path} (deleted)`);
      continue;
    }
    const untracked = change.status === GitStatus.UNTRACKED || change.status === GitStatus.INTENT_TO_ADD;
    const hunks = untracked ? await wholeFileHunk(uri) : await headDiff(repo.diffWithHEAD.bind(repo), uri.fsPath);
    if (!hunks) {
      skipped.push(`${path} (binary or too large)`);
      continue;
    }
    if (hunks.length === 0) continue;
    const languageId = languageOf(uri);
    const added = untracked || change.status === GitStatus.INDEX_ADDED;
    files.push({
      path,
      uri: uri.toString(),
      ...(languageId ? { languageId } : {}),
      text: '',
      firstLine: 1,
      hunks,
      added,
    });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  if (files.length === 0) {
    const why = excluded.length
      ? ` (${excluded.length} changed file(s) match \`tiered.exclude\` and are never sent)`
      : '';
    throw new NothingToReview(
      `No uncommitted changes to review in ${relPath(repo.rootUri) || repo.rootUri.fsPath}${why}.`,
    );
  }
  const title = `${files.length} changed file${files.length === 1 ? '' : 's'}`;
  return { kind: 'changes', title, files, excluded, ...(skipped.length ? { skipped } : {}) };
}

async function headDiff(
  diffWithHEAD: (path: string) => Promise<string>,
  fsPath: string,
): Promise<DiffHunk[] | undefined> {
  const diff = await diffWithHEAD(fsPath);
  const parsed = parseUnifiedDiff(diff);
  if (parsed.some((f) => f.binary)) return undefined;
  return parsed.flatMap((f) => f.hunks);
}

async function wholeFileHunk(uri: vscode.Uri): Promise<DiffHunk[] | undefined> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory || stat.size > MAX_UNTRACKED_BYTES) return undefined;
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes.includes(0)) return undefined;
  const text = new TextDecoder().decode(bytes).replace(/\r\n/g, '\n').replace(/\n$/, '');
  if (text === '') return [];
  const lines = text.split('\n');
  return [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: lines.length, lines: lines.map((l) => `+${l}`) }];
}

export function languageOf(uri: vscode.Uri): string | undefined {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return open?.languageId;
}
