// `npm run package`: the production bundle, then `vsce package` into tiered.vsix.
//
// README images. The README's page in VS Code (and the Marketplace's) renders the packaged README
// with no base URL, and VS Code's extension page only loads `https:` and `data:` images (its
// webview CSP: `img-src https: data:`), so a relative image ships broken. vsce rewrites relative
// images only to a public repository (GitHub/GitLab, guessed from `repository`) or to
// --baseImagesUrl (@vscode/vsce src/package.ts, MarkdownProcessor;
// https://github.com/microsoft/vscode-vsce/issues/327). Tiered has no public repository yet, and
// naming an invented one would only give broken links. So by default the packaged README is a copy
// whose relative PNG images are inlined as data: URIs (the repository's README stays as it is);
// vsce then must not rewrite links (--no-rewrite-relative-links). Once the images are served over
// HTTPS, set TIERED_README_BASE_URL to the folder holding README.md there (e.g. a raw-file URL of
// a tagged release): vsce then rewrites every relative image and link to it instead.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const base = process.env.TIERED_README_BASE_URL;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The README with each relative PNG image (markdown or <img>) replaced by a data: URI. */
function inlineImages(markdown) {
  const inline = (src) => {
    if (/^[a-z]+:/i.test(src) || !/\.png$/i.test(src)) return src;
    const file = path.join(root, decodeURI(src));
    return `data:image/png;base64,${fs.readFileSync(file).toString('base64')}`;
  };
  return markdown
    .replace(/(!\[[^\]]*\]\()([^)\s]+)/g, (_, head, src) => head + inline(src))
    .replace(/(<img\s[^>]*src=["'])([^"']+)/gi, (_, head, src) => head + inline(src));
}

run(process.execPath, ['esbuild.js', '--production']);
// Written next to the bundles (dist/ is build output); vsce packs it as extension/readme.md.
const packagedReadme = 'dist/readme.md';
if (!base)
  fs.writeFileSync(
    path.join(root, packagedReadme),
    inlineImages(fs.readFileSync(path.join(root, 'README.md'), 'utf8')),
  );
run(process.execPath, [
  require.resolve('@vscode/vsce/vsce'),
  'package',
  '--no-dependencies',
  // No public repository exists to name; vsce would otherwise stop on a y/N prompt.
  '--allow-missing-repository',
  '--out',
  'tiered.vsix',
  ...(base
    ? ['--baseImagesUrl', base, '--baseContentUrl', base]
    : ['--readme-path', packagedReadme, '--no-rewrite-relative-links']),
]);
