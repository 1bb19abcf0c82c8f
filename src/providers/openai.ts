// OpenAI and OpenAI-compatible servers (OpenRouter, LiteLLM, Ollama, LM Studio, llama.cpp) through
// the official `openai` SDK: streamed chat with the usage chunk, and FIM via /v1/completions.
//
// Output cap field: api.openai.com gets `max_completion_tokens` (its reasoning models reject
// `max_tokens`); every other base URL gets `max_tokens`, the one field compatible servers honour.
// The legacy /v1/completions endpoint (FIM) always takes `max_tokens`.
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CompletionCreateParamsStreaming } from 'openai/resources/completions';
import type { ProviderConfig } from '../core/config';
import { normalizeOpenAIUsage, openAIReportedCost } from '../core/usage';
import type { Logger, ModelClient, ModelRequest, ModelResponse } from '../core/types';
import type { CallControl } from './callControl';
import type { ErrorContext } from './mapError';
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
    return runCall(this.context(request.model), request, onText, (control) =>
      request.fim ? this.fim(request, request.fim, control) : this.chat(request, control),
    );
  }

  private options(request: ModelRequest, control: CallControl) {
    return { signal: control.signal, timeout: request.timeoutMs + SDK_TIMEOUT_MARGIN_MS, maxRetries: 0 };
  }

  private async chat(request: ModelRequest, control: CallControl): Promise<StreamOutcome> {
    const body: ChatCompletionCreateParamsStreaming = {
      model: request.model,
      messages: (request.messages ?? []).map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
      ...(this.maxCompletionTokens
        ? { max_completion_tokens: request.maxOutputTokens }
        : { max_tokens: request.maxOutputTokens }),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
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

  private async fim(
    request: ModelRequest,
    fim: { prefix: string; suffix: string },
    control: CallControl,
  ): Promise<StreamOutcome> {
    const body: CompletionCreateParamsStreaming = {
      model: request.model,
      prompt: fim.prefix,
      suffix: fim.suffix,
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

  private async read(
    request: ModelRequest,
    stream: AsyncIterable<Chunk> & { controller: AbortController },
    response: Response,
    control: CallControl,
  ): Promise<StreamOutcome> {
    const contentType = response.headers.get('content-type');
    if (contentType && !contentType.includes('text/event-stream')) {
      stream.controller.abort(); // release the socket; the body is not ours to read
      throw invalidResponse(
        this.context(request.model),
        control,
        `expected an event stream, got "${contentType.slice(0, 60)}"`,
      );
    }
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
