// Local OpenAI-compatible servers: llama.cpp's llama-server, vLLM, Ollama and LM Studio. Their
// /v1/completions handle `suffix` (fill-in-the-middle) very differently (checked 2026-11-30).
import { modelFamilyId, obj, type Rejection, type RuleVerdict } from './types';

/**
 * Ollama models whose template handles `.Suffix` (insert capability); others answer 400.
 * A knob (`ollamaInsertModels`) replaces this list. Examples from https://github.com/ollama/ollama/pull/5207
 * (codellama code, deepseek-coder) and the qwen2.5-coder / starcoder2 library templates.
 */
export const OLLAMA_INSERT_MODELS: readonly string[] = [
  'qwen2.5-coder',
  'qwen3-coder',
  'deepseek-coder',
  'deepseek-coder-v2',
  'codellama:*-code',
  'starcoder2',
  'codegemma',
];

/** `codellama:*-code` matches `codellama:7b-code`; a bare name matches every tag of it. */
export function ollamaSupportsInsert(model: string, list: readonly string[] = OLLAMA_INSERT_MODELS): boolean {
  const id = modelFamilyId(model);
  const [name, tag = 'latest'] = id.split(':') as [string, string?];
  return list.some((pattern) => {
    const [pName, pTag] = pattern.toLowerCase().split(':') as [string, string?];
    if (pName !== name) return false;
    if (pTag === undefined) return true;
    const re = new RegExp(`^${pTag.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(tag);
  });
}

/** Ollama names a model by its registry path in errors ("registry.ollama.ai/library/x:latest"). */
function ollamaRef(model: string): string {
  const id = model.includes(':') ? model : `${model}:latest`;
  return id.includes('/') ? `registry.ollama.ai/${id}` : `registry.ollama.ai/library/${id}`;
}

/** Ollama's OpenAI error: NewError() in ollama openai/openai.go (400 → invalid_request_error). */
function ollamaError(message: string, reason: string): Rejection {
  return {
    status: 400,
    reason,
    body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
  };
}

export function ollamaRules(
  route: string,
  model: string,
  body: unknown,
  insertModels: readonly string[] | undefined,
): RuleVerdict {
  const b = obj(body);
  const temperature = typeof b.temperature === 'number' ? b.temperature : undefined;
  // Chat reasoning_effort / reasoning.effort: high | medium | low | none in 0.12 (openai/openai.go
  // FromChatRequest): "invalid reasoning value: '%s' (must be "high", "medium", "low", or "none")".
  // Later releases also map minimal/xhigh; 0.12 is what /ollama/api/version reports. /v1/completions
  // has no reasoning field (ignored there).
  const effort = route === 'openai.chat' ? (obj(b.reasoning).effort ?? b.reasoning_effort) : undefined;
  if (effort !== undefined && effort !== '' && !['high', 'medium', 'low', 'none'].includes(String(effort)))
    return {
      temperature,
      reject: ollamaError(
        `invalid reasoning value: '${String(effort)}' (must be "high", "medium", "low", or "none")`,
        `reasoning_effort ${String(effort)} on Ollama`,
      ),
    };
  if (route !== 'openai.completions') return { temperature };
  const suffix = typeof b.suffix === 'string' ? b.suffix : '';
  // A non-empty suffix needs the insert capability: server/routes.go GenerateHandler; body as in
  // https://github.com/ollama/ollama/issues/8320 and https://github.com/drakonkat/godot-copilot-selfhost/issues/5.
  if (suffix !== '' && !ollamaSupportsInsert(model, insertModels))
    return {
      temperature,
      reject: ollamaError(`${ollamaRef(model)} does not support insert`, `suffix on non-insert model ${model}`),
    };
  // No (or an empty) suffix: the prompt goes through the model's chat template, so an instruct
  // model answers in prose (templates render `.Suffix` only when non-empty, ollama PR #5207).
  return { temperature, chatTemplate: suffix === '' };
}

/** llama-server: /v1/completions refuses `suffix` (even empty) and `best_of` with a 500 server_error. */
export function llamaCppRules(route: string, body: unknown): RuleVerdict {
  const b = obj(body);
  const temperature = typeof b.temperature === 'number' ? b.temperature : undefined;
  if (route !== 'openai.completions') return { temperature };
  // tools/server/server-common.cpp oaicompat_completion_params_parse: `body.contains(param)` →
  // throw std::runtime_error("Unsupported param: " + param), answered as ERROR_TYPE_SERVER (500):
  // {"code":500,"message":"Unsupported param: echo","type":"server_error"} in
  // https://github.com/ggml-org/llama.cpp/issues/12591 (and /10920 for tools). FIM goes to /infill.
  for (const param of ['best_of', 'suffix'])
    if (param in b)
      return {
        temperature,
        reject: {
          status: 500,
          reason: `${param} on llama.cpp /v1/completions`,
          body: { error: { code: 500, message: `Unsupported param: ${param}`, type: 'server_error' } },
        },
      };
  return { temperature };
}

/** vLLM: /v1/completions refuses any non-null `suffix` (serving_completion.py / online_renderer.py). */
export function vllmRules(route: string, body: unknown): RuleVerdict {
  const b = obj(body);
  const temperature = typeof b.temperature === 'number' ? b.temperature : undefined;
  if (route === 'openai.completions' && b.suffix !== undefined && b.suffix !== null)
    // ErrorResponse{error: ErrorInfo{message, type, param, code:int}} (vllm entrypoints/openai/protocol.py);
    // body as seen in https://github.com/arbs-io/github-copilot-llm-gateway/issues/51
    return {
      temperature,
      reject: {
        status: 400,
        reason: 'suffix on vLLM /v1/completions',
        body: {
          error: { message: 'suffix is not currently supported', type: 'BadRequestError', param: null, code: 400 },
        },
      },
    };
  return { temperature };
}

/**
 * LM Studio documents no `suffix` for /v1/completions (https://lmstudio.ai/docs/app/api/endpoints/openai
 * lists the supported payload parameters); unknown fields are ignored, so the prompt is continued as is.
 */
export function lmStudioRules(body: unknown): RuleVerdict {
  const b = obj(body);
  return { temperature: typeof b.temperature === 'number' ? b.temperature : undefined };
}
