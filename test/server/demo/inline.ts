// Demo code continuations: a short insertion that fits the cursor, decided from the text around it
// the way a completion model would guess, deterministically. Empty when nothing fits; never an echo.

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set(Object.values(OPENERS));
const KEYWORDS = new Set(
  'abstract as async await break case catch class const continue default delete do else enum export extends false finally for from function if implements import in instanceof interface let new null of private protected public readonly return static super switch this throw true try type typeof undefined var void while yield def elif pass self None True False lambda'.split(
    ' ',
  ),
);

/** Brackets opened on `line` and not closed there, innermost last (strings skipped). */
export function openBrackets(line: string): string[] {
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') break;
    else if (OPENERS[c]) stack.push(c);
    else if (CLOSERS.has(c) && stack.length && OPENERS[stack[stack.length - 1]!] === c) stack.pop();
  }
  return stack;
}

/** Identifiers declared or used in the text, in order of first appearance (keywords left out). */
export function identifiers(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_$][\w$]*/g)) {
    if (!KEYWORDS.has(m[0]) && m[0].length > 1) seen.add(m[0]);
  }
  return [...seen];
}

interface FunctionInfo {
  name: string;
  params: { name: string; type?: string }[];
}

/** Functions declared in the text (`function f(a: T)`, `const f = (a) =>`, `def f(a)`). */
export function functionsIn(text: string): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  const re =
    /(?:function\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)|(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?\(([^)]*)\)\s*(?::[^=]*)?=>|def\s+([A-Za-z_]\w*)\s*\(([^)]*)\))/g;
  for (const m of text.matchAll(re)) {
    const name = m[1] ?? m[3] ?? m[5]!;
    const params = (m[2] ?? m[4] ?? m[6] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p && p !== 'self')
      .map((p) => {
        const [n, t] = p.split(':').map((s) => s.trim());
        return { name: n!.replace(/[?=].*$/, ''), type: t };
      });
    out.push({ name, params });
  }
  return out;
}

/** A placeholder argument of a type: what a model writes when it must pass something. */
function sample(type: string | undefined, name: string): string {
  if (!type) return name;
  if (/^number\b/.test(type)) return '0';
  if (/^string\b/.test(type)) return `'${name}'`;
  if (/^boolean\b/.test(type)) return 'false';
  if (/\[\]$/.test(type)) return '[]';
  return name;
}

/**
 * A total over an array field of a parameter, when the return type is a number and the parameter's
 * interface (declared in the file) has an array of objects with numeric fields:
 * `return order.items.reduce((sum, item) => sum + item.qty * item.unitPrice, 0);`.
 */
function totalOf(signature: string, file: string): string | undefined {
  for (const param of signature.matchAll(/(\w+)\s*:\s*(\w+)\s*[,)]/g)) {
    const iface = new RegExp(`interface\\s+${param[2]}\\s*\\{([\\s\\S]*?)\\n\\}`).exec(file)?.[1];
    const field = iface && /(\w+)\s*:\s*\{([^}]*)\}\[\]/.exec(iface);
    if (!field) continue;
    const numeric = [...field[2]!.matchAll(/(\w+)\s*:\s*number/g)].map((m) => m[1]!).slice(0, 2);
    if (numeric.length === 0) continue;
    const item = field[1]!.replace(/s$/, '') || 'item';
    const term = numeric.map((n) => `${item}.${n}`).join(' * ');
    return `return ${param[1]}.${field[1]}.reduce((sum, ${item}) => sum + ${term}, 0);`;
  }
  return undefined;
}

/** A `return` for an empty function body, from the declared return type. */
function returnFor(signature: string, file: string): string {
  const type = /\)\s*:\s*([^{]+?)\s*\{\s*$/.exec(signature)?.[1];
  if (type === 'number') {
    const total = totalOf(signature, file);
    if (total) return total;
  }
  if (!type) return /\bdef\b/.test(signature) ? 'return None' : '';
  if (/^(void|Promise<void>)$/.test(type)) return '';
  const value = /^(Promise<)?number>?$/.test(type)
    ? '0'
    : /^(Promise<)?string>?$/.test(type)
      ? "''"
      : /^(Promise<)?boolean>?$/.test(type)
        ? 'false'
        : /\[\]>?$/.test(type)
          ? '[]'
          : 'undefined';
  return `return ${value};`;
}

/**
 * The continuation at the cursor (prefix | suffix), or '' when nothing fits:
 * - an empty function body gets a `return` of its declared type;
 * - a word being typed is completed to an identifier seen earlier in the file;
 * - `= ` / `return ` get a call of a function declared in the file;
 * - an open call or bracket on the line is closed (with an argument when the call has none yet).
 */
export function demoCompletion(prefix: string, suffix: string, languageId?: string): string {
  const lineStart = prefix.lastIndexOf('\n') + 1;
  const line = prefix.slice(lineStart);
  const rest = suffix.split('\n', 1)[0]!;
  const before = prefix.slice(0, lineStart);
  const python = languageId === 'python' || /^\s*def\s/m.test(prefix + suffix);
  const semi = python ? '' : ';';
  // Mid-line with code after the cursor: only a word completion fits.
  const restIsCode = rest.trim() !== '' && !/^[)\]}>;,'"`]*\s*$/.test(rest);

  const prevLine = before.replace(/\n$/, '').split('\n').pop() ?? '';
  const nextLine = suffix.split('\n')[1] ?? '';
  if (line.trim() === '' && /\{\s*$/.test(prevLine) && /\b(function|=>|\)\s*:)/.test(prevLine)) {
    if (rest.trim() === '' && /^\s*\}/.test(nextLine.length ? nextLine : suffix.trimStart()))
      return returnFor(prevLine, prefix + suffix);
  }
  if (line.trim() === '' && /:\s*$/.test(prevLine) && /^\s*def\b/.test(prevLine)) return 'return None';

  const known = identifiers(before + suffix);
  const fns = functionsIn(prefix + suffix);
  const word = /[A-Za-z_$][\w$]*$/.exec(line)?.[0];
  if (word && word.length >= 2) {
    const match = known.find((id) => id.length > word.length && id.startsWith(word));
    if (match) {
      const tail = match.slice(word.length);
      const fn = fns.find((f) => f.name === match);
      if (fn && !restIsCode && rest.trim() === '')
        return `${tail}(${fn.params.map((p) => sample(p.type, p.name)).join(', ')})${/\b(const|let|var|return)\b|=/.test(line) ? semi : ''}`;
      return tail;
    }
  }
  if (restIsCode) return '';

  const open = openBrackets(line);
  if (/(=|\breturn)\s*$/.test(line) && open.length === 0) {
    // Right after `=` a model writes the space too.
    const lead = /\s$/.test(line) ? '' : ' ';
    const fn = [...fns].reverse().find((f) => !line.includes(`function ${f.name}`));
    if (fn) return `${lead}${fn.name}(${fn.params.map((p) => sample(p.type, p.name)).join(', ')})${semi}`;
    const id = known.find((k) => !line.includes(k));
    return id ? `${lead}${id}${semi}` : '';
  }
  if (open.length) {
    const closing = open
      .slice()
      .reverse()
      .map((c) => OPENERS[c])
      .join('');
    const already = rest.trim();
    const needed = already && closing.startsWith(already) ? closing.slice(already.length) : already ? '' : closing;
    let arg = '';
    if (/\(\s*$/.test(line)) {
      const callee = /([A-Za-z_$][\w$]*)\s*\(\s*$/.exec(line)?.[1];
      const fn = fns.find((f) => f.name === callee);
      arg = fn ? fn.params.map((p) => sample(p.type, p.name)).join(', ') : '';
    }
    if (!needed && !arg) return '';
    const statement = /^\s*(const|let|var|return|[\w$.]+\()/.test(line) && !already;
    return `${arg}${needed}${statement && needed === closing ? semi : ''}`;
  }
  return '';
}
