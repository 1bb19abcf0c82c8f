// The Gemini API's published thinking rules per model (generationConfig.thinkingConfig), with
// Google's error body {"error":{"code":400,"message":...,"status":"INVALID_ARGUMENT"}}.
// Sources: https://ai.google.dev/gemini-api/docs/thinking and the Vertex table at
// https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/thinking (checked 2026-11-30).
import { modelFamilyId, obj, type Rejection, type RuleVerdict } from './types';

type Level = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

interface LevelModel {
  kind: 'level';
  match: RegExp;
  levels: readonly Level[];
  defaultLevel: Level;
}
interface BudgetModel {
  kind: 'budget';
  match: RegExp;
  /** Inclusive range of an explicit budget; -1 (dynamic) is always accepted. */
  min: number;
  max: number;
  /** 0 turns thinking off (Flash, Flash-Lite); Pro "only works in thinking mode". */
  zeroAllowed: boolean;
  /** Thinking when no budget is sent: Flash-Lite 2.5 does not think by default. */
  thinksByDefault: boolean;
}
type GeminiModel = LevelModel | BudgetModel;

const ALL: readonly Level[] = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];

// Most specific first.
const MODELS: readonly GeminiModel[] = [
  // 3.7 / 3.8 Flash: LOW | MEDIUM | HIGH, default MEDIUM (Vertex table above).
  { kind: 'level', match: /^gemini-3\.[78]-flash(?!-lite)/, levels: ['LOW', 'MEDIUM', 'HIGH'], defaultLevel: 'MEDIUM' },
  // 3.6 Flash: all four, default MEDIUM (Vertex table above); 3.5 Flash: default MEDIUM
  // (https://docs.rs/adk-model/1.0.0/adk_model/gemini/enum.ThinkingLevel.html).
  { kind: 'level', match: /^gemini-3\.[56]-flash(?!-lite)/, levels: ALL, defaultLevel: 'MEDIUM' },
  // 3.5 Flash-Lite: all four, default MINIMAL (Vertex table above).
  { kind: 'level', match: /^gemini-3\.5-flash-lite/, levels: ALL, defaultLevel: 'MINIMAL' },
  // 3.1 Flash-Lite: all four; default HIGH per the issue and https://www.verdent.ai/guides/gemini-3-1-flash-lite-thinking-levels
  // (https://aistackregistry.com/.../gemini-3.1-flash-lite-preview says minimal: the stricter HIGH is kept; a knob can change it).
  { kind: 'level', match: /^gemini-3\.1-flash-lite/, levels: ALL, defaultLevel: 'HIGH' },
  // 3.x Pro from 3.1: LOW | MEDIUM | HIGH (no MINIMAL), default HIGH, cannot turn thinking off.
  // https://help.apiyi.com/en/gemini-3-1-pro-preview-thinking-level-control-guide-en.html ;
  // https://docs.rs/adk-rust/2.1.0/adk_rust/model/gemini/enum.ThinkingLevel.html ("Not supported on Gemini 3.1 Pro")
  { kind: 'level', match: /^gemini-3\.\d+-pro/, levels: ['LOW', 'MEDIUM', 'HIGH'], defaultLevel: 'HIGH' },
  // Gemini 3 Pro: LOW | HIGH, default HIGH. https://hexdocs.pm/gemini_ex/Gemini.Types.Enums.ThinkingLevel.html
  { kind: 'level', match: /^gemini-3-pro/, levels: ['LOW', 'HIGH'], defaultLevel: 'HIGH' },
  // Gemini 3 Flash (and any later 3.x Flash not listed): all four, default HIGH (same source).
  { kind: 'level', match: /^gemini-3(\.\d+)?-flash/, levels: ALL, defaultLevel: 'HIGH' },
  // 2.5 Pro: 128..32768, 0 refused ("This model only works in thinking mode").
  // https://github.com/lobehub/lobehub/pull/8122 ; https://github.com/snailyp/gemini-balance/issues/206
  { kind: 'budget', match: /^gemini-2\.5-pro/, min: 128, max: 32768, zeroAllowed: false, thinksByDefault: true },
  // 2.5 Flash-Lite: 512..24576 or 0, off by default. https://github.com/juspay/neurolink/pull/1707 (quotes the docs table)
  { kind: 'budget', match: /^gemini-2\.5-flash-lite/, min: 512, max: 24576, zeroAllowed: true, thinksByDefault: false },
  // 2.5 Flash: 0..24576. https://github.com/GoogleCloudPlatform/generative-ai/pull/2061
  { kind: 'budget', match: /^gemini-2\.5-flash/, min: 1, max: 24576, zeroAllowed: true, thinksByDefault: true },
];

export function geminiModel(model: string): GeminiModel | undefined {
  const id = modelFamilyId(model);
  return MODELS.find((m) => m.match.test(id));
}

function invalid(message: string, reason: string): Rejection {
  return { status: 400, reason, body: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } } };
}

export function geminiRules(model: string, body: unknown): RuleVerdict {
  const b = obj(body);
  const request = b.generateContentRequest ? obj(b.generateContentRequest) : b;
  const config = obj(request.generationConfig);
  const temperature = typeof config.temperature === 'number' ? config.temperature : undefined;
  const m = geminiModel(model);
  if (!m) return { temperature };
  const thinking = obj(config.thinkingConfig);
  const rawLevel = thinking.thinkingLevel;
  const budget = thinking.thinkingBudget;
  const verdict = (effort: string | undefined, reject?: Rejection): RuleVerdict => ({
    temperature,
    reject,
    effort,
    reasoningInCap: true,
  });
  // https://github.com/sterlp/eclipse-peon-ai/issues/115
  if (rawLevel !== undefined && budget !== undefined)
    return verdict(
      undefined,
      invalid('You can only set only one of thinking budget and thinking level.', 'thinkingLevel with thinkingBudget'),
    );
  if (m.kind === 'level') {
    if (rawLevel !== undefined) {
      const level = String(rawLevel)
        .toUpperCase()
        .replace(/^THINKING_LEVEL_/, '') as Level;
      if (!m.levels.includes(level))
        // https://github.com/egoist/chatwise-releases/issues/1206 (gemini-3-pro, MEDIUM)
        return verdict(
          undefined,
          invalid(
            `Thinking level ${level} is not supported for this model. Please retry with other thinking level.`,
            `thinkingLevel ${level} on ${model}`,
          ),
        );
      return verdict(level.toLowerCase());
    }
    // A budget on a 3.x model is accepted for compatibility; 0 on a model that cannot stop thinking is refused.
    // https://github.com/docker/docker-agent/issues/2051 (gemini-3.1-pro-preview, budget 0)
    if (typeof budget === 'number') {
      if (budget === 0 && !m.levels.includes('MINIMAL'))
        return verdict(
          undefined,
          invalid('Budget 0 is invalid. This model only works in thinking mode.', `thinkingBudget 0 on ${model}`),
        );
      return verdict(budget === -1 ? m.defaultLevel.toLowerCase() : `budget:${budget}`);
    }
    return verdict(m.defaultLevel.toLowerCase());
  }
  // Gemini 2.5: thinkingLevel is refused. https://github.com/RooCodeInc/Roo-Code/issues/10700 (gemini-2.5-flash)
  if (rawLevel !== undefined)
    return verdict(
      undefined,
      invalid('Thinking level is not supported for this model.', `thinkingLevel on Gemini 2.5 ${model}`),
    );
  if (budget === undefined) return verdict(m.thinksByDefault ? 'medium' : 'none');
  if (typeof budget !== 'number' || !Number.isInteger(budget))
    return verdict(undefined, invalid(`The thinking budget (${String(budget)}) is invalid.`, 'thinkingBudget type'));
  if (budget === -1) return verdict('medium');
  if (budget === 0) {
    if (!m.zeroAllowed)
      return verdict(
        undefined,
        invalid('Budget 0 is invalid. This model only works in thinking mode.', `thinkingBudget 0 on ${model}`),
      );
    return verdict('none');
  }
  // https://github.com/RooCodeInc/Roo-Code/issues/4399
  if (budget < m.min || budget > m.max)
    return verdict(undefined, invalid(`The thinking budget (${budget}) is invalid.`, `thinkingBudget ${budget}`));
  return verdict(`budget:${budget}`);
}
