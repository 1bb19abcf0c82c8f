// Bundles the extension host code and the cost panel's browser code. The type check is separate
// (`npm run typecheck`), so this stays fast.
const esbuild = require('esbuild');
const fs = require('node:fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

async function main() {
  const common = { bundle: true, minify: production, sourcemap: !production, metafile: true, logLevel: 'warning' };
  const builds = [
    {
      ...common,
      entryPoints: ['src/vscode/extension.ts'],
      outfile: 'dist/extension.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    },
    {
      ...common,
      entryPoints: ['src/webview/main.ts'],
      outfile: 'dist/webview.js',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    },
  ].filter((b) => fs.existsSync(b.entryPoints[0]));
  fs.mkdirSync('dist', { recursive: true });
  for (const options of builds) {
    if (watch) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
      continue;
    }
    const result = await esbuild.build(options);
    const name = options.outfile.replace(/\.js$/, '.meta.json');
    fs.writeFileSync(name, JSON.stringify(result.metafile));
    const bytes = fs.statSync(options.outfile).size;
    console.log(`${options.outfile}: ${(bytes / 1024).toFixed(1)} KiB`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
