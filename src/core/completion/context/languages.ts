// Which open files count as "the same language" for snippets. A TSX component and the TS module it
// imports are one codebase to the model, as are C and C++ headers. Copilot's rule: neighbour files
// are considered when their normalized language ids are equal, with javascriptreact/jsx →
// javascript, typescriptreact → typescript, jade → pug, cshtml → razor, c → cpp (normalizeLanguageId
// and considerNeighborFile in https://github.com/microsoft/vscode-copilot-chat,
// src/extension/completions-core/vscode-node/prompt/src/prompt.ts and
// lib/src/prompt/similarFiles/neighborFiles.ts). TypeScript and JavaScript stay apart there, and here.
const NORMAL: Record<string, string> = {
  javascriptreact: 'javascript',
  jsx: 'javascript',
  typescriptreact: 'typescript',
  jade: 'pug',
  cshtml: 'razor',
  c: 'cpp',
};

export function contextLanguage(languageId: string): string {
  const id = languageId.toLowerCase();
  return NORMAL[id] ?? id;
}

/** True when a file of `other` may give snippets to a file of `current`. */
export function sameContextLanguage(current: string, other: string): boolean {
  return contextLanguage(current) === contextLanguage(other);
}
