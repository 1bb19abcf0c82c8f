// Dismissals: a re-review of unchanged code matches a dismissed finding; changed code, another
// file, category or title does not; the set survives a JSON round trip and stays bounded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DismissedSet, codeLines, findingFingerprint } from '../../src/core/review/dismiss';
import type { Finding } from '../../src/core/review/findings';

const finding: Finding = {
  file: 'src/a.ts',
  startLine: 2,
  endLine: 3,
  severity: 'warning',
  category: 'bug',
  title: 'Off by one',
  explanation: 'Reads past the end.',
  confidence: 'high',
};
const SOURCE = 'const a = [1, 2];\nfor (let i = 0; i <= a.length; i++)\n  use(a[i]);\n';
const lines = codeLines(SOURCE, finding.startLine, finding.endLine);

describe('codeLines', () => {
  test('1-based inclusive range; CRLF is split like LF; out-of-range lines are left out', () => {
    assert.deepEqual(lines, ['for (let i = 0; i <= a.length; i++)', '  use(a[i]);']);
    assert.deepEqual(codeLines('x\r\ny\r\n', 1, 2), ['x', 'y']);
    assert.deepEqual(codeLines('x', 3, 5), []);
  });
});

describe('findingFingerprint', () => {
  const fp = findingFingerprint(finding, lines);

  test('same finding on the same code, moved to other lines, with another explanation: same fingerprint', () => {
    const moved = { ...finding, startLine: 12, endLine: 13, explanation: 'Worded differently this time.' };
    assert.equal(findingFingerprint(moved, lines), fp);
  });

  test('trailing spaces and line endings do not count; any other edit of the lines does', () => {
    assert.equal(
      findingFingerprint(
        finding,
        lines.map((l) => `${l}  \r`),
      ),
      fp,
    );
    assert.notEqual(findingFingerprint(finding, ['for (let i = 0; i < a.length; i++)', '  use(a[i]);']), fp);
    assert.notEqual(findingFingerprint(finding, [lines[0]!, `    ${lines[1]!.trim()}`]), fp, 'indentation counts');
  });

  test('file, category and title each make a different finding', () => {
    assert.notEqual(findingFingerprint({ ...finding, file: 'src/b.ts' }, lines), fp);
    assert.notEqual(findingFingerprint({ ...finding, category: 'performance' }, lines), fp);
    assert.notEqual(findingFingerprint({ ...finding, title: 'Off by two' }, lines), fp);
  });

  test('parts cannot run into each other (a title ending like a path)', () => {
    const a = findingFingerprint({ file: 'a', category: 'bug', title: 'b c' }, ['x']);
    const b = findingFingerprint({ file: 'a b', category: 'bug', title: 'c' }, ['x']);
    assert.notEqual(a, b);
  });
});

describe('DismissedSet', () => {
  test('a dismissed finding stays dismissed for unchanged code only', () => {
    const set = new DismissedSet();
    assert.equal(set.isDismissed(finding, lines), false);
    set.dismiss(finding, lines, 1000);
    assert.equal(set.isDismissed({ ...finding, startLine: 40, endLine: 41 }, lines), true);
    assert.equal(set.isDismissed(finding, ['for (const x of a)', '  use(x);']), false);
  });

  test('restore undoes one dismissal', () => {
    const set = new DismissedSet();
    const fp = set.dismiss(finding, lines, 1);
    assert.equal(set.restore(fp), true);
    assert.equal(set.isDismissed(finding, lines), false);
    assert.equal(set.restore(fp), false);
  });

  test('survives a JSON round trip (workspaceState); malformed stored entries are skipped', () => {
    const set = new DismissedSet();
    set.dismiss(finding, lines, 5);
    const stored: unknown = JSON.parse(JSON.stringify(set));
    const back = DismissedSet.from(stored);
    assert.equal(back.isDismissed(finding, lines), true);
    const messy = DismissedSet.from([...(stored as object[]), null, 3, { fp: 1, at: 2, title: 't' }, { fp: 'x' }]);
    assert.equal(messy.size, 1);
    assert.equal(DismissedSet.from(undefined).size, 0);
    assert.equal(DismissedSet.from({ not: 'a list' }).size, 0);
  });

  test('bounded: past the limit the oldest dismissals go first; a repeated dismissal counts as new', () => {
    const set = new DismissedSet([], 3);
    const f = (n: number) => ({ ...finding, title: `t${n}` });
    set.dismiss(f(1), lines, 1);
    set.dismiss(f(2), lines, 2);
    set.dismiss(f(3), lines, 3);
    set.dismiss(f(1), lines, 4); // refreshed: now the newest
    set.dismiss(f(4), lines, 5); // drops t2, the oldest
    assert.equal(set.size, 3);
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => set.isDismissed(f(n), lines)),
      [true, false, true, true],
    );
    // Rebuilt from stored state in any order, the same bound keeps the newest.
    const back = DismissedSet.from([...set.toJSON()].reverse(), 2);
    assert.deepEqual(
      [1, 3, 4].map((n) => back.isDismissed(f(n), lines)),
      [true, false, true],
    );
  });
});
