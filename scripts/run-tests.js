// Runs every compiled test file (out/test/**/*.test.js) with node's own test runner.
// Node 20's --test takes no globs, so the files are listed here. Args filter by path substring.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : e.name.endsWith('.test.js') ? [full] : [];
  });
}

const filters = process.argv.slice(2);
const files = walk('out/test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ') || 'out/test/**/*.test.js'} (did compile:tests run?)`);
  process.exit(1);
}
// Build outputs that host files rebuild when stale (a lone run after a source edit) are made once
// here, before two files can run at once: otherwise both would rewrite dist/ while the other's VS
// Code loads it. Same order as `npm test`: the .vsix (a production bundle), then the dev bundle.
const hostFiles = files.filter((f) => f.startsWith(path.join('out', 'test', 'host') + path.sep));
try {
  if (hostFiles.some((f) => path.basename(f) === 'vsix.test.js')) {
    const { built } = require(path.resolve('out/test/host/vsix.js')).ensureVsix();
    if (built) spawnSync(process.execPath, ['esbuild.js'], { stdio: 'inherit' });
  }
  if (hostFiles.length > 0) require(path.resolve('out/test/host/fixtures.js')).ensureExtensionBuilt();
} catch (err) {
  // The host files meet the same error and report it as failures; the other files still run.
  console.error(`[run-tests] could not build before the host tests: ${err instanceof Error ? err.message : err}`);
}

// TIERED_TEST_CONCURRENCY=2 runs two files at a time: every file has its own ports, temp dirs and
// code-server (test/host/codeServer.ts), so two can share the machine, and each file's report still
// prints whole, in file order. Unset: node's default (CPUs - 1, so one at a time on a 2-CPU runner),
// because on a shared 2-CPU machine two real-VS-Code files at once ran slower and crossed UI waits.
const concurrency = process.env.TIERED_TEST_CONCURRENCY;
if (concurrency !== undefined && !/^[1-9]\d*$/.test(concurrency)) {
  console.error(`TIERED_TEST_CONCURRENCY must be a whole number >= 1, not ${concurrency}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', ...(concurrency ? [`--test-concurrency=${concurrency}`] : []), '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
