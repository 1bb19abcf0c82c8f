// How the context block is written into each request shape: before the file window, in the block's
// own order, so consecutive prompts share their beginning. A chat prompt sends the volatile items
// (the cursor's definitions, recent edits) after the file instead: they change from one request to
// the next, and before the file they would take the file window out of the provider's cached prefix.
import type { ContextItem } from './types';

const HEADING: Record<ContextItem['kind'], string> = {
  definition: 'Definition from',
  edit: 'Recent edit in',
  snippet: 'Snippet from',
};

/** "Definition from src/a.ts" (chat headings and comment lines). */
export function itemHeading(item: ContextItem): string {
  return `${HEADING[item.kind]} ${item.path}`;
}

const chatItems = (items: readonly ContextItem[]): string =>
  items.map((i) => `--- ${itemHeading(i)} ---\n${i.text}\n`).join('');

/** Ends the file in a chat prompt that has context after it (the model must know where the file stops). */
export const CHAT_FILE_END = '\n--- end of file ---\n';

/**
 * The chat prompt's context: `before` goes in the user message before the file (the stable items),
 * `after` after it (the volatile ones, behind CHAT_FILE_END); either may be ''.
 */
export function chatContext(items: readonly ContextItem[]): { before: string; after: string } {
  const stable = items.filter((i) => !i.volatile);
  const volatile = items.filter((i) => i.volatile);
  return {
    before: stable.length
      ? `Context from other files (read only):\n${chatItems(stable)}--- end of context ---\n\n`
      : '',
    after: volatile.length
      ? `${CHAT_FILE_END}\nContext for the code at the cursor (read only):\n${chatItems(volatile)}--- end of context ---\n`
      : '',
  };
}

/**
 * Line comment per VS Code languageId. Copilot writes its snippets into the prefix as comment lines
 * of the file's language ("// Compare this snippet from path:"; languageMarker.ts and
 * snippetInclusion/snippets.ts in https://github.com/microsoft/vscode-copilot-chat,
 * src/extension/inlineCompletionPrompt). Languages without a line comment get no context in a FIM
 * prompt (a wrong comment would be code to the model).
 */
const LINE_COMMENT: Record<string, string> = {};
for (const id of [
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'java',
  'c',
  'cpp',
  'csharp',
  'go',
  'rust',
  'swift',
  'kotlin',
  'scala',
  'dart',
  'php',
  'groovy',
  'objective-c',
  'objective-cpp',
  'fsharp',
  'jsonc',
  'vue',
  'svelte',
  'zig',
  'solidity',
])
  LINE_COMMENT[id] = '//';
for (const id of [
  'python',
  'ruby',
  'shellscript',
  'perl',
  'r',
  'yaml',
  'toml',
  'dockerfile',
  'makefile',
  'powershell',
  'elixir',
  'julia',
  'coffeescript',
  'nim',
  'cmake',
])
  LINE_COMMENT[id] = '#';
for (const id of ['sql', 'lua', 'haskell', 'ada', 'elm']) LINE_COMMENT[id] = '--';
for (const id of ['latex', 'tex', 'erlang', 'matlab']) LINE_COMMENT[id] = '%';
for (const id of ['clojure', 'lisp', 'scheme']) LINE_COMMENT[id] = ';';
LINE_COMMENT.vb = "'";

export function lineComment(languageId: string): string | undefined {
  return LINE_COMMENT[languageId];
}

/** The context as comment lines for the start of a FIM prefix; '' when the language has no line comment. */
export function commentContext(items: readonly ContextItem[], languageId: string): string {
  const mark = lineComment(languageId);
  if (!mark || !items.length) return '';
  let out = '';
  for (const i of items) {
    out += `${mark} ${itemHeading(i)}:\n`;
    for (const line of i.text.split('\n')) out += line ? `${mark} ${line}\n` : `${mark}\n`;
    out += `${mark}\n`;
  }
  return out;
}

/** llama.cpp `/infill` `input_extra`: [{filename, text}] (tools/server/README.md, POST /infill). */
export function infillExtra(items: readonly ContextItem[]): { filename: string; text: string }[] {
  return items.map((i) => ({ filename: i.path, text: i.text.endsWith('\n') ? i.text : `${i.text}\n` }));
}

/**
 * Qwen2.5-Coder's repository-level prompt: `<|repo_name|>name`, then `<|file_sep|>path` and the
 * file's text per file, the current file last with the FIM tokens
 * (https://github.com/QwenLM/Qwen2.5-Coder#4-repository-level-code-completion ; Qwen2.5-Coder
 * technical report, arXiv 2409.12186, Figure 4 "Repo-Level FIM format"). The repository name is a
 * fixed word: nothing about the user's workspace is needed.
 */
export function qwenRepoContext(items: readonly ContextItem[], currentPath: string | undefined): string {
  if (!items.length) return '';
  let out = '<|repo_name|>workspace\n';
  for (const i of items) out += `<|file_sep|>${i.path}\n${i.text}\n`;
  return `${out}<|file_sep|>${currentPath ?? 'current'}\n`;
}
