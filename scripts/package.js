// `npm run package`: the production bundle, then `vsce package` into tiered.vsix.
//
// README images. vsce rewrites relative README links to a public repository (only GitHub/GitLab
// are guessed from `repository`) or to --baseImagesUrl, and refuses relative images otherwise
// (@vscode/vsce src/package.ts, MarkdownProcessor; https://github.com/microsoft/vscode-vsce/issues/327).
// Tiered has no public repository yet, and inventing one would give the Marketplace page broken
// links. So by default the images stay relative and ship inside the .vsix (.vscodeignore keeps
// docs/*.png), where VS Code's extension page resolves them against the installed extension.
// Once the images are served over HTTPS, set TIERED_README_BASE_URL to the folder holding
// README.md there (e.g. a raw-file URL of a tagged release): vsce then rewrites every relative
// image and link to it, which is what the Marketplace web page needs.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const base = process.env.TIERED_README_BASE_URL;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(process.execPath, ['esbuild.js', '--production']);
run(process.execPath, [
  require.resolve('@vscode/vsce/vsce'),
  'package',
  '--no-dependencies',
  // No public repository exists to name; vsce would otherwise stop on a y/N prompt.
  '--allow-missing-repository',
  '--out',
  'tiered.vsix',
  ...(base ? ['--baseImagesUrl', base, '--baseContentUrl', base] : ['--no-rewrite-relative-links']),
]);
