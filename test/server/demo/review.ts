// Demo review answers: findings a reviewer would really report about the code it was sent
// (console.log left in, `any`, `==`, TODO, a promise call without await), with the line numbers
// of the input and a replacement where the fix is certain; plus the triage and extraction stages'
// own answers. Shapes: src/core/review/findings.ts (findingsSchema) and prompts.ts.

export interface NumberedLine {
  file: string;
  line: number;
  code: string;
}

export interface DemoFinding {
  file: string;
  startLine: number;
  endLine: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  category: 'bug' | 'maintainability' | 'error-handling' | 'docs';
  title: string;
  explanation: string;
  /** As sure as a pattern check can be: certain for syntax, less so where intent matters. */
  confidence: 'high' | 'medium' | 'low';
  replacement: string | null;
}

/**
 * The numbered lines of a rendered review input (src/core/review/input.ts): "=== FILE: path … ==="
 * headers, then "  12 | code", or "  12 +| code" in diffs where only added lines count.
 */
export function numberedLines(rendered: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  let file = '';
  let diff = false;
  for (const text of rendered.split('\n')) {
    const header = /^=== FILE: (\S+)(.*)===$/.exec(text);
    if (header) {
      file = header[1]!;
      diff = header[2]!.includes('new-side line numbers');
      continue;
    }
    const m = /^\s*(\d+) ?([+ ]?)\| ?(.*)$/.exec(text);
    if (!m || !file) continue;
    if (diff && m[2] !== '+') continue;
    out.push({ file, line: Number(m[1]), code: m[3]! });
  }
  return out;
}

const JS = /\.(m|c)?(t|j)sx?$/;
const TS = /\.(m|c)?tsx?$/;

/** Code of a line without string literals and its trailing // comment, for pattern checks. */
function codeOnly(code: string): string {
  return code
    .replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""')
    .replace(/\/\/.*$/, '')
    .replace(/#.*$/, (c) => (/^\s*#/.test(code) ? c : ''));
}

type Check = (l: NumberedLine, all: NumberedLine[]) => DemoFinding | undefined;

const finding = (l: NumberedLine, f: Omit<DemoFinding, 'file' | 'startLine' | 'endLine'>): DemoFinding => ({
  file: l.file,
  startLine: l.line,
  endLine: l.line,
  ...f,
});

/** Checks in priority order: bugs before maintainability before notes. */
const CHECKS: Check[] = [
  (l, all) => {
    const code = codeOnly(l.code);
    const call =
      /^(\s*)(?:(const|let|var)\s+(\w+)\s*=\s*)?((?:fetch|[\w$.]*(?:Async|\.json|\.text|readFile|writeFile))\s*\()/.exec(
        code,
      );
    if (!call || !JS.test(l.file) || /\bawait\b/.test(code) || /\.then\(/.test(code)) return undefined;
    if (/\bfunction\b|=>/.test(code)) return undefined;
    // Only inside an async function: an await elsewhere would not compile.
    const enclosing = all.filter((o) => o.file === l.file && o.line < l.line && /\b(function|=>)/.test(o.code)).pop();
    if (!enclosing || !/\basync\b/.test(enclosing.code)) return undefined;
    const at = l.code.indexOf(call[4]!);
    return finding(l, {
      severity: 'error',
      category: 'bug',
      title: 'Promise used without await',
      explanation: `\`${call[4]!.replace(/\s*\($/, '')}\` returns a promise; without \`await\` the code goes on with the promise instead of its result, and a rejection is never caught here.`,
      confidence: 'medium',
      replacement: `${l.code.slice(0, at)}await ${l.code.slice(at)}`,
    });
  },
  (l) => {
    const code = codeOnly(l.code);
    // `x == null` is the idiom for null or undefined: not reported.
    const loose = /[^=!<>](==|!=)(?!=)(?!\s*null\b)/;
    if (!JS.test(l.file) || !loose.test(code) || /null\s*[!=]=[^=]/.test(code)) return undefined;
    const fixed = l.code.replace(
      /(["'`])(?:\\.|(?!\1).)*\1|\/\/.*$|([^=!<>])(==|!=)(?!=)/g,
      (m, q: string | undefined, pre: string | undefined, op: string | undefined) =>
        q !== undefined || op === undefined ? m : `${pre}${op}=`,
    );
    return finding(l, {
      severity: 'warning',
      category: 'bug',
      title: 'Loose equality (`==`) instead of `===`',
      explanation:
        '`==` converts types before comparing (`0 == ""` is true, `null == undefined` is true), which hides bugs. Use `===` / `!==`.',
      confidence: 'high',
      replacement: fixed,
    });
  },
  (l) => {
    const code = codeOnly(l.code);
    if (!TS.test(l.file) || !/(:\s*any\b|\bas any\b|<any>|any\[\])/.test(code)) return undefined;
    return finding(l, {
      severity: 'warning',
      category: 'maintainability',
      title: '`any` turns off type checking',
      explanation:
        'Values typed `any` are not checked anywhere they flow. `unknown` keeps them checked: narrow it before use.',
      confidence: 'high',
      replacement: l.code.replace(/(:\s*|\bas |<)any\b/g, '$1unknown'),
    });
  },
  (l) => {
    const code = codeOnly(l.code);
    if (!/\bconsole\.(log|debug)\(/.test(code) || !/^\s*console\.\w+\(.*\);?\s*$/.test(code)) return undefined;
    return finding(l, {
      severity: 'info',
      category: 'maintainability',
      title: 'Debug `console.log` left in',
      explanation: 'Debug output left in shipped code clutters the console and may print data users should not see.',
      confidence: 'medium',
      replacement: '',
    });
  },
  (l) => {
    const m = /(?:\/\/|#|\/\*|\*)\s*(TODO|FIXME)\b:?\s*(.*?)(?:\*\/)?\s*$/.exec(l.code);
    if (!m) return undefined;
    return finding(l, {
      severity: 'info',
      category: 'maintainability',
      title: `${m[1]} left in the code${m[2] ? `: ${m[2].slice(0, 120)}` : ''}`,
      explanation: `An open ${m[1]} marks unfinished work; track it in an issue or finish it before release.`,
      confidence: 'low',
      replacement: null,
    });
  },
];

/** Up to `max` findings: one per line, the most serious first, then in file order. */
export function findIssues(lines: NumberedLine[], max = 3): DemoFinding[] {
  const found: { rank: number; f: DemoFinding }[] = [];
  for (const l of lines) {
    const rank = CHECKS.findIndex((c) => c(l, lines));
    if (rank >= 0) found.push({ rank, f: CHECKS[rank]!(l, lines)! });
  }
  return found
    .sort((a, b) => a.rank - b.rank || a.f.startLine - b.f.startLine)
    .slice(0, max)
    .map((x) => x.f)
    .sort((a, b) => a.file.localeCompare(b.file) || a.startLine - b.startLine);
}

type Json = Record<string, unknown>;

/** Whether the schema requires `replacement` on each finding (OpenAI strict: present, null for none). */
function replacementRequired(schema: Json): boolean {
  const items = ((schema.properties as Json | undefined)?.findings as Json | undefined)?.items as Json | undefined;
  return Array.isArray(items?.required) && (items.required as string[]).includes('replacement');
}

/** The lines the reasoner sees: the key lines the extraction quoted (src/core/review/prompts.ts reasonerMessages). */
function summaryLines(text: string): NumberedLine[] {
  const at = text.indexOf('\n\n{');
  if (at < 0) return [];
  try {
    const parsed = JSON.parse(text.slice(at + 2)) as {
      files?: { file: string; keyLines?: { line: number; code: string }[] }[];
    };
    return (parsed.files ?? []).flatMap((f) =>
      (f.keyLines ?? []).map((k) => ({ file: f.file, line: k.line, code: k.code })),
    );
  } catch {
    return [];
  }
}

/** The review stage's answer: the input is the first user turn (a repair repeats it first). */
export function demoFindings(users: string[], schema: Json): string {
  const first = users[0] ?? '';
  const lines = first.includes('=== FILE:') ? numberedLines(first) : summaryLines(first);
  const strict = replacementRequired(schema);
  const findings = findIssues(lines).map((f) => {
    if (f.replacement !== null || strict) return f;
    const { replacement: _r, ...rest } = f;
    return rest;
  });
  const files = new Set(lines.map((l) => l.file)).size;
  const summary =
    findings.length === 0
      ? `Reviewed ${lines.length} line(s) in ${files} file(s); nothing that needs a change.`
      : `Reviewed ${lines.length} line(s) in ${files} file(s). ${findings.length} thing(s) to look at: ${findings.map((f) => f.title.replace(/`/g, '')).join('; ')}.`;
  return JSON.stringify({ summary, findings });
}

/** Triage: complexity from the size and branching of the code sent. */
export function demoTriage(users: string[]): string {
  const lines = numberedLines(users[0] ?? '');
  const branches = lines.filter((l) => /\b(if|for|while|switch|catch|case)\b|\?.*:/.test(l.code)).length;
  const complexity = Math.min(5, Math.max(1, 1 + Math.floor(lines.length / 80) + Math.floor(branches / 5)));
  return JSON.stringify({ complexity, reason: `${lines.length} lines with ${branches} branch point(s).` });
}

/** Extraction: per file, its functions, the risky lines and those lines quoted as key lines. */
export function demoExtraction(users: string[]): string {
  const lines = numberedLines(users[0] ?? '');
  const files = [...new Set(lines.map((l) => l.file))].map((file) => {
    const mine = lines.filter((l) => l.file === file);
    const risky = findIssues(mine, 40);
    const fns = mine
      .map((l) => ({ l, m: /\b(?:function|def)\s+(\w+)|(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?\(/.exec(l.code) }))
      .filter((x) => x.m)
      .slice(0, 40);
    return {
      file,
      purpose: `Defines ${fns.length} function(s) over ${mine.length} line(s).`,
      changedFunctions: fns.map(({ l, m }) => ({
        name: m![1] ?? m![2]!,
        startLine: l.line,
        endLine: l.line,
        change: 'defined here',
      })),
      risks: risky.map((f) => ({ line: f.startLine, description: f.title })),
      keyLines: risky.map((f) => ({
        line: f.startLine,
        code: mine.find((l) => l.line === f.startLine)!.code.slice(0, 400),
        why: f.title.slice(0, 300),
      })),
    };
  });
  return JSON.stringify({ files });
}
