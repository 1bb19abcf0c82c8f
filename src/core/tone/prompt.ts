// Prompts for a tone fix, and reading the answer back. For code only the comments' prose is sent,
// each in a numbered <cN> tag so the answer maps back to its comment.
import type { ChatMessage } from '../types';
import type { Tone } from './tones';

/** What the model sees: prose (Markdown, plain text) or the prose of comments (code). */
export type ToneTarget =
  | { kind: 'prose'; languageId: string; markdown: boolean; text: string }
  | { kind: 'comments'; languageId: string; bodies: readonly string[] };

const PROSE_RULES = [
  'Keep the meaning, facts, names, numbers and links, and the language the text is written in.',
  'Keep the formatting: line breaks between paragraphs and list items, and any Markdown (headings, lists, emphasis, links).',
  'Copy inline code (`like this`) and fenced code blocks exactly.',
  'Answer with the rewritten text only: no preamble, no quotes around it, no explanation.',
];

const COMMENT_RULES = [
  'Each comment is wrapped in numbered tags: <c1>…</c1>, <c2>…</c2>, and so on.',
  'Answer with every comment, in the same order, each wrapped in its own tags, and nothing outside the tags.',
  'Rewrite only the prose. Copy identifiers, code in backticks, commented-out code, URLs, and markers such as TODO, FIXME, NOTE, @param, @returns or :param: exactly.',
  'Never add comment markers (//, #, --, /*, */, """, <!--, -->) and never add code.',
  'Keep line breaks between list items; keep each comment about as long as it is unless the tone asks otherwise.',
];

export function toneMessages(target: ToneTarget, tone: Tone): ChatMessage[] {
  if (target.kind === 'prose') {
    const what = target.markdown ? 'a Markdown passage' : 'a passage of text';
    const system = [`You rewrite ${what}. ${tone.instruction}`, ...PROSE_RULES].join('\n');
    return [
      { role: 'system', content: system },
      { role: 'user', content: target.text },
    ];
  }
  const system = [
    `You rewrite comments taken from a ${target.languageId} source file. ${tone.instruction}`,
    ...COMMENT_RULES,
  ].join('\n');
  const user = target.bodies.map((b, k) => `<c${k + 1}>\n${b}\n</c${k + 1}>`).join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** The comment bodies from a tagged answer, or undefined when any is missing or repeated. */
export function parseTaggedBodies(answer: string, count: number): string[] | undefined {
  const found = new Map<number, string>();
  for (const m of answer.matchAll(/<c(\d+)>([\s\S]*?)<\/c\1>/g)) {
    const n = Number(m[1]);
    if (n < 1 || n > count || found.has(n)) return undefined;
    found.set(
      n,
      m[2]!
        .replace(/\r\n/g, '\n')
        .replace(/^[ \t]*\n/, '')
        .trim(),
    );
  }
  // A lone comment answered without tags is still unambiguous.
  if (found.size === 0 && count === 1 && !/<\/?c\d+>/.test(answer)) return [unwrapFence(answer).trim()];
  if (found.size !== count) return undefined;
  return Array.from({ length: count }, (_, k) => found.get(k + 1)!);
}

/** Removes a code fence the model put around its whole answer. */
export function unwrapFence(answer: string): string {
  const m = /^\s*(```|~~~)[^\n]*\n([\s\S]*?)\n?\1\s*$/.exec(answer);
  return m ? m[2]! : answer;
}
