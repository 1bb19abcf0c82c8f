// Demo reply mode (knob `demo: true`, CLI `--demo`; on in `npm start -- --offline`): the server
// answers like a model would, deterministically, from the request it received, so the offline demo
// shows ghost text, tone fixes and reviews that work. Off by default: tests keep defaultReply.
import type { Knobs, ScriptRequest } from '../knobs';
import { demoCompletion } from './inline';
import { classify } from './request';
import { demoExtraction, demoFindings, demoTriage } from './review';
import { demoTone } from './tone';

export { classify } from './request';
export { demoCompletion } from './inline';
export { demoTone } from './tone';
export { demoFindings, demoTriage, demoExtraction } from './review';

/**
 * The knobs of the offline demo (scripts/start-vscode.js --offline and test/host/demo.test.ts):
 * demo replies, and thinking sized for the short tasks an editor sends. The test defaults
 * (knobs.ts DEFAULT_REASONING: 256 at low) would fill a tone fix's whole 256-token cap
 * (src/core/tone/toneFix.ts toneOutputTokens) and cut the answer off.
 */
export const DEMO_KNOBS: Partial<Knobs> = {
  demo: true,
  reasoningByEffort: { minimal: 8, low: 48, medium: 192, high: 512, xhigh: 1024 },
};

/** The demo answer to a generation request. */
export function demoReply(req: Pick<ScriptRequest, 'messages' | 'fim' | 'body'>): string {
  const task = classify(req);
  switch (task.kind) {
    case 'inline':
      return demoCompletion(task.prefix, task.suffix, task.languageId);
    case 'tone':
      return demoTone(task.system, task.user);
    case 'review':
      return demoFindings(task.users, task.schema);
    case 'triage':
      return demoTriage(task.users);
    case 'extract':
      return demoExtraction(task.users);
    default:
      // A request the demo does not know (a setup check, a chat): a short, model-like answer.
      return 'OK.';
  }
}
