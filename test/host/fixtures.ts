// Shared set-up for the node:test files that drive the real VS Code: a fresh workspace per run,
// the built extension, and a skip reason when this machine has no test host.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumInstalled } from './browser';
import { codeServerInstalled, REPO_ROOT } from './codeServer';

export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/**
 * Why host tests can't run here, or false. Under CI nothing is skipped: .ci/run installs the host,
 * so a missing one must fail the run rather than pass it quietly.
 */
export function hostSkipReason(): string | false {
  if (process.env.CI) return false;
  if (!codeServerInstalled()) return 'code-server not installed: run scripts/setup-test-host.sh';
  if (!chromiumInstalled()) return 'chromium not installed: run scripts/setup-test-host.sh';
  return false;
}

/** A throwaway folder holding `files` (relative path → content); fixtures are reset every run. */
export function makeWorkspace(files: Record<string, string> = {}): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiered-ws-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `npm test` builds dist/ first; a lone run of a host test builds it here if it is missing. */
export function ensureExtensionBuilt(): void {
  const main = path.join(REPO_ROOT, 'dist', 'extension.js');
  // Rebuild when any source is newer than the bundle: a stale bundle would test old code.
  if (fs.existsSync(main) && newestMtime(path.join(REPO_ROOT, 'src')) <= fs.statSync(main).mtimeMs) return;
  const r = spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(main)) {
    throw new Error(`could not build ${main}: ${r.stderr || r.stdout || 'src/vscode/extension.ts missing?'}`);
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function resultPath(name: string): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  return path.join(RESULTS_DIR, name);
}

/**
 * User settings for inline tests: a FIM lite model (`inline-lite`, Ollama-style `suffix`) and a pro
 * model on the local model server's OpenAI flavour, priced at `perMTok` in and out.
 */
export function localInlineSettings(openaiBaseUrl: string, perMTok: number): Record<string, unknown> {
  return {
    'tiered.providers': [{ id: 'local', kind: 'openai', baseUrl: openaiBaseUrl }],
    'tiered.models': {
      'inline-lite': {
        provider: 'local',
        model: 'inline-lite',
        tier: 'lite',
        maxOutputTokens: 256,
        fim: 'suffix',
        price: { inputPerMTok: perMTok, outputPerMTok: perMTok },
      },
      'inline-pro': { provider: 'local', model: 'inline-pro', tier: 'pro', maxOutputTokens: 1024 },
    },
    'tiered.tiers': { lite: ['inline-lite'], pro: ['inline-pro'] },
  };
}
