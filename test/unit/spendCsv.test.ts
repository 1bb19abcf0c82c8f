import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvField, toCsv } from '../../src/core/spend/csv';
import { fixtureRecords, record } from '../ui/fixture';

/** A small RFC 4180 reader, to check the export round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('csv export', () => {
  test('fields are quoted only when needed, quotes doubled', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(0.125), '0.125');
  });

  test('header, one CRLF line per record, and values round-trip', () => {
    const records = [...fixtureRecords(), record({ command: 'my,cmd', reason: 'line1\r\nline2 "x"' })];
    const text = toCsv(records);
    assert.ok(text.endsWith('\r\n'));
    const rows = parseCsv(text);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, records.length + 1);
    const last = rows[rows.length - 1]!;
    const col = (name: (typeof CSV_COLUMNS)[number]) => last[CSV_COLUMNS.indexOf(name)];
    assert.equal(col('command'), 'my,cmd');
    assert.equal(col('reason'), 'line1\r\nline2 "x"');
    const refused = rows[9]!;
    assert.equal(refused[CSV_COLUMNS.indexOf('ttftMs')], '');
    assert.equal(refused[CSV_COLUMNS.indexOf('outcome')], 'refused');
    assert.equal(Number(rows[3]![CSV_COLUMNS.indexOf('costUsd')]), 0.5);
  });
});
