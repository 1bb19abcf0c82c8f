// A branch review reads the committed files (HEAD); the editor shows the working tree, which may
// have uncommitted edits on top, saved or not. This moves each finding from its HEAD lines to the
// lines the editor shows, or says its lines changed: from one `git diff -U0 HEAD` over the reviewed
// files on disk, and for a file open with unsaved edits from its HEAD text diffed with the buffer.
import * as vscode from 'vscode';
import { documentLineMap } from '../../core/review/documentLineMap';
import type { ReviewInput } from '../../core/review/input';
import { lineMapFor, workingTreeLineMaps, type LineMap, type MappedRange } from '../../core/review/lineMap';
import type { ReportedFinding } from '../../core/review/report';
import type { Logger } from '../../core/types';
import { getGitApi, runGit, tryGit, type GitApi, type GitRepository } from './git';

/** A finding's working-tree lines (1-based, inclusive); undefined: leave it where it is. */
export type Placer = (finding: ReportedFinding) => MappedRange | undefined;

/** The repository-relative path ("/" separators) of `uri` under `root`, or undefined outside it. */
export function repoPath(root: vscode.Uri, uri: vscode.Uri): string | undefined {
  const base = root.path.endsWith('/') ? root.path : `${root.path}/`;
  return uri.scheme === root.scheme && uri.path.startsWith(base) ? uri.path.slice(base.length) : undefined;
}

/**
 * Where the branch review's findings go in the working tree. Undefined when git cannot say (no
 * repository, no HEAD, git failed): the findings then stay at their committed lines, logged.
 */
export async function workingTreePlacement(input: ReviewInput, logger: Logger): Promise<Placer | undefined> {
  const first = input.files[0];
  if (!first) return undefined;
  try {
    const api = await getGitApi();
    const repo = api.getRepository(vscode.Uri.parse(first.uri));
    if (!repo) throw new Error(`no Git repository holds ${first.path}`);
    const paths = new Map<string, string>();
    for (const f of input.files) {
      const p = repoPath(repo.rootUri, vscode.Uri.parse(f.uri));
      if (p !== undefined) paths.set(f.uri, p);
    }
    // `git diff` reads the files on disk: a document with unsaved edits is mapped from its own text.
    const maps = new Map<string, LineMap>();
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty);
    for (const [uri, p] of paths) {
      const key = vscode.Uri.parse(uri).toString();
      const doc = dirty.find((d) => d.uri.toString() === key);
      if (doc) maps.set(p, documentLineMap(await headText(api, repo, p), doc.getText()));
    }
    const onDisk = [...new Set(paths.values())].filter((p) => !maps.has(p));
    if (onDisk.length > 0) for (const [p, m] of workingTreeLineMaps(await diffHead(api, repo, onDisk))) maps.set(p, m);
    return (f) => {
      const p = f.uri === undefined ? undefined : paths.get(f.uri);
      if (p === undefined) return undefined;
      return lineMapFor(maps, p).range(f.startLine, Math.max(f.startLine, f.endLine));
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    logger.warn(`review: branch findings stay at their committed line numbers (uncommitted edits unknown: ${why})`);
    return undefined;
  }
}

/** `git diff -U0 HEAD` over `paths` (repository-relative), as unified diff text. */
function diffHead(api: GitApi, repo: GitRepository, paths: readonly string[]): Promise<string> {
  // One process for every file. Fixed prefixes (a user's diff.noprefix or diff.mnemonicPrefix
  // would change them), no renames (each file keeps its HEAD path), literal paths (no globbing).
  return runGit(api, repo, [
    '--literal-pathspecs',
    'diff',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    '-U0',
    'HEAD',
    '--',
    ...paths,
  ]);
}

/**
 * The committed text of `path` (repository-relative), or undefined when HEAD has no such file (new
 * since HEAD: its findings then stay, marked changed). `cat-file blob` prints the blob as stored,
 * without textconv or filters (https://git-scm.com/docs/git-cat-file); its LF endings against a
 * CRLF buffer are fine, lines are compared without their endings.
 */
async function headText(api: GitApi, repo: GitRepository, path: string): Promise<string | undefined> {
  if ((await tryGit(api, repo, ['cat-file', '-e', `HEAD:${path}`])) === undefined) return undefined;
  return runGit(api, repo, ['cat-file', 'blob', `HEAD:${path}`]);
}
