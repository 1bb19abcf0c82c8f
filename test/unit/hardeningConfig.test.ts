// Bad settings and hostile panel messages: each is refused with ONE message that names the setting
// (src/core/config.ts parseConfig; the VS Code side keeps the last valid config in force), and the
// cost panel host's zod schema (src/webview/protocol.ts) drops what the page must never send.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { panelMessageSchema } from '../../src/webview/protocol';

const price = { inputPerMTok: 1, outputPerMTok: 2 };
const valid = () => ({
  providers: [{ id: 'local', kind: 'openai', baseUrl: 'http://127.0.0.1:8080/v1' }],
  models: {
    lite: { provider: 'local', model: 'lite-model', tier: 'lite', maxOutputTokens: 256, price },
    pro: { provider: 'local', model: 'pro-model', tier: 'pro', maxOutputTokens: 4096, price },
  },
  tiers: { lite: ['lite'], pro: ['pro'] },
});

/** Parses `raw` and returns the refusal message (fails when the settings were accepted). */
function refusal(raw: Record<string, unknown>): string {
  const r = parseConfig(raw);
  assert.equal(r.ok, false, `accepted: ${JSON.stringify(raw)}`);
  return r.ok ? '' : r.message;
}

describe('bad settings: one clear message naming the setting', () => {
  test('the valid baseline is accepted (so each refusal below is about its one change)', () => {
    assert.ok(parseConfig(valid()).ok);
  });

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a cap given as a string', { budget: { dailyCapUsd: '5' } }, /`tiered\.budget\.dailyCapUsd`/],
    ['a negative cap', { budget: { dailyCapUsd: -1 } }, /`tiered\.budget\.dailyCapUsd`/],
    ['an absurd cap', { budget: { dailyCapUsd: 1e12 } }, /`tiered\.budget\.dailyCapUsd`/],
    [
      'a negative per-command cap',
      { budget: { perCommandUsd: { review: -2 } } },
      /`tiered\.budget\.perCommandUsd\.review`/,
    ],
    ['a soft threshold above 1', { budget: { softThreshold: 80 } }, /`tiered\.budget\.softThreshold`/],
    ['a budget that is not an object', { budget: 5 }, /`tiered\.budget`/],
    [
      'a per-command cap for an unknown command',
      { budget: { perCommandUsd: { deploy: 1 } } },
      /perCommandUsd\.deploy`: unknown command/,
    ],
    ['a misspelled budget key', { budget: { dailyCap: 5 } }, /`tiered\.budget`/],
    ['providers that are not a list', { providers: { id: 'x' } }, /`tiered\.providers`/],
    [
      'a provider base URL that is not http(s)',
      { providers: [{ id: 'local', kind: 'openai', baseUrl: 'file:///etc/passwd' }] },
      /`tiered\.providers\[0\]\.baseUrl`/,
    ],
    [
      'an unknown provider kind',
      { providers: [{ id: 'local', kind: 'anthropic', baseUrl: 'http://x.test' }] },
      /`tiered\.providers\[0\]\.kind`/,
    ],
    [
      'a duplicate provider id',
      { providers: [valid().providers[0], valid().providers[0]] },
      /provider id "local" appears twice/,
    ],
  ];
  for (const [name, patch, expected] of cases) {
    test(name, () => {
      const message = refusal({ ...valid(), ...patch });
      assert.match(message, expected);
      assert.match(message, /^Setting `tiered\./, 'the message starts by naming the setting');
      assert.equal(message.split('\n').length, 1, 'one line');
    });
  }

  test('a tier naming an unknown model id', () => {
    assert.match(
      refusal({ ...valid(), tiers: { lite: ['lite'], pro: ['pro', 'gpt-9'] } }),
      /`tiered\.tiers\.pro`: unknown model id "gpt-9"/,
    );
  });

  test('a command routed to an unknown tier', () => {
    assert.match(
      refusal({ ...valid(), commands: { review: 'ultra' } }),
      /`tiered\.commands\.review`: unknown tier "ultra"/,
    );
  });

  test('a model on an unknown provider', () => {
    const models = { ...valid().models, pro: { ...valid().models.pro, provider: 'nowhere' } };
    assert.match(refusal({ ...valid(), models }), /`tiered\.models\.pro\.provider`: unknown provider "nowhere"/);
  });

  test('prices given as strings are refused, not coerced', () => {
    const models = {
      ...valid().models,
      pro: { ...valid().models.pro, price: { inputPerMTok: '2', outputPerMTok: 12 } },
    };
    assert.match(refusal({ ...valid(), models }), /`tiered\.models\.pro\.price\.inputPerMTok`/);
  });

  test('a negative price and a misspelled price key are refused', () => {
    const negative = {
      ...valid().models,
      pro: { ...valid().models.pro, price: { inputPerMTok: -1, outputPerMTok: 1 } },
    };
    assert.match(refusal({ ...valid(), models: negative }), /`tiered\.models\.pro\.price\.inputPerMTok`/);
    const typo = { ...valid().models, pro: { ...valid().models.pro, price: { input: 1, outputPerMTok: 1 } } };
    assert.match(refusal({ ...valid(), models: typo }), /`tiered\.models\.pro\.price\b/);
  });

  test('an absurd or fractional output cap is refused (every call needs a bounded maxOutputTokens)', () => {
    for (const maxOutputTokens of [0, -5, 1e9, 12.5, '256']) {
      const models = { ...valid().models, lite: { ...valid().models.lite, maxOutputTokens } };
      assert.match(refusal({ ...valid(), models }), /`tiered\.models\.lite\.maxOutputTokens`/, String(maxOutputTokens));
    }
  });

  test('inline prompt budgets and timeouts out of range are refused', () => {
    assert.match(refusal({ ...valid(), inline: { prefixTokens: 10_000_000 } }), /`tiered\.inline\.prefixTokens`/);
    assert.match(refusal({ ...valid(), inline: { timeoutMs: 0 } }), /`tiered\.inline\.timeoutMs`/);
    assert.match(refusal({ ...valid(), providers: [{ ...valid().providers[0], timeoutMs: 1e9 }] }), /timeoutMs/);
  });

  test('exclusions that are not a list of globs are refused (never read as "exclude nothing")', () => {
    assert.match(refusal({ ...valid(), exclude: '**/.env' }), /`tiered\.exclude`/);
    assert.match(refusal({ ...valid(), exclude: [''] }), /`tiered\.exclude\[0\]`/);
  });

  test('several problems: the first is named and the count of the others is given', () => {
    const message = refusal({ ...valid(), budget: { dailyCapUsd: -1, softThreshold: 5 } });
    assert.match(message, /and 1 more problem/);
  });
});

describe('hostile cost panel messages are dropped by the host schema', () => {
  const ok = (m: unknown) => panelMessageSchema.safeParse(m).success;
  const caps = (perCommandUsd: Record<string, unknown>) => ({ dailyCapUsd: 1, perCommandUsd, softThreshold: 0.5 });

  test('prototype keys cannot reach the caps written to settings', () => {
    for (const value of ['{"polluted":1}', '5']) {
      const parsed = panelMessageSchema.safeParse(
        JSON.parse(
          `{"type":"setCaps","requestId":"r","caps":{"dailyCapUsd":1,"perCommandUsd":{"__proto__":${value}},"softThreshold":0.5}}`,
        ),
      );
      // Refused or dropped, never carried along nor set as a prototype.
      if (parsed.success && parsed.data.type === 'setCaps') {
        const caps = parsed.data.caps.perCommandUsd;
        assert.deepEqual(Object.keys(caps), []);
        assert.equal((caps as Record<string, unknown>).polluted, undefined);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    }
  });

  test('oversized ids and command names, NaN and numbers as strings are refused', () => {
    assert.ok(!ok({ type: 'exportCsv', requestId: 'x'.repeat(1_000_000) }));
    assert.ok(!ok({ type: 'setCaps', requestId: 'r', caps: caps({ ['c'.repeat(1000)]: 1 }) }));
    assert.ok(!ok({ type: 'setCaps', requestId: 'r', caps: caps({ review: NaN }) }));
    assert.ok(!ok({ type: 'setCaps', requestId: 'r', caps: caps({ review: '1' }) }));
    assert.ok(!ok({ type: 'raiseToday', requestId: 'r', amountUsd: 1e9 }));
    assert.ok(!ok({ type: 'raiseToday', requestId: 'r', amountUsd: -1 }));
  });

  test('a custom range must name real calendar days', () => {
    const range = (from: string, to: string) => ({
      type: 'setRange',
      requestId: 'r',
      range: { kind: 'custom', from, to },
    });
    assert.ok(ok(range('2026-02-01', '2026-02-28')));
    assert.ok(!ok(range('2026-99-99', '2026-11-01')), 'month 99');
    assert.ok(!ok(range('2026-02-30', '2026-03-01')), 'February 30th');
    assert.ok(!ok(range('0000-00-00', '2026-03-01')));
  });
});
