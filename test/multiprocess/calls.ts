// The calls a multi-process round makes, priced from adversarial inputs (lockfiles, hex, CJK…): the
// worst case the call path reserves (input bound + output bound) and a real bill (the exact input
// count from OpenAI's tokenizer, any output up to the cap, thinking included). Computed once in the
// parent so the 60 worker processes do not each load a tokenizer.
import { shapeRequest } from '../../src/core/calls/capabilities';
import { inputTokenBound } from '../../src/core/calls/tokens';
import { PriceBook } from '../../src/core/prices';
import type { ResolvedModel } from '../../src/core/router';
import { adversarialText, TEXT_KINDS } from '../support/adversarialText';
import { openAICount } from '../support/tokenTruth';
import { rng } from '../support/random';

const OPENAI = { id: 'openai', kind: 'openai' as const, baseUrl: 'https://api.openai.com/v1', timeoutMs: 60_000 };
/** Priced cloud models whose tokenizer is exact here, so "actual" is what OpenAI would bill. */
const MODELS: Record<string, ResolvedModel> = {
  complete: {
    id: 'mini',
    provider: 'openai',
    model: 'gpt-5-mini',
    tier: 'lite',
    maxOutputTokens: 128,
    fim: false,
    providerConfig: OPENAI,
  },
  tone: {
    id: 'mini',
    provider: 'openai',
    model: 'gpt-5-mini',
    tier: 'lite',
    maxOutputTokens: 1024,
    fim: false,
    providerConfig: OPENAI,
  },
  review: {
    id: 'pro',
    provider: 'openai',
    model: 'gpt-5.1',
    tier: 'pro',
    maxOutputTokens: 16384,
    fim: false,
    providerConfig: OPENAI,
  },
};
const LEVEL = { complete: 'least', tone: 'low', review: 'medium' } as const;
const prices = new PriceBook();

/**
 * One call of `command` on an adversarial input: the worst case the call path reserves (input bound
 * + output bound, priced) and a real bill (the exact input count, any output up to the cap,
 * thinking included).
 */
export interface PlannedCall {
  command: 'complete' | 'tone' | 'review';
  worst: number;
  actual: number;
}

function adversarialCall(command: PlannedCall['command'], random: () => number, seed: number): PlannedCall {
  const model = MODELS[command]!;
  const kind = TEXT_KINDS[Math.floor(random() * TEXT_KINDS.length)]!;
  const text = adversarialText(kind, 200 + Math.floor(random() * (command === 'review' ? 24_000 : 4_000)), seed);
  const body = { messages: [{ role: 'user' as const, content: text }], maxOutputTokens: model.maxOutputTokens };
  const shaped = shapeRequest(model, body, LEVEL[command]);
  const worst = prices.worstCase(model, inputTokenBound(shaped.body, model.model), shaped.outputBound).usd;
  const output = random() < 0.3 ? shaped.outputBound : Math.floor(random() * shaped.outputBound);
  const actual = prices.cost(model, {
    inputTokens: openAICount(text, model.model) + 6,
    cachedInputTokens: 0,
    outputTokens: output,
    reasoningTokens: Math.floor(output * random()),
  }).costUsd;
  return { command, worst, actual };
}

/** `count` calls for one worker, seeded. */
export function planCalls(seed: number, count: number): PlannedCall[] {
  const random = rng(seed);
  const commands = ['complete', 'tone', 'review'] as const;
  return Array.from({ length: count }, (_, i) =>
    adversarialCall(commands[Math.floor(random() * commands.length)]!, random, seed * 1000 + i),
  );
}
