// package.json `contributes` is assembled from contrib/*.json (one fragment per feature) so that
// features own their commands and settings. Run after editing a fragment; CI checks it is in sync.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pkgPath = path.join(root, 'package.json');
const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
const dir = path.join(root, 'contrib');
const out = { commands: [], configuration: { title: 'Tiered', properties: {} }, menus: {}, keybindings: [] };
const extra = {};
for (const file of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const frag = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  for (const [key, value] of Object.entries(frag)) {
    if (key === 'commands' || key === 'keybindings') out[key].push(...value);
    else if (key === 'configuration') Object.assign(out.configuration.properties, value.properties);
    else if (key === 'menus') for (const [m, items] of Object.entries(value)) (out.menus[m] ??= []).push(...items);
    else extra[key] = Array.isArray(value) ? [...(extra[key] ?? []), ...value] : { ...(extra[key] ?? {}), ...value };
  }
}
const ids = out.commands.map((c) => c.command);
const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
if (dupes.length) throw new Error(`duplicate command ids in contrib/: ${dupes.join(', ')}`);
const next = { ...out, ...extra };
if (!out.keybindings.length) delete next.keybindings;
const check = process.argv.includes('--check');
if (check) {
  if (JSON.stringify(pkg.contributes) !== JSON.stringify(next)) {
    console.error('package.json contributes is out of date: run `node scripts/merge-contrib.js`');
    process.exit(1);
  }
} else {
  pkg.contributes = next;
  fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
  console.log(`contributes: ${ids.length} commands, ${Object.keys(out.configuration.properties).length} settings`);
}
