// OpenAI and OpenAI-compatible servers (OpenRouter, LiteLLM, Ollama, LM Studio, llama.cpp, vLLM)
// through the official `openai` SDK: streamed chat with the usage chunk, and FIM per server dialect.
// Core decides every value (core/calls/capabilities.ts); this file only puts it on the wire.
//
// Output cap field: `request.outputCapField` (decided per model family). Without one, the old host
// rule: api.openai.com gets `max_completion_tokens`, other base URLs `max_tokens`.
// The legacy /v1/completions endpoint (FIM) always takes `max_tokens`.
import OpenAI from 'openai';
import type { Stream } from 'openai/core/streaming';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CompletionCreateParamsStreaming } from 'openai/resources/completions';
import type { ProviderConfig } from '../core/config';
import { normalizeOpenAIUsage, openAIReportedCost } from '../core/usage';
import type { FimPrompt, Logger, ModelClient, ModelRequest, ModelResponse } from '../core/types';
import type { CallControl } from './callControl';
import type { ErrorContext } from './mapError';
import { infillBody, infillFinishReason, infillUrl, infillUsage, type InfillEvent } from './infill';
import { invalidResponse, runCall, type StreamOutcome } from './runCall';

/** Our whole-call timer must fire first; the SDK's own (headers only) is a backstop. */
const SDK_TIMEOUT_MARGIN_MS = 5_000;

export function usesMaxCompletionTokens(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.toLowerCase() === 'api.openai.com';
  } catch {
    return false;
  }
}

/** OpenAI finish reasons as Tiered names them (shared with Gemini): stop, length, contentFilter, … */
export function openAIFinishReason(reason: string): string {
  if (reason === 'content_filter') return 'contentFilter';
  if (reason === 'tool_calls' || reason === 'function_call') return 'toolCalls';
  return reason;
}

/** LiteLLM's cost header. A stream's headers leave before the cost is known, so 0 there means unknown. */
function litellmCost(headers: Headers): number | undefined {
  const value = Number(headers.get('x-litellm-response-cost'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

type Chunk = {
  model?: string;
  choices?: { delta?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  usage?: unknown;
};

export class OpenAIModelClient implements ModelClient {
  readonly kind = 'openai' as const;
  private readonly client: OpenAI;
  private readonly maxCompletionTokens: boolean;

  constructor(
    private readonly provider: ProviderConfig,
    private readonly apiKey: string,
    private readonly logger: Logger,
  ) {
    this.client = new OpenAI({
      apiKey,
      baseURL: provider.baseUrl,
      maxRetries: 0, // the call path owns retries
      timeout: provider.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
      logLevel: 'off',
    });
    this.maxCompletionTokens = usesMaxCompletionTokens(provider.baseUrl);
  }

  private context(model: string): ErrorContext {
    return { providerId: this.provider.id, kind: 'openai', model, apiKey: this.apiKey };
  }

  stream(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse> {
    return runCall(this.context(request.model), request, onText, (control) => {
      if (!request.fim) return this.chat(request, control);
      if (request.fim.dialect === 'infill') return this.infill(request, request.fim, control);
      return this.fim(request, request.fim, control);
    });
  }

  private options(request: ModelRequest, control: CallControl) {
    return { signal: control.signal, timeout: request.timeoutMs + SDK_TIMEOUT_MARGIN_MS, maxRetries: 0 };
  }

  private capField(request: ModelRequest): 'max_completion_tokens' | 'max_tokens' {
    return request.outputCapField ?? (this.maxCompletionTokens ? 'max_completion_tokens' : 'max_tokens');
  }

  /**
   * The reasoning control as this server spells it: top-level `reasoning_effort` (OpenAI chat, Azure,
   * LiteLLM, Ollama; https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort)
   * or OpenRouter's `reasoning: { effort }` (https://openrouter.ai/docs/use-cases/reasoning-tokens).
   * Gemini's thinking controls never belong here.
   */
  private reasoning(request: ModelRequest): Record<string, unknown> {
    const r = request.reasoning;
    if (!r) return {};
    if (r.param === 'reasoning_effort') return { reasoning_effort: r.value };
    if (r.param === 'openrouter') return { reasoning: { effort: r.value } };
    this.logger.debug(`${this.provider.id}/${request.model}: ${r.param} is a Gemini control; not sent`);
    return {};
  }

  private async chat(request: ModelRequest, control: CallControl): Promise<StreamOutcome> {
    const body: ChatCompletionCreateParamsStreaming = {
      model: request.model,
      messages: (request.messages ?? []).map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
      [this.capField(request)]: request.maxOutputTokens,
      ...this.reasoning(request),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      // Set by core only for hosts that take it (capabilities table `promptCacheKey`); see
      // https://platform.openai.com/docs/guides/prompt-caching and openai-node's
      // ChatCompletionCreateParams.prompt_cache_key (src/resources/chat/completions/completions.ts).
      ...(request.promptCacheKey ? { prompt_cache_key: request.promptCacheKey } : {}),
      ...(request.jsonSchema
        ? {
            response_format: {
              type: 'json_schema' as const,
              json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true },
            },
          }
        : {}),
    };
    const { data, response } = await this.client.chat.completions
      .create(body, this.options(request, control))
      .withResponse();
    return this.read(request, data, response, control);
  }

  /**
   * /v1/completions FIM. `suffix` dialect (Ollama): prompt + suffix, which Ollama maps to its insert
   * template (https://github.com/ollama/ollama/blob/main/openai/openai.go CompletionRequest.Suffix);
   * an empty suffix would switch Ollama to the chat template, so none is sent then. `template`
   * (vLLM, LM Studio, which refuse or ignore `suffix`): the model's FIM tokens are already in
   * `fim.prompt`, and the stop tokens in `request.stop`.
   */
  private async fim(request: ModelRequest, fim: FimPrompt, control: CallControl): Promise<StreamOutcome> {
    const template = fim.dialect === 'template';
    const body: CompletionCreateParamsStreaming = {
      model: request.model,
      prompt: template ? (fim.prompt ?? fim.prefix) : fim.prefix,
      ...(!template && fim.suffix ? { suffix: fim.suffix } : {}),
      max_tokens: request.maxOutputTokens,
      stream: true,
      stream_options: { include_usage: true },
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
    };
    const { data, response } = await this.client.completions
      .create(body, this.options(request, control))
      .withResponse();
    return this.read(request, data, response, control);
  }

  /**
   * llama.cpp `/infill` through the SDK's own request machinery (an absolute URL, so the same
   * signal, timeout, no-retry and error mapping as every other call). Its stream is plain
   * `data: {...}` events without `[DONE]`; the last event has `stop: true` and the totals.
   */
  private async infill(request: ModelRequest, fim: FimPrompt, control: CallControl): Promise<StreamOutcome> {
    const { data, response } = await this.client
      .post<Stream<InfillEvent>>(infillUrl(this.provider.baseUrl), {
        body: infillBody(request, fim),
        stream: true,
        ...this.options(request, control),
      })
      .withResponse();
    this.requireEventStream(request, response, data, control);
    const out: StreamOutcome = { events: 0 };
    for await (const event of data) {
      out.events++;
      if (event.model) out.servedModel = event.model;
      control.addText(typeof event.content === 'string' ? event.content : '');
      if (event.stop === true) {
        out.finishReason = infillFinishReason(event);
        control.usage = infillUsage(event) ?? control.usage;
      }
    }
    return out;
  }

  private requireEventStream(
    request: ModelRequest,
    response: Response,
    stream: { controller: AbortController },
    control: CallControl,
  ): void {
    const contentType = response.headers.get('content-type');
    if (contentType && !contentType.includes('text/event-stream')) {
      stream.controller.abort(); // release the socket; the body is not ours to read
      throw invalidResponse(
        this.context(request.model),
        control,
        `expected an event stream, got "${contentType.slice(0, 60)}"`,
      );
    }
  }

  private async read(
    request: ModelRequest,
    stream: AsyncIterable<Chunk> & { controller: AbortController },
    response: Response,
    control: CallControl,
  ): Promise<StreamOutcome> {
    this.requireEventStream(request, response, stream, control);
    const out: StreamOutcome = { events: 0 };
    let usageCost: number | undefined;
    for await (const chunk of stream) {
      out.events++;
      if (chunk.model) out.servedModel = chunk.model;
      const choice = chunk.choices?.[0];
      if (choice) {
        control.addText(choice.delta?.content ?? choice.text ?? '');
        if (choice.finish_reason) out.finishReason = openAIFinishReason(choice.finish_reason);
      }
      if (chunk.usage) {
        control.usage = normalizeOpenAIUsage(chunk.usage);
        usageCost = openAIReportedCost(chunk.usage) ?? usageCost;
      }
    }
    const cost = usageCost ?? litellmCost(response.headers);
    if (cost !== undefined) out.reportedCostUsd = cost;
    if (out.events > 0 && !control.usage)
      this.logger.debug(`${this.provider.id}/${request.model}: stream sent no usage`);
    return out;
  }
}
