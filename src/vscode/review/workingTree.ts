// A branch review reads the committed files (HEAD); the editor shows the working tree, which may
// have uncommitted edits on top. This moves each finding from its HEAD lines to its working-tree
// lines, from one `git diff -U0 HEAD` over the reviewed files, or says its lines changed.
import * as vscode from 'vscode';
import type { ReviewInput } from '../../core/review/input';
import { lineMapFor, workingTreeLineMaps, type MappedRange } from '../../core/review/lineMap';
import type { ReportedFinding } from '../../core/review/report';
import type { Logger } from '../../core/types';
import { getGitApi, runGit } from './git';

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
    // One process for every file. Fixed prefixes (a user's diff.noprefix or diff.mnemonicPrefix
    // would change them), no renames (each file keeps its HEAD path), literal paths (no globbing).
    const diff = await runGit(api, repo, [
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
      ...new Set(paths.values()),
    ]);
    const maps = workingTreeLineMaps(diff);
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
