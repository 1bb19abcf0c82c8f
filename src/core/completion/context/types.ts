// Context from outside the file window for inline prompts: what the edge (VS Code, or the
// benchmark's emulated workspace) gathers, and what the core selects into the prompt.
import type { CompletionInput } from '../types';

/** An open editor's document (same language as the cursor's, never excluded or editor config). */
export interface OpenFile {
  /** Workspace-relative path shown to the model. */
  path: string;
  languageId: string;
  text: string;
  /** When the user last had it active (ms, clock of the gatherer); newer ranks first on ties. */
  lastActiveAt?: number;
}

/** One recent change the user made (a small diff-like hunk), newest last. */
export interface RecentEdit {
  path: string;
  /** Lines as after the edit, with a line or two around it. */
  text: string;
  at: number;
}

/** The declaration of a symbol used at or before the cursor (definition provider, or the bench's index). */
export interface Definition {
  path: string;
  symbol: string;
  /** The whole declaration (signature and, when short, its body). */
  text: string;
  /** 1-based first line of `text` in its file (identity for a stable order). */
  line: number;
  /**
   * 'import': a name the current file imports (stable for the file's editing session: sent in the
   * stable head of the context block); 'cursor' (or absent): a symbol at or before the cursor.
   */
  source?: 'import' | 'cursor';
}

/** Raw material for one request; the core ranks it, cuts it to budget and keeps its order stable. */
export interface ContextMaterial {
  openFiles: OpenFile[];
  edits: RecentEdit[];
  definitions: Definition[];
  /** Wall time spent gathering, ms (reported by the benchmark apart from engine CPU). */
  gatherMs?: number;
  /** Workspace-relative path of the cursor's file: never a snippet of itself (it is in the window). */
  currentPath?: string;
}

/**
 * Gathers material for the cursor. Must resolve within its time budget (it returns what it has
 * when `signal` aborts or the budget runs out) and never send anything itself.
 */
export type ContextGatherer = (input: CompletionInput, signal: AbortSignal) => Promise<ContextMaterial>;

/** One block of the prompt's context section, in the order it is sent. */
export interface ContextItem {
  kind: 'definition' | 'edit' | 'snippet';
  path: string;
  text: string;
  /** Stable identity (path + first line), for keeping the block order fixed across requests. */
  key: string;
  /**
   * Changes from one request to the next (the cursor's definitions, recent edits). A chat prompt
   * sends these after the file, so a change among them leaves the file window in the cached prefix.
   */
  volatile?: boolean;
}
