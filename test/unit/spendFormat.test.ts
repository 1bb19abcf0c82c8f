import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { niceMax } from '../../src/webview/charts';
import { money, percent, shortDay } from '../../src/webview/format';

describe('panel formatting', () => {
  test('money is the one formatter: a $0.0001 unit, whole cents as cents, grouping, sign', () => {
    assert.equal(money(0), '$0.00');
    assert.equal(money(0.907), '$0.9070');
    assert.equal(money(1234.5), '$1,234.50');
    assert.equal(money(0.007), '$0.0070');
    assert.equal(money(0.00008), '$0.0001');
    assert.equal(money(0.00004), '<$0.0001');
    assert.equal(money(-0.16), '−$0.16');
    assert.equal(money(NaN), '$?');
  });

  test('percent, days and chart scale tops', () => {
    assert.equal(percent(0.16 / 1.067), '15.0%');
    assert.equal(shortDay('2026-11-23'), 'Nov 23');
    assert.equal(niceMax(0.502), 1);
    assert.equal(niceMax(0.4), 0.5);
    assert.equal(niceMax(0.00008), 0.0001);
    assert.equal(niceMax(0), 1);
    assert.equal(niceMax(230), 250);
  });
});
