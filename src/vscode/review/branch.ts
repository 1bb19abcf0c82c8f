// What "Deep Review: Branch Changes" compares: the current branch against a base (by default the
// upstream's default branch), from their merge-base, as a pull request on that base would show it.
import * as vscode from 'vscode';
import { parseUnifiedDiff, type ReviewFile, type ReviewInput } from '../../core/review/input';
import { NothingToReview, languageOf, relPath } from './gather';
import { getGitApi, pickRepository, runGit, tryGit, type GitApi, type GitRepository } from './git';

export interface BranchRange {
  /** The checked-out branch's short name. */
  branch: string;
  base: string;
  /** `git merge-base HEAD <base>`: where the branch left the base. */
  mergeBase: string;
  /** The branch's committed changes since the merge-base (`git diff <merge-base> HEAD`). */
  diff: string;
}

/** The checked-out branch, or a clear error for a detached HEAD or a repository without commits. */
export async function currentBranch(api: GitApi, repo: GitRepository): Promise<string> {
  const name = await tryGit(api, repo, ['symbolic-ref', '-q', '--short', 'HEAD']);
  const commit = await tryGit(api, repo, ['rev-parse', '-q', '--verify', '--short', 'HEAD^{commit}']);
  if (!commit) throw new NothingToReview(`${repoName(repo)} has no commits yet: nothing to compare with a base.`);
  if (!name)
    throw new NothingToReview(
      `HEAD is detached (at ${commit}): check out a branch to review what it changes against its base.`,
    );
  return name;
}

/**
 * The base a pull request would most likely target: the default branch of the upstream's remote
 * (`refs/remotes/<remote>/HEAD`, set by `git clone` or `git remote set-head`), else a local or
 * remote `main` or `master`. Undefined when none exists.
 */
export async function defaultBase(api: GitApi, repo: GitRepository, branch: string): Promise<string | undefined> {
  const remote = (await tryGit(api, repo, ['config', '--get', `branch.${branch}.remote`])) || 'origin';
  const head = await tryGit(api, repo, ['symbolic-ref', '-q', '--short', `refs/remotes/${remote}/HEAD`]);
  if (head) return head;
  for (const name of ['main', 'master', `${remote}/main`, `${remote}/master`]) {
    if (name === branch) continue;
    if (await tryGit(api, repo, ['rev-parse', '-q', '--verify', `${name}^{commit}`])) return name;
  }
  return undefined;
}

/** Local and remote branches the user may pick as the base (not the current one, not `<remote>/HEAD`). */
export async function baseCandidates(api: GitApi, repo: GitRepository, branch: string): Promise<string[]> {
  const out = await tryGit(api, repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/remotes']);
  return (out ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((r) => r && r !== branch && !r.endsWith('/HEAD'));
}

/** The branch's diff against `base` from their merge-base; clear errors for an unknown base or no common history. */
export async function branchRange(
  api: GitApi,
  repo: GitRepository,
  branch: string,
  base: string,
): Promise<BranchRange> {
  // A ref name starting with "-" would be read as an option.
  if (!base || base.startsWith('-')) throw new NothingToReview(`"${base}" is not a branch name.`);
  if (!(await tryGit(api, repo, ['rev-parse', '-q', '--verify', `${base}^{commit}`])))
    throw new NothingToReview(`There is no branch or commit named "${base}" in ${repoName(repo)}.`);
  const mergeBase = await tryGit(api, repo, ['merge-base', 'HEAD', base]);
  if (!mergeBase) throw new NothingToReview(`${branch} and ${base} share no history: there is no merge-base.`);
  // Committed changes only: what a pull request contains, not the working tree on top.
  const diff = await runGit(api, repo, ['diff', '--no-color', '--no-ext-diff', '-M', '-U3', mergeBase, 'HEAD', '--']);
  return { branch, base, mergeBase, diff };
}

/** Asks for the base, the default first; a typed name that is not listed is accepted as is. */
export async function pickBase(candidates: string[], fallback: string | undefined): Promise<string | undefined> {
  const names = fallback ? [fallback, ...candidates.filter((c) => c !== fallback)] : candidates;
  const pick = vscode.window.createQuickPick();
  pick.title = 'Deep Review: Branch Changes';
  pick.placeholder = 'Base to compare the current branch with (its merge-base), or type a branch or commit';
  pick.items = names.map((name, i) => ({
    label: name,
    ...(i === 0 && fallback ? { description: 'default (the remote’s default branch, else main or master)' } : {}),
  }));
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidAccept(() => finish(pick.selectedItems[0]?.label ?? (pick.value.trim() || undefined)));
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

/**
 * The current branch's changes against a base, as a review input: the same exclusions as the
 * uncommitted-changes review; `base` from the command's argument, else asked (undefined: cancelled).
 */
export async function branchInput(
  arg: unknown,
  isExcluded: (uri: vscode.Uri) => boolean,
  activeUri: vscode.Uri | undefined,
  onBase: (base: string) => void = () => undefined,
): Promise<ReviewInput | undefined> {
  const api = await getGitApi();
  const repo = pickRepository(api, arg, activeUri);
  if (!repo)
    throw new NothingToReview('No Git repository is open in this window: open a folder under Git to review a branch.');
  const branch = await currentBranch(api, repo);
  const given = (arg as { base?: unknown } | undefined)?.base;
  const base =
    typeof given === 'string'
      ? given.trim()
      : await pickBase(await baseCandidates(api, repo, branch), await defaultBase(api, repo, branch));
  if (base === undefined) return undefined;
  onBase(base);
  const range = await branchRange(api, repo, branch, base);

  const files: ReviewFile[] = [];
  const excluded: string[] = [];
  const skipped: string[] = [];
  for (const d of parseUnifiedDiff(range.diff)) {
    const newUri = d.newPath === null ? undefined : vscode.Uri.joinPath(repo.rootUri, d.newPath);
    const oldUri = d.oldPath === null ? undefined : vscode.Uri.joinPath(repo.rootUri, d.oldPath);
    const uri = newUri ?? oldUri;
    if (!uri) continue;
    const path = relPath(uri);
    if ((newUri && isExcluded(newUri)) || (oldUri && isExcluded(oldUri))) {
      excluded.push(path);
      continue;
    }
    if (!newUri) {
      skipped.push(`${path} (deleted)`);
      continue;
    }
    if (d.binary) {
      skipped.push(`${path} (binary)`);
      continue;
    }
    if (d.hunks.length === 0) continue; // a pure rename or mode change
    const languageId = languageOf(newUri);
    files.push({
      path,
      uri: newUri.toString(),
      ...(languageId ? { languageId } : {}),
      text: '',
      firstLine: 1,
      hunks: d.hunks,
      added: d.oldPath === null,
    });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const since = `since it left ${base} (merge-base ${range.mergeBase.slice(0, 7)})`;
  if (files.length === 0) {
    const why = excluded.length
      ? ` (${excluded.length} changed file(s) match \`tiered.exclude\` and are never sent)`
      : '';
    throw new NothingToReview(`No committed changes on ${branch} ${since}${why}.`);
  }
  const title = `${branch} vs ${base} (${files.length} changed file${files.length === 1 ? '' : 's'})`;
  return { kind: 'branch', title, files, excluded, ...(skipped.length ? { skipped } : {}) };
}

export function repoName(repo: GitRepository): string {
  return vscode.workspace.asRelativePath(repo.rootUri, false) || repo.rootUri.fsPath;
}
