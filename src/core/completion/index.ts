// The completion engine's public surface (the VS Code edge and the benchmark import from here).
export { CompletionEngine, DEFAULT_CONTEXT_TOKENS, type EngineOptions } from './engine';
export { AdaptiveDebounce, classifyEdit, DEFAULT_DEBOUNCE, type DebounceOptions, type KeyClass } from './debounce';
export { SuggestionCache } from './cache';
export { postProcess, stripFences, type PostContext } from './postprocess';
export {
  buildInlineRequest,
  promptWindow,
  windowPrefix,
  windowSuffix,
  heldWindowPrefix,
  INLINE_SYSTEM_PROMPT,
  CURSOR_MARK,
  type PromptWindow,
} from './prompt';
export { VirtualTime, flushPromises } from './virtualTime';
export { AskGate, type AskGateOptions, type GateReason } from './gate';
export { AcceptanceModel, features as acceptanceFeatures, type AcceptanceState } from './acceptance';
export { atEmptyBlock, wantsMultiline } from './multiline';
export { selectContext, type ContextStrategy } from './context/select';
export type * from './context/types';
export * from './types';
