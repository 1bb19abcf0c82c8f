// Gemini through the official @google/genai SDK. One call = exactly one HTTP request: automatic
// function calling and automatic stream continuation (which re-sends a dropped stream) are off,
// and no httpOptions.retryOptions are set (the SDK retries only when they are). The SDK's own
// per-attempt timeout is left unset too: it aborts like a user would, so our timer owns timeouts.
import {
  GoogleGenAI,
  type Content,
  type GenerateContentConfig,
  type GenerateContentResponse,
  type ThinkingConfig,
  type ThinkingLevel,
} from '@google/genai';
import type { ProviderConfig } from '../core/config';
import { TieredError } from '../core/errors';
import { normalizeGeminiUsage } from '../core/usage';
import type { Logger, ModelClient, ModelRequest, ModelResponse } from '../core/types';
import { CallControl } from './callControl';
import { describe, mapProviderError, type ErrorContext } from './mapError';
import { runCall, type StreamOutcome } from './runCall';

const CONTENT_FILTER = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Gemini finish reasons as Tiered names them (shared with OpenAI): stop, length, contentFilter, … */
export function geminiFinishReason(reason: string): string {
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(reason)) return 'contentFilter';
  return reason.toLowerCase();
}

/** System turns become the system instruction; assistant turns are the 'model' role. */
export function toGeminiContents(request: Pick<ModelRequest, 'messages'>): { system: string; contents: Content[] } {
  const messages = request.messages ?? [];
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const contents = messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }));
  return { system, contents };
}

/**
 * Gemini's thinking control. Gemini 3: `thinkingConfig.thinkingLevel`, the SDK's ThinkingLevel enum
 * spelled MINIMAL | LOW | MEDIUM | HIGH (node_modules/@google/genai genai.d.ts `enum ThinkingLevel`;
 * https://ai.google.dev/gemini-api/docs/thinking). Gemini 2.5: `thinkingConfig.thinkingBudget` in
 * tokens (0 off where allowed). Never both: that is a 400. OpenAI-style controls are not Gemini's.
 */
export function geminiThinking(request: Pick<ModelRequest, 'reasoning'>): ThinkingConfig | undefined {
  const r = request.reasoning;
  if (r?.param === 'thinkingLevel') return { thinkingLevel: r.value.toUpperCase() as ThinkingLevel };
  if (r?.param === 'thinkingBudget') return { thinkingBudget: r.value };
  return undefined;
}

function chunkText(chunk: GenerateContentResponse): string {
  const parts = chunk.candidates?.[0]?.content?.parts ?? [];
  // Thought summaries are not the answer.
  return parts.map((p) => (typeof p.text === 'string' && !p.thought ? p.text : '')).join('');
}

export class GeminiModelClient implements ModelClient {
  readonly kind = 'gemini' as const;
  private readonly ai: GoogleGenAI;

  constructor(
    private readonly provider: ProviderConfig,
    private readonly apiKey: string,
    private readonly logger: Logger,
  ) {
    // vertexai: false and an explicit baseUrl, so GOOGLE_GENAI_USE_VERTEXAI / GOOGLE_GEMINI_BASE_URL
    // in the environment cannot redirect the call.
    this.ai = new GoogleGenAI({ apiKey, vertexai: false, httpOptions: { baseUrl: provider.baseUrl } });
  }

  private context(model: string): ErrorContext {
    return { providerId: this.provider.id, kind: 'gemini', model, apiKey: this.apiKey };
  }

  private requireChat(request: ModelRequest): void {
    if (request.fim) {
      const ctx = this.context(request.model);
      throw new TieredError(
        'config',
        describe('config', ctx, 'Gemini has no fill-in-the-middle endpoint; set fim: false'),
        {
          provider: ctx.providerId,
        },
      );
    }
  }

  async stream(request: ModelRequest, onText?: (delta: string) => void): Promise<ModelResponse> {
    this.requireChat(request);
    return runCall(this.context(request.model), request, onText, async (control): Promise<StreamOutcome> => {
      const { system, contents } = toGeminiContents(request);
      const thinkingConfig = geminiThinking(request);
      const config: GenerateContentConfig = {
        maxOutputTokens: request.maxOutputTokens,
        ...(thinkingConfig ? { thinkingConfig } : {}),
        ...(system ? { systemInstruction: system } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.stop?.length ? { stopSequences: request.stop } : {}),
        ...(request.jsonSchema
          ? { responseMimeType: 'application/json', responseJsonSchema: request.jsonSchema.schema }
          : {}),
        abortSignal: control.signal,
        automaticFunctionCalling: { disable: true },
        automaticContinuation: false,
      };
      const stream = await this.ai.models.generateContentStream({ model: request.model, contents, config });
      const out: StreamOutcome = { events: 0 };
      for await (const chunk of stream) {
        out.events++;
        control.addText(chunkText(chunk));
        // Each chunk's usageMetadata is the running total: keep the last, never sum.
        if (chunk.usageMetadata) control.usage = normalizeGeminiUsage(chunk.usageMetadata);
        if (chunk.modelVersion) out.servedModel = chunk.modelVersion;
        const finish = chunk.candidates?.[0]?.finishReason;
        if (finish) out.finishReason = geminiFinishReason(finish);
        // A prompt blocked before any candidate: finished, with nothing to show.
        if (!finish && chunk.promptFeedback?.blockReason) out.finishReason = 'contentFilter';
        const cost = Number(chunk.sdkHttpResponse?.headers?.['x-litellm-response-cost']);
        if (Number.isFinite(cost) && cost > 0) out.reportedCostUsd = cost;
      }
      if (out.events > 0 && !control.usage)
        this.logger.debug(`${this.provider.id}/${request.model}: stream sent no usage`);
      return out;
    });
  }

  /**
   * Gemini's countTokens (one request, not billed). The Gemini API takes no systemInstruction
   * there, so system text is counted as a leading user turn (a few tokens of framing off).
   */
  async countTokens(request: ModelRequest): Promise<number> {
    this.requireChat(request);
    const ctx = this.context(request.model);
    const { system, contents } = toGeminiContents(request);
    const all: Content[] = system ? [{ role: 'user', parts: [{ text: system }] }, ...contents] : contents;
    const control = new CallControl(request.signal, request.timeoutMs);
    try {
      if (control.stopReason) throw new Error('aborted before sending');
      const result = await this.ai.models.countTokens({
        model: request.model,
        contents: all,
        config: { abortSignal: control.signal },
      });
      if (typeof result.totalTokens !== 'number') {
        throw new TieredError(
          'invalidResponse',
          describe('invalidResponse', ctx, 'countTokens returned no totalTokens'),
          {
            provider: ctx.providerId,
          },
        );
      }
      return result.totalTokens;
    } catch (err) {
      throw mapProviderError(err, ctx, control);
    } finally {
      control.dispose();
    }
  }
}
