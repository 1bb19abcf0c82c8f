// What the deep-review drivers share: the scripted reviewer the local model server answers with,
// git in a test workspace, the review requests in the server's log, and finding a webview's frame.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Frame } from 'playwright-core';
import type { ModelServer, ScriptRequest } from '../server/modelServer';
import type { CodeServer } from './codeServer';
import { resultPath } from './fixtures';
import { runInHost } from './runInHost';
import type { Workbench } from './ui';

/** "BUG! t" error, "BUG: t" warning, "BUG~ t" hint (high confidence), "BUG? t" a low-confidence warning. */
const MARK: Record<string, { severity: string; confidence: string }> = {
  '!': { severity: 'error', confidence: 'high' },
  ':': { severity: 'warning', confidence: 'high' },
  '~': { severity: 'hint', confidence: 'high' },
  '?': { severity: 'warning', confidence: 'low' },
};

/**
 * The scripted reviewer: a finding for every "BUG" line the prompt shows (for diffs, added lines
 * only), severity and confidence from its mark; "FIX: code" after the title is the replacement.
 */
export function scriptedFindings(req: ScriptRequest): string {
  const user = [...req.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const findings: unknown[] = [];
  let file = '';
  let diff = false;
  for (const line of user.split('\n')) {
    const header = /^=== FILE: (\S+)(.*)===$/.exec(line);
    if (header) {
      file = header[1]!;
      diff = header[2]!.includes('new-side line numbers');
      continue;
    }
    const m = /^\s*(\d+) ?([+ ]?)\| (.*)$/.exec(line);
    if (!m || !file) continue;
    const [, num, mark, code] = m;
    if (diff && mark !== '+') continue;
    const bug = /BUG([!:~?]) (.*?)(?: FIX: (.*))?$/.exec(code!);
    if (!bug) continue;
    const indent = /^\s*/.exec(code!)![0];
    findings.push({
      file,
      startLine: Number(num),
      endLine: Number(num),
      ...MARK[bug[1]!],
      category: 'bug',
      title: bug[2]!.trim(),
      explanation: 'Scripted by the test model server.',
      replacement: bug[3] ? indent + bug[3] : null,
    });
  }
  return JSON.stringify({ summary: `${findings.length} scripted finding(s).`, findings });
}

export function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=Tiered Test', '-c', 'user.email=test@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** The model requests that generate text (review, repair, triage), in the order they came. */
export const generateRequests = (s: ModelServer) =>
  s.log.filter((r) => r.route === 'gemini.generate' || r.route === 'openai.chat');

/** The frame of a webview page holding `selector` (VS Code nests webviews in two iframes). */
export async function frameWith(wb: Workbench, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of wb.page.frames()) {
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no webview page with ${selector}`);
}

/** Runs the in-host `spec` tests matching `grep`; fails unless they ran and passed. */
export async function runReviewSpec(
  server: CodeServer,
  spec: string,
  grep: string,
  shot: string,
  timeouts: { timeoutMs: number; mochaTimeoutMs: number },
): Promise<{ output: string }> {
  const result = await runInHost({ server, specs: [spec], grep, ...timeouts, screenshotPath: resultPath(shot) });
  assert.equal(result.exitCode, 0, result.output);
  assert.doesNotMatch(result.output, /0 passing/, result.output);
  return result;
}
