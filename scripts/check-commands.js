// Every command contributed in package.json must be registered in src/vscode (a contributed
// command that is never registered fails when the user picks it), and contributes must be in sync
// with contrib/*.json.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

execFileSync(process.execPath, [path.join(__dirname, 'merge-contrib.js'), '--check'], { stdio: 'inherit' });
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : full.endsWith('.ts') ? [full] : [];
  });
}
const source = walk(path.join(__dirname, '..', 'src', 'vscode'))
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');
const missing = pkg.contributes.commands
  .map((c) => c.command)
  .filter(
    (id) =>
      !new RegExp(`registerCommand\\(\\s*['"\`]${id.replace(/\./g, '\\.')}['"\`]`).test(source) &&
      !source.includes(`'${id}'`),
  );
if (missing.length) {
  console.error(`contributed but never registered in src/vscode: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`check-commands: ${pkg.contributes.commands.length} contributed commands are registered`);
