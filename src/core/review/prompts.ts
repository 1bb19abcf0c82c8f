// Prompts and answer shapes of the three review stages (triage, extract, review) and the one JSON
// repair. Any change to wording or shape bumps PROMPT_VERSION so cached results are not reused.
import { z } from 'zod';
import type { ChatMessage } from '../types';
import { CATEGORIES, SEVERITIES } from './findings';
import type { ReviewKind } from './input';

export const PROMPT_VERSION = 'review-2026-11-30.1';

const KIND_TEXT: Record<ReviewKind, string> = {
  selection: 'a selection from a file',
  file: 'a whole file',
  changes: 'uncommitted changes (staged and unstaged) as diffs',
  branch: "a branch's committed changes since it left its base branch (what a pull request contains) as diffs",
};

const REVIEW_RULES = [
  'You are a senior engineer doing a careful code review. Report real problems only: bugs, security issues,',
  'race conditions, wrong error handling, API misuse, performance traps, and maintainability issues that matter.',
  'Do not report formatting or taste. Fewer, correct findings beat many speculative ones.',
  'Line numbers are shown at the start of each input line ("  12 | code"); use exactly those numbers.',
  'For diffs, review the added/changed lines ("+") in their context; findings must point at new-side line numbers.',
  `severity is one of ${SEVERITIES.join(', ')}; category is one of ${CATEGORIES.join(', ')}.`,
  'file must be the path exactly as written after "=== FILE:".',
  'confidence says honestly how sure you are that the finding is a real problem in this code: high when you can',
  'see it is wrong, medium when it is likely but depends on code or intent you cannot see, low when it is only a',
  'possibility worth a look. Do not raise confidence to make a finding look important.',
  'replacement is optional: when a fix is local and certain, give the exact code that replaces lines',
  'startLine..endLine in full (original indentation, no line numbers, no diff markers); otherwise null.',
  'Answer with one JSON object matching the schema and nothing else.',
].join('\n');

export function reviewMessages(kind: ReviewKind, rendered: string): ChatMessage[] {
  return [
    { role: 'system', content: REVIEW_RULES },
    { role: 'user', content: `Review ${KIND_TEXT[kind]}.\n\n${rendered}` },
  ];
}

/** The reasoner sees the extractor's summaries instead of the code. */
export function reasonerMessages(kind: ReviewKind, summaries: ExtractedFile[]): ChatMessage[] {
  return [
    { role: 'system', content: REVIEW_RULES },
    {
      role: 'user',
      content:
        `Review ${KIND_TEXT[kind]}. The input was too large to send whole, so a first pass summarised each file: ` +
        'its purpose, the functions it changes or defines, risks it noticed and key lines quoted with their line numbers. ' +
        'Reason over these summaries; point findings at the quoted line numbers; give a replacement only for a quoted line ' +
        'you are certain about.\n\n' +
        JSON.stringify({ files: summaries }, null, 1),
    },
  ];
}

/** One repair attempt: the same conversation, the invalid answer, and what was wrong with it. */
export function repairMessages(original: ChatMessage[], invalidAnswer: string, problem: string): ChatMessage[] {
  return [
    ...original,
    { role: 'assistant', content: invalidAnswer.slice(0, 20_000) },
    {
      role: 'user',
      content: `That answer is ${problem}. Send the same review again as one JSON object that matches the schema exactly, with no text around it.`,
    },
  ];
}

// --- extractor (lite): per-file structured summaries ---------------------------------------------

const lineNo = z.number().int().min(1);

export const extractedFileSchema = z.object({
  file: z.string().min(1),
  purpose: z.string().max(1000),
  changedFunctions: z
    .array(z.object({ name: z.string(), startLine: lineNo, endLine: lineNo, change: z.string().max(500) }))
    .max(40),
  risks: z.array(z.object({ line: lineNo, description: z.string().max(500) })).max(40),
  keyLines: z.array(z.object({ line: lineNo, code: z.string().max(400), why: z.string().max(300) })).max(60),
});

export const extractionSchema = z.object({ files: z.array(extractedFileSchema) });

export type ExtractedFile = z.infer<typeof extractedFileSchema>;
export type Extraction = z.infer<typeof extractionSchema>;

export function extractMessages(kind: ReviewKind, rendered: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        'You prepare code for a reviewer who will not see it. For each file in the input, return:',
        'purpose (one or two sentences), changedFunctions (functions/methods defined or changed, with line ranges and',
        'what they do or what changed), risks (anything that may be a bug, a security or concurrency issue, with its',
        'line), and keyLines (the lines a reviewer must see, quoted exactly with their line numbers).',
        'Line numbers are shown at the start of each input line; use exactly those. file is the path after "=== FILE:".',
        'Be terse. Answer with one JSON object matching the schema and nothing else.',
      ].join('\n'),
    },
    { role: 'user', content: `Summarise ${KIND_TEXT[kind]}.\n\n${rendered}` },
  ];
}

// --- triage (lite): complexity 1-5 ---------------------------------------------------------------

export const triageSchema = z.object({
  complexity: z.number().int().min(1).max(5).describe('1 trivial … 5 intricate'),
  reason: z.string().min(1).max(300),
});

export type Triage = z.infer<typeof triageSchema>;

export function triageMessages(kind: ReviewKind, rendered: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        'Rate how hard the following code is to review well, from 1 to 5:',
        '1-2: small, local, obvious code (renames, config, simple functions, tests of simple code);',
        '3: ordinary logic with some branches or state; 4-5: concurrency, security, parsing, money, intricate state',
        'or algorithms, or changes spread over many places. Give a one-sentence reason.',
        'Answer with one JSON object {"complexity": n, "reason": "..."} and nothing else.',
      ].join('\n'),
    },
    { role: 'user', content: `Rate ${KIND_TEXT[kind]}.\n\n${rendered}` },
  ];
}
