// Agreement of two reviews: Jaccard overlap of their findings, where two findings match when they
// name the same file, overlapping line ranges and the same category. Matching is one-to-one.

export interface FindingKey {
  file: string;
  startLine: number;
  endLine: number;
  category: string;
}

const normFile = (f: string): string => f.replace(/\\/g, '/').replace(/^\.\//, '');

export function findingsMatch(a: FindingKey, b: FindingKey): boolean {
  return (
    normFile(a.file) === normFile(b.file) &&
    a.category === b.category &&
    a.startLine <= b.endLine &&
    b.startLine <= a.endLine
  );
}

/** |matched| / (|a| + |b| − |matched|); 1 when both found nothing (they agree). */
export function findingsOverlap(a: readonly FindingKey[], b: readonly FindingKey[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const used = new Set<number>();
  let matched = 0;
  for (const fa of a) {
    const j = b.findIndex((fb, k) => !used.has(k) && findingsMatch(fa, fb));
    if (j >= 0) {
      used.add(j);
      matched++;
    }
  }
  return matched / (a.length + b.length - matched);
}
