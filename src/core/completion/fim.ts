// Fill-in-the-middle per server: which dialect a model's `fim` setting means on its server, and the
// prompt formats of code models for servers that take FIM only as a plain prompt (vLLM, LM Studio).
import { capabilitiesOf, serverKind } from '../calls/capabilities';
import { FIM_TEMPLATES, type FimTemplate } from '../calls/capabilityTable';
import type { ResolvedModel } from '../router';
import type { FimDialect } from '../types';

export interface FimChoice {
  dialect: FimDialect;
  template?: FimTemplate;
}

/**
 * The FIM route for a model, or undefined for a chat prompt.
 * - Ollama: `/v1/completions` with `suffix` (its insert template; https://github.com/ollama/ollama/blob/main/docs/openai.md).
 * - llama.cpp: `/infill`; its `/v1/completions` rejects `suffix` (https://github.com/ggml-org/llama.cpp/tree/master/tools/server).
 * - vLLM, LM Studio and other servers: the model's own FIM tokens in `prompt` (vLLM rejects
 *   `suffix`), when the capabilities table knows the model's template; otherwise chat.
 * OpenAI-hosted models are refused by the settings check (core/config.ts).
 */
export function fimChoice(
  model: Pick<ResolvedModel, 'fim' | 'model' | 'capabilities' | 'providerConfig'>,
): FimChoice | undefined {
  const fim = model.fim;
  if (!fim || model.providerConfig.kind !== 'openai') return undefined;
  if (fim === 'suffix' || fim === 'infill') return { dialect: fim };
  if ((FIM_TEMPLATES as readonly string[]).includes(fim as string))
    return { dialect: 'template', template: fim as FimTemplate };
  const server = serverKind(model.providerConfig);
  if (server === 'ollama') return { dialect: 'suffix' };
  if (server === 'llamacpp') return { dialect: 'infill' };
  const template = capabilitiesOf(model)?.fimTemplate;
  return template ? { dialect: 'template', template } : undefined;
}

/** Each model family's FIM prompt and the tokens that end it (the model's own special tokens). */
const TEMPLATES: Record<FimTemplate, { format(prefix: string, suffix: string): string; stop: string[] }> = {
  // https://github.com/QwenLM/Qwen2.5-Coder#3-file-level-code-completion-fill-in-the-middle
  qwen: {
    format: (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
    stop: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_sep|>', '<|im_end|>'],
  },
  // https://huggingface.co/docs/transformers/model_doc/code_llama (infilling: <PRE> {p} <SUF>{s} <MID>)
  codellama: { format: (p, s) => `<PRE> ${p} <SUF>${s} <MID>`, stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>'] },
  // https://github.com/deepseek-ai/DeepSeek-Coder#2-code-insertion
  deepseek: {
    format: (p, s) => `<｜fim▁begin｜>${p}<｜fim▁hole｜>${s}<｜fim▁end｜>`,
    stop: ['<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
  },
  // https://huggingface.co/bigcode/starcoder2-15b (fim_prefix / fim_suffix / fim_middle)
  starcoder: {
    format: (p, s) => `<fim_prefix>${p}<fim_suffix>${s}<fim_middle>`,
    stop: ['<|endoftext|>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<file_sep>'],
  },
  // https://docs.mistral.ai/capabilities/code_generation/ (suffix first: [SUFFIX]s[PREFIX]p)
  codestral: { format: (p, s) => `[SUFFIX]${s}[PREFIX]${p}`, stop: ['</s>', '[SUFFIX]', '[PREFIX]'] },
};

export function formatFim(template: FimTemplate, prefix: string, suffix: string): { prompt: string; stop: string[] } {
  const t = TEMPLATES[template];
  return { prompt: t.format(prefix, suffix), stop: [...t.stop] };
}
