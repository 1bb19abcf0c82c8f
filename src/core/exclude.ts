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
