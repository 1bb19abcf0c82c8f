// Other tools' published inline-completion defaults, expressed as engine policies so the replay
// runs them through the same prompt, streaming and post-processing code as Tiered.
import { TIERED_POLICY, type ContextStrategy, type EnginePolicy } from '../src/core/completion';
import { continueMultiline } from './inline/continue';

export interface NamedPolicy {
  name: string;
  description: string;
  policy: EnginePolicy;
  /** Workspace mode: context from other files selected this way (none: the current file's window only). */
  context?: ContextStrategy;
  /** Workspace mode: the engine consults an AskGate (policy.gate must not be false). */
  gate?: boolean;
}

export const POLICIES: NamedPolicy[] = [
  {
    name: 'tiered',
    description:
      'adaptive debounce, cache + typing along, in-flight reuse, abort on divergence; ' +
      'workspace mode: definitions + edits + snippets (stable order, held window), ask gate',
    policy: TIERED_POLICY,
    context: 'tiered',
    gate: true,
  },
  {
    name: 'copilot',
    description:
      'Copilot-like context: Jaccard-ranked snippets of open tabs only, same token budget ' +
      "(workspace mode); Tiered's timing without the gate, so only the context differs",
    policy: { ...TIERED_POLICY, gate: false },
    context: 'openTabs',
  },
  {
    name: 'continue',
    description:
      'Continue: 350 ms debounce, prefix LRU cache, stream reuse (a stream ends when a new one starts); ' +
      "chat prompts: Continue's own (bench/inline/continue.ts): holeFiller template as one user message, " +
      'caret window 307 prefix + ≤205 suffix tokens (cl100k), in 1,024 tokens: open tabs (≤5, trimmed), ' +
      'then shuffled definitions of imported names near the cursor; no stop sent (gpt-5 refuses it), cut on ' +
      'the client. Not emulated: root-path (tree-sitter) snippets, visited ranges (only other files), ' +
      "its own stream filters and 375 ms processing cut, reasoning tokens; recently edited ranges and diff are off in Continue's source; " +
      'several lines except mid-line and in a line comment (its shouldCompleteMultiline)',
    policy: {
      debounce: 350,
      cache: 'typedAlong',
      reuseInFlight: true,
      abortOn: 'supersede',
      whenBusy: 'replace',
      multiline: continueMultiline,
    },
  },
  {
    name: 'twinny',
    description: 'Twinny: 300 ms debounce, no cache (a cancelled request is aborted)',
    policy: { debounce: 300, cache: 'none', reuseInFlight: false, abortOn: 'cancel', whenBusy: 'replace' },
  },
  {
    name: 'llama.vscode',
    description: 'llama.vscode: no debounce, one request in flight, cache',
    policy: { debounce: 0, cache: 'typedAlong', reuseInFlight: false, abortOn: 'never', whenBusy: 'skip' },
  },
  {
    name: 'naive',
    description: 'a request per keystroke (after the editor debounce), aborted when cancelled',
    policy: { debounce: 0, cache: 'none', reuseInFlight: false, abortOn: 'cancel', whenBusy: 'replace' },
  },
];
