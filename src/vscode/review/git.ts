// The few parts of the built-in Git extension's API (vscode.git, API version 1) the review uses,
// typed here because the extension ships no types package, and the git binary it found, for what
// that API does not offer (a branch's diff against its merge-base, origin/HEAD).
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';

/** Status values of the Git extension's Change (git.d.ts). */
export const GitStatus = {
  INDEX_ADDED: 1,
  INDEX_DELETED: 2,
  DELETED: 6,
  UNTRACKED: 7,
  IGNORED: 8,
  INTENT_TO_ADD: 9,
} as const;

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
  readonly status: number;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly indexChanges: GitChange[];
    readonly workingTreeChanges: GitChange[];
    readonly untrackedChanges?: GitChange[];
    readonly HEAD?: { readonly commit?: string };
  };
  /** Working tree (staged and unstaged) against HEAD for one file, as a unified diff. */
  diffWithHEAD(path: string): Promise<string>;
  status(): Promise<void>;
}

export interface GitApi {
  /** The git binary the extension found (git.d.ts: `API.git.path`). */
  readonly git: { readonly path: string };
  readonly state: 'uninitialized' | 'initialized';
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The Git API, waiting for the extension to initialise; a clear error when it is off. */
export async function getGitApi(): Promise<GitApi> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) throw new Error('The built-in Git extension is not available, so uncommitted changes cannot be read.');
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports.enabled)
    throw new Error('Git is disabled (`git.enabled` is false), so uncommitted changes cannot be read.');
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        done.dispose();
        resolve();
      }, 10_000);
      const done = api.onDidChangeState((s) => {
        if (s !== 'initialized') return;
        clearTimeout(timer);
        done.dispose();
        resolve();
      });
    });
  }
  return api;
}

/** The repository for the command's argument (SCM title bar passes a SourceControl), the active file, or the only one. */
export function pickRepository(
  api: GitApi,
  arg: unknown,
  activeUri: vscode.Uri | undefined,
): GitRepository | undefined {
  const root = (arg as { rootUri?: unknown } | undefined)?.rootUri;
  if (root instanceof vscode.Uri) {
    const repo = api.getRepository(root);
    if (repo) return repo;
  }
  if (activeUri) {
    const repo = api.getRepository(activeUri);
    if (repo) return repo;
  }
  return api.repositories[0];
}

/** A git command that failed: its stderr, trimmed, for the message. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly code: number | string | undefined,
  ) {
    super(`git ${args.join(' ')}: ${stderr.trim() || `exit ${String(code)}`}`);
  }
}

/** Runs the Git extension's git binary in the repository root; stdout, or GitCommandError. */
export function runGit(api: GitApi, repo: GitRepository, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      api.git.path || 'git',
      // No pager, colour or external diff tool: the output is parsed.
      ['-c', 'core.quotepath=off', '--no-pager', ...args],
      { cwd: repo.rootUri.fsPath, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (err, stdout, stderr) => {
        if (err) reject(new GitCommandError(args, stderr, (err as NodeJS.ErrnoException).code ?? undefined));
        else resolve(stdout);
      },
    );
  });
}

/** The git output, or undefined when the command failed (a probe: "is there such a ref?"). */
export async function tryGit(api: GitApi, repo: GitRepository, args: readonly string[]): Promise<string | undefined> {
  try {
    return (await runGit(api, repo, args)).trim();
  } catch {
    return undefined;
  }
}
