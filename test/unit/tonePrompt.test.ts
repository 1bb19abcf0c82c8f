import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig } from '../../src/core/config';
import { planToneFix, toneTarget } from '../../src/core/tone/plan';
import { parseTaggedBodies, toneMessages } from '../../src/core/tone/prompt';
import { availableTones, BUILT_IN_TONES, findTone } from '../../src/core/tone/tones';

const tonesOf = (custom: Array<{ name: string; instruction: string }>) =>
  availableTones({ ...defaultConfig().tone, custom });

describe('tones', () => {
  test("built-ins first, then the user's own; duplicates and blank names are dropped", () => {
    const tones = tonesOf([
      { name: 'Pirate', instruction: 'Talk like a pirate.' },
      { name: 'Pirate', instruction: 'second one' },
      { name: '  ', instruction: 'nameless' },
    ]);
    assert.deepEqual(
      tones.map((t) => t.id),
      ['concise', 'friendly', 'formal', 'neutral', 'grammar', 'custom:Pirate'],
    );
    assert.equal(tones.at(-1)!.instruction, 'Talk like a pirate.');
    assert.equal(findTone({ custom: [] }, 'custom:Pirate'), undefined);
    assert.equal(
      BUILT_IN_TONES.filter((t) => t.mayBeUnchanged)
        .map((t) => t.id)
        .join(),
      'grammar',
    );
  });
});

describe('prompts', () => {
  const pirate = tonesOf([{ name: 'Pirate', instruction: 'Talk like a pirate, arr.' }]).at(-1)!;

  test('the custom tone instruction is in the system prompt; prose goes as the user message', () => {
    const plan = planToneFix('markdown', '  Please fix the `build` now.\n');
    const messages = toneMessages(toneTarget(plan)!, pirate);
    assert.equal(messages[0]!.role, 'system');
    assert.ok(messages[0]!.content.includes('Talk like a pirate, arr.'));
    assert.ok(messages[0]!.content.includes('Markdown'));
    assert.deepEqual(messages[1], { role: 'user', content: 'Please fix the `build` now.' });
  });

  test('for code only comment prose is sent: no code, no markers', () => {
    const code = [
      'export function secretSauce(apiToken: string) {',
      '  // we does the thing here',
      '  const url = "https://internal.example/x"; /* dont touch */',
      '  return fetchIt(url, apiToken);',
      '}',
    ].join('\n');
    const plan = planToneFix('typescript', code);
    const messages = toneMessages(toneTarget(plan)!, pirate);
    const sent = messages.map((m) => m.content).join('\n');
    for (const token of ['secretSauce', 'apiToken', 'internal.example', 'fetchIt', 'const url', 'return fetchIt']) {
      assert.equal(sent.includes(token), false, `"${token}" must not be sent`);
    }
    for (const marker of ['//', '/*', '*/']) assert.equal(messages[1]!.content.includes(marker), false);
    assert.equal(messages[1]!.content, '<c1>\nwe does the thing here\n</c1>\n<c2>\ndont touch\n</c2>');
    assert.ok(messages[0]!.content.includes('typescript'));
    assert.ok(messages[0]!.content.includes('Talk like a pirate, arr.'));
  });

  test('tagged answers parse in order, tolerate chatter around tags, reject gaps', () => {
    assert.deepEqual(parseTaggedBodies('Sure!\n<c2>\nb\n</c2>\n<c1>a</c1>', 2), ['a', 'b']);
    assert.deepEqual(parseTaggedBodies('<c1>\r\n  indented\r\nnext\r\n</c1>', 1), ['indented\nnext']);
    assert.equal(parseTaggedBodies('<c1>a</c1>', 2), undefined);
    assert.equal(parseTaggedBodies('<c1>a</c1><c3>c</c3>', 2), undefined);
    assert.deepEqual(parseTaggedBodies('```\nplain\n```', 1), ['plain']);
    assert.equal(parseTaggedBodies('<c1>a', 1), undefined);
  });
});
