// Entry of the mocha run inside the extension host, in the shape @vscode/test-electron expects
// (`run(): Promise<void>`, rejecting when a test fails). Specs are the *.spec.js files next to this
// one (BDD globals: describe, it, before, after); runInHost picks a subset per run.
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export interface SpecRunConfig {
  /** 'smoke' or 'smoke.spec.js' or an absolute path; default: every *.spec.js here. */
  specs?: string[];
  grep?: string;
  timeoutMs?: number;
}

export function specFiles(specs: string[] | undefined, dir = __dirname): string[] {
  if (!specs || specs.length === 0) {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.spec.js'))
      .sort()
      .map((f) => path.join(dir, f));
  }
  return specs.map((s) => {
    if (path.isAbsolute(s)) return s;
    const name = s.endsWith('.js') ? s : s.endsWith('.spec') ? `${s}.js` : `${s}.spec.js`;
    return path.join(dir, name);
  });
}

export function runSpecs(config: SpecRunConfig = {}): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: config.timeoutMs ?? 20_000, grep: config.grep });
  const files = specFiles(config.specs);
  for (const f of files) {
    if (!fs.existsSync(f)) return Promise.reject(new Error(`spec not found: ${f}`));
    mocha.addFile(f);
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}

/** Default entry: every spec, or the comma-separated list in TIERED_HOST_SPECS. */
export function run(): Promise<void> {
  const list = process.env.TIERED_HOST_SPECS?.split(',').filter(Boolean);
  return runSpecs({ specs: list, grep: process.env.TIERED_HOST_GREP });
}
