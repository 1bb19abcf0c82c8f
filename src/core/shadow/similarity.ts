// Agreement of two tone fixes: 1 − Levenshtein distance / longer length, over word tokens
// (whitespace kept as its own tokens would make a reflowed paragraph look different).
// O(n·m) time and O(min(n,m)) memory: a few KB of text is a few hundred words each side.

/** Words and punctuation, lower-cased; whitespace only separates. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_'’-]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** Edit distance (insert, delete, substitute, each 1) between two sequences. */
export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const cost = ai === b[j - 1] ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

/** 1 when the texts say the same words in the same order, 0 when they share nothing. */
export function editSimilarity(a: string, b: string): number {
  const ta = wordTokens(a);
  const tb = wordTokens(b);
  const longer = Math.max(ta.length, tb.length);
  if (longer === 0) return 1;
  return 1 - levenshtein(ta, tb) / longer;
}
