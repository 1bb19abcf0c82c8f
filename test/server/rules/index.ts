// One entry point: what the server answering as `flavour` decides about a generation request.
import { openRouterEffort } from './gateways';
import { geminiRules } from './gemini';
import { llamaCppRules, lmStudioRules, ollamaRules, vllmRules } from './local';
import { openAIChatRules, openAICompletionRules } from './openai';
import { obj, type Flavour, type RuleVerdict } from './types';

export type { Flavour, Rejection, RuleVerdict } from './types';
export { litellmBudgetExceeded, openRouterError, type LiteLLMVersion } from './gateways';
export { regionBody } from './openai';
export { OLLAMA_INSERT_MODELS } from './local';

export interface RuleOptions {
  ollamaInsertModels?: readonly string[];
}

export function generationRules(
  flavour: Flavour,
  route: string,
  model: string,
  body: unknown,
  options: RuleOptions = {},
): RuleVerdict {
  const temperature = (): number | undefined => {
    const t = obj(body).temperature;
    return typeof t === 'number' ? t : undefined;
  };
  switch (flavour) {
    case 'openai':
    // A LiteLLM proxy (like Azure) passes OpenAI's own 400s through for OpenAI models.
    // falls through
    case 'litellm':
      return route === 'openai.completions' ? openAICompletionRules(model, body) : openAIChatRules(model, body);
    case 'gemini':
      return geminiRules(model, body);
    case 'openrouter': {
      const effort = route === 'openai.chat' ? openRouterEffort(model, body) : undefined;
      return { temperature: temperature(), effort, reasoningInCap: effort !== undefined };
    }
    case 'ollama':
      return ollamaRules(route, model, body, options.ollamaInsertModels);
    case 'llamacpp':
      return llamaCppRules(route, body);
    case 'vllm':
      return vllmRules(route, body);
    case 'lmstudio':
      return lmStudioRules(body);
  }
}
