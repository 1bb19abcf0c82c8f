// The editor's bracket and quote auto-closing, applied to a typed segment: what VS Code's default
// settings do to the document while a person types TypeScript. The trace (trace.ts) says which
// keys the typist presses; this says what each key does to the document, so that the text after
// the cursor holds the closers a real editor writes ahead of the typist.
//
// VS Code's rules, as emulated here (defaults: editor.autoClosingBrackets / autoClosingQuotes
// "languageDefined", autoClosingOvertype "auto"):
// - the pairs and `autoCloseBefore` of extensions/typescript-basics/language-configuration.json
//   (https://github.com/microsoft/vscode): `{}` `[]` `()` always; `'` and `` ` `` not in a string or
//   comment, `"` not in a string; a pair closes only when the next character is one of
//   `;:.,=}])>` ``, a blank or the line end;
// - a quote does not auto-close after a word character (cursorTypeEditOperations.ts);
// - typing a closer the editor inserted, right before it, steps over it (overtype "auto");
// - Enter between an opener and the closer the editor inserted puts the closer on its own line at
//   the outer indent, the cursor on an indented line between (onEnter IndentOutdent);
// - the typist does not retype a closer the editor already wrote on the line below: it moves the
//   cursor past it (End/Down). A cursor move hides ghost text and asks for none (VS Code requests
//   inline suggestions on edits: test/host/suite/inline.spec.ts moves past a closer line in a real
//   VS Code, and the model server sees no request there).
import type { Key, Segment } from './trace';

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', "'": "'", '"': '"', '`': '`' };
const AUTO_CLOSE_BEFORE = ';:.,=}])>` \n\t';

/** Inside a string or a line comment at the end of `line` (a rough scan, as a tokenizer would say). */
function lineState(line: string): 'code' | 'string' | 'comment' {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return 'comment';
  }
  return quote ? 'string' : 'code';
}

function shouldClose(doc: string, cursor: number, open: string): boolean {
  const next = doc[cursor];
  if (next !== undefined && !AUTO_CLOSE_BEFORE.includes(next)) return false;
  if (open === '(' || open === '[' || open === '{') return true;
  const line = doc.slice(doc.lastIndexOf('\n', cursor - 1) + 1, cursor);
  const state = lineState(line);
  if (state === 'string' || (state === 'comment' && open !== '"')) return false;
  return !/[\w$]$/.test(line);
}

/**
 * The segment's keys as the editor applies them: an opener that auto-closes carries its closer
 * (`close`), a closer typed over the one the editor wrote replaces it (`over`), Enter between a
 * pair carries the closer's new line, and moving past a closer line the editor wrote is a `move`
 * (the keys that would have retyped it are not pressed). Keys keep their times.
 */
export function autoCloseKeys(file: string, seg: Segment): Key[] {
  const state = openState(file, seg);
  /** Offsets in the document of closers the editor inserted and the typist has not reached. */
  let auto: number[] = [];
  let typed = '';
  let skip = '';
  const out: Key[] = [];
  /** Applies `k`; `inserted` characters went in at the cursor, before the tracked closers after it. */
  const apply = (k: Key, inserted: number): void => {
    const at = state.cursor;
    auto = auto.map((a) => (a >= at ? a + inserted : a));
    applyKey(state, k);
    out.push(k);
  };
  for (const key of seg.keys) {
    const { doc, cursor } = state;
    const ins = key.insert;
    if (ins === undefined) {
      // Backspace (the trace only fixes typed letters, never a pair).
      auto = auto.map((a) => (a >= cursor ? a - 1 : a));
      typed = typed.slice(0, -1);
      applyKey(state, key);
      out.push(key);
      continue;
    }
    if (skip && skip.startsWith(ins)) {
      // Already written by the editor and stepped over.
      skip = skip.slice(ins.length);
      typed += ins;
      continue;
    }
    skip = '';
    const ahead = seg.text.startsWith(typed) ? seg.text.slice(typed.length) : '';
    typed += ins;
    if (ins.length === 1 && doc[cursor] === ins && auto.includes(cursor)) {
      auto = auto.filter((a) => a !== cursor);
      apply({ ...key, over: 1 }, 0);
      continue;
    }
    if (ins.startsWith('\n')) {
      // A closer line the editor wrote ahead: step past the closers the typist was about to type.
      const blank = /^\n[ \t]*/.exec(doc.slice(cursor))?.[0] ?? '';
      let step = '';
      if (blank === ins) {
        while (auto.includes(cursor + blank.length + step.length)) step += doc[cursor + blank.length + step.length];
        while (step && !ahead.startsWith(ins + step)) step = step.slice(0, -1);
      }
      if (step) {
        const move = blank.length + step.length;
        auto = auto.filter((a) => a < cursor || a >= cursor + move);
        apply({ at: key.at, move }, 0);
        skip = step;
        continue;
      }
      const open = doc[cursor - 1] ?? '';
      if (PAIRS[open] && open !== PAIRS[open] && doc[cursor] === PAIRS[open] && auto.includes(cursor)) {
        // Enter between the pair: the closer goes to its own line at the line's indent.
        const lineStart = doc.lastIndexOf('\n', cursor - 1) + 1;
        const close = '\n' + /^[ \t]*/.exec(doc.slice(lineStart))![0];
        apply({ ...key, close }, ins.length + close.length);
        continue;
      }
    }
    if (ins.length === 1 && PAIRS[ins] && shouldClose(doc, cursor, ins)) {
      apply({ ...key, close: PAIRS[ins] }, 2);
      auto.push(cursor + 1);
      continue;
    }
    apply(key, ins.length);
  }
  return out;
}

/** The editor's document and cursor. */
export interface EditorState {
  doc: string;
  cursor: number;
}

/** The document as a segment opens: the file without the segment's text, the cursor where it goes. */
export function openState(file: string, seg: Segment): EditorState {
  return { doc: file.slice(0, seg.start) + seg.after, cursor: seg.start };
}

/** One key applied to the document as the editor does (the replay's editor and the checks share it). */
export function applyKey(state: EditorState, key: Key): void {
  if (key.move !== undefined) state.cursor += key.move;
  else if (key.insert === undefined) {
    state.doc = state.doc.slice(0, state.cursor - 1) + state.doc.slice(state.cursor);
    state.cursor--;
  } else {
    const rest = state.doc.slice(state.cursor + (key.over ?? 0));
    state.doc = state.doc.slice(0, state.cursor) + key.insert + (key.close ?? '') + rest;
    state.cursor += key.insert.length;
  }
}

/** The document the editor holds after `keys` (for checks: it must differ from the file only by closers ahead). */
export function applyKeys(file: string, seg: Segment, keys: Key[]): EditorState {
  const state = openState(file, seg);
  for (const k of keys) applyKey(state, k);
  return state;
}
