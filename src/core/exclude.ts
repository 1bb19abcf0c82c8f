// Files matching `tiered.exclude` are never sent to a model. Patterns match the absolute path
// (so `**/.env*` catches every .env file, wherever the workspace is), dotfiles included.
import picomatch from 'picomatch';

export type Excluder = (path: string) => boolean;

export function makeExcluder(globs: readonly string[]): Excluder {
  if (globs.length === 0) return () => false;
  const matchers = globs.map((g) => picomatch(g, { dot: true, nocase: process.platform === 'win32' }));
  return (path: string) => {
    const posix = path.replace(/\\/g, '/');
    return matchers.some((m) => m(posix) || m(posix.replace(/^\/+/, '')));
  };
}

// VS Code's own configuration can hold secrets (tokens in settings, env in launch configs) and
// paths: nothing of it is ever sent to a model, whatever `tiered.exclude` says.
/** Schemes VS Code uses for its settings editors and the user data folder. */
const EDITOR_CONFIG_SCHEMES = new Set(['vscode-userdata', 'vscode-settings']);
/** Files directly in the user data dir's `User/` folder (and in a profile's folder). */
const USER_CONFIG_FILES = new Set(['settings.json', 'keybindings.json', 'tasks.json', 'launch.json', 'mcp.json']);
/** Extensions of VS Code's own files, wherever they are. */
const CONFIG_EXTENSIONS = ['.code-workspace', '.code-snippets', '.code-profile'];

const segmentsOf = (path: string): string[] =>
  path
    .replace(/\\/g, '/')
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '');

/**
 * True for VS Code's own configuration: a document of the settings schemes; any file under a
 * `.vscode/` folder (workspace settings, tasks, launch, extensions, mcp); `*.code-workspace`,
 * `*.code-snippets`, `*.code-profile`; the user's settings, keybindings, tasks, launch, mcp and
 * snippets under a `User/` folder (and a profile's copies of them); anything under `userDir` (the
 * user data dir's `User/` folder) when known.
 * Compared case-insensitively: wrongly excluding a file costs a suggestion, missing one leaks it.
 */
export function isEditorConfigFile(path: string, scheme?: string, userDir?: string): boolean {
  if (scheme !== undefined && EDITOR_CONFIG_SCHEMES.has(scheme.toLowerCase())) return true;
  const segs = segmentsOf(path);
  if (segs.length === 0) return false;
  const name = segs[segs.length - 1]!;
  const dirs = segs.slice(0, -1);
  if (dirs.includes('.vscode')) return true;
  if (CONFIG_EXTENSIONS.some((ext) => name.endsWith(ext))) return true;
  if (userDir !== undefined) {
    const root = segmentsOf(userDir);
    if (root.length > 0 && root.every((s, i) => segs[i] === s) && segs.length > root.length) return true;
  }
  // <userData>/User/{settings,keybindings,…}.json, User/snippets/*.json, User/profiles/<id>/…
  const user = dirs.lastIndexOf('user');
  if (user === -1) return false;
  const below = segs.slice(user + 1);
  if (below.length === 1) return USER_CONFIG_FILES.has(name);
  if (below[0] === 'snippets') return name.endsWith('.json');
  if (below[0] !== 'profiles' || below.length < 3) return false;
  return below.length === 3 ? USER_CONFIG_FILES.has(name) : below[2] === 'snippets';
}

/** The `User/` folder of VS Code's user data dir, from an extension's global storage path. */
export function userDirOf(globalStoragePath: string): string | undefined {
  const parts = globalStoragePath.replace(/\\/g, '/').split('/');
  const at = parts.map((p) => p.toLowerCase()).lastIndexOf('user');
  return at > 0 ? parts.slice(0, at + 1).join('/') : undefined;
}
