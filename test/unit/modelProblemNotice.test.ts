// The one notice per model the provider rejected for its configuration (issue 10, item 4).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ModelProblem } from '../../src/core/callPath';
import { TieredError } from '../../src/core/errors';
import { ModelProblemMemory, modelProblemMessage } from '../../src/vscode/modelProblemNotice';

const problem = (error: TieredError, next?: string): ModelProblem => ({
  modelId: 'flash-lite',
  setting: 'tiered.models.flash-lite',
  providerId: 'gemini',
  model: 'gemini-3.1-flash-lite',
  error,
  ...(next ? { next } : {}),
});

describe('modelProblemMessage', () => {
  test("names the model, its provider, the provider's message, the setting and who answers meanwhile", () => {
    const text = modelProblemMessage(
      problem(new TieredError('badRequest', 'Unsupported parameter: temperature.'), 'flash-lite-next'),
    );
    assert.equal(
      text,
      'Tiered: "flash-lite" (gemini-3.1-flash-lite on gemini) was rejected: Unsupported parameter: temperature. ' +
        'Change tiered.models.flash-lite; "flash-lite-next" answers meanwhile.',
    );
  });

  test('denied says the key or account has no access, not "set your key"', () => {
    const text = modelProblemMessage(problem(new TieredError('denied', 'Country, region, or territory not supported')));
    assert.match(text, /not available to this key or account/);
    assert.match(text, /Country, region, or territory not supported/);
    assert.match(text, /tiered\.models\.flash-lite/);
    assert.match(text, /No other model of its tier/);
    assert.doesNotMatch(text, /set (an|your) (API )?key/i);
  });

  test('a model the provider does not serve points at the model id', () => {
    const text = modelProblemMessage(problem(new TieredError('modelNotFound', 'models/gemini-9 is not found'), 'b'));
    assert.match(
      text,
      /was not found by the provider: models\/gemini-9 is not found\. Change the model id in tiered\.models\.flash-lite; "b" answers meanwhile\./,
    );
  });

  test('a long provider body is clipped to one line', () => {
    const text = modelProblemMessage(problem(new TieredError('badRequest', `bad\n${'x'.repeat(2000)}`)));
    assert.ok(text.length < 500, `${text.length} characters`);
    assert.doesNotMatch(text, /\n/);
  });
});

describe('ModelProblemMemory', () => {
  test('once per model until reset', () => {
    const m = new ModelProblemMemory();
    assert.equal(m.first('a'), true);
    assert.equal(m.first('a'), false);
    assert.equal(m.first('b'), true);
    m.reset();
    assert.equal(m.first('a'), true);
  });
});
