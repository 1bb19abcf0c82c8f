// Demo tone rewrites: the answer src/core/tone expects (tagged comment bodies, or the prose alone),
// with a plausible change for the asked tone. Code spans, markers (TODO, @param) and identifiers
// in backticks are left alone, so the answer passes src/core/tone/checks.ts.

export type DemoTone = 'grammar' | 'concise' | 'friendly' | 'formal' | 'neutral' | 'custom';

/** The tone from its instruction (src/core/tone/tones.ts BUILT_IN_TONES). */
export function toneOf(system: string): DemoTone {
  if (system.includes('Fix grammar')) return 'grammar';
  if (system.includes('Make it concise')) return 'concise';
  if (system.includes('Make it friendly')) return 'friendly';
  if (system.includes('Make it formal')) return 'formal';
  if (system.includes('Make it neutral')) return 'neutral';
  return 'custom';
}

const TYPOS: [RegExp, string][] = [
  [/\bteh\b/g, 'the'],
  [/\bTeh\b/g, 'The'],
  [/\brecieve/g, 'receive'],
  [/\bseperate/g, 'separate'],
  [/\bdont\b/g, "don't"],
  [/\bdoesnt\b/g, "doesn't"],
  [/\bcant\b/g, "can't"],
  [/\bwont\b/g, "won't"],
  [/\bisnt\b/g, "isn't"],
  [/\bi\b/g, 'I'],
  [/ {2,}/g, ' '],
  [/ ([,.;:!?])/g, '$1'],
];

const FILLER =
  /\b(basically|actually|really|just|very|simply|quite|probably|literally|kind of|sort of|also|please note that|note that|in order)\s+/gi;

/** A hedge closing a sentence: "…, probably." */
const TRAILING_FILLER = /,?\s*\b(probably|basically|really|actually|I think|I guess)\b(?=[.!?]|\s*$)/gi;

const CONTRACTIONS: [RegExp, string][] = [
  [/\bcan't\b/gi, 'cannot'],
  [/\bwon't\b/gi, 'will not'],
  [/\b(\w+)n't\b/gi, '$1 not'],
  [/\bit's\b/gi, 'it is'],
  [/\b(\w+)'re\b/gi, '$1 are'],
  [/\b(\w+)'ll\b/gi, '$1 will'],
  [/\bstuff\b/gi, 'items'],
  [/\bthing\b/gi, 'issue'],
  [/!+/g, '.'],
];

const LOADED: [RegExp, string][] = [
  [/\b(stupid|dumb|terrible|horrible|awful|insane|crazy|silly)\s+/gi, ''],
  [/\b(obviously|clearly|of course),?\s+/gi, ''],
  [/\b(broken|garbage|mess)\b/gi, 'incorrect'],
  [/!+/g, '.'],
];

const MARKER = /^(TODO|FIXME|NOTE|HACK|XXX|@\w+|:\w+:)/;

/** Applies `fix` to the prose outside inline code spans, URLs and markers. */
function onProse(text: string, fix: (s: string) => string): string {
  return text
    .split(/(`[^`\n]*`|https?:\/\/\S+)/)
    .map((part, i) => (i % 2 === 1 ? part : fix(part)))
    .join('');
}

const replaceAll = (s: string, rules: [RegExp, string][]) => rules.reduce((t, [re, to]) => t.replace(re, to), s);

/** Sentence case and a closing period for one line of prose; list items, headings and markers keep their start. */
function sentence(line: string, last: boolean): string {
  const m = /^(\s*(?:[-*+>]\s+|#+\s+|\d+[.)]\s+)?)(.*)$/.exec(line)!;
  const lead = m[1]!;
  let body = m[2]!;
  if (!body || MARKER.test(body)) return line;
  // Only a lowercase word (not an identifier such as fooBar or foo_bar) is capitalised.
  body = body.replace(/^([a-z][a-z]*)(?=[\s,.;:!?]|$)/, (w) => w[0]!.toUpperCase() + w.slice(1));
  const plain = !/^\s*#/.test(lead) && !/[`)]$/.test(body) && !/https?:\/\/\S+$/.test(body);
  if (last && plain && /[A-Za-z0-9]$/.test(body)) body += '.';
  return lead + body;
}

export function fixGrammar(text: string): string {
  const lines = text.split('\n');
  let inFence = false;
  return lines
    .map((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence || /^\s*(```|~~~)/.test(line) || /^ {4}|\t/.test(line)) return line;
      const fixed = onProse(line, (s) => replaceAll(s, TYPOS));
      const next = lines[i + 1];
      const endsParagraph = next === undefined || next.trim() === '' || /^\s*([-*+>#]|\d+[.)])\s/.test(next);
      return sentence(fixed, endsParagraph);
    })
    .join('\n');
}

function tidy(s: string): string {
  return s
    .replace(/ {2,}/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .replace(/,\s*\./g, '.')
    .replace(/,\s*$/, '');
}

/** The rewrite of one text for a tone; grammar fixes come with every tone. */
export function rewrite(text: string, tone: DemoTone): string {
  const prose = (rules: [RegExp, string][] | RegExp) =>
    onProse(text, (s) => tidy(rules instanceof RegExp ? s.replace(rules, '') : replaceAll(s, rules)));
  let out: string;
  switch (tone) {
    case 'concise':
      out = onProse(prose(FILLER), (s) => tidy(s.replace(TRAILING_FILLER, ''))).replace(/\bin order to\b/gi, 'to');
      break;
    case 'formal':
      out = prose(CONTRACTIONS);
      break;
    case 'neutral':
      out = prose(LOADED);
      break;
    case 'friendly':
      out = prose([[/!+/g, '.']]);
      break;
    default:
      out = text;
  }
  out = fixGrammar(out);
  if (tone === 'grammar' || squash(out) !== squash(text)) return out;
  // Every other tone must change something (checks.ts 'unchanged'): a last, still-true touch.
  if (tone === 'friendly') return `${out.replace(/\.$/, '')} (thanks!)`;
  if (tone === 'concise') return out.replace(/\.\s*$/, '').replace(/^(the|a|an) /i, '');
  return /[.!?]\s*$/.test(out) ? `Note: ${out}` : `${out}.`;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The answer to a tone request: tagged bodies for comments (<c1>…</c1>), the prose alone otherwise. */
export function demoTone(system: string, user: string): string {
  const tone = toneOf(system);
  const tagged = [...user.matchAll(/<c(\d+)>\n?([\s\S]*?)\n?<\/c\1>/g)];
  if (tagged.length === 0) return rewrite(user, tone);
  return tagged.map(([, n, body]) => `<c${n}>\n${rewrite(body!, tone)}\n</c${n}>`).join('\n');
}
