// The frame every adapter call runs in: one CallControl (caller's signal + whole-call timer), one
// error mapping, and the checks that a stream really finished. Adapters only read their SDK stream.
import { TieredError } from '../core/errors';
import type { ModelRequest, ModelResponse } from '../core/types';
import { CallControl } from './callControl';
import { describe, mapProviderError, type ErrorContext } from './mapError';

/** What an adapter learnt from its stream besides text and usage (which go to the CallControl). */
export interface StreamOutcome {
  /** SSE events / chunks parsed. */
  events: number;
  finishReason?: string;
  servedModel?: string;
  reportedCostUsd?: number;
}

export function invalidResponse(ctx: ErrorContext, control: CallControl, what: string): TieredError {
  return new TieredError('invalidResponse', describe('invalidResponse', ctx, what), {
    provider: ctx.providerId,
    partial: control.partial(),
  });
}

export async function runCall(
  ctx: ErrorContext,
  request: ModelRequest,
  onText: ((delta: string) => void) | undefined,
  read: (control: CallControl) => Promise<StreamOutcome>,
): Promise<ModelResponse> {
  const control = new CallControl(request.signal, request.timeoutMs, onText);
  try {
    // Already cancelled: nothing is sent.
    if (control.stopReason) throw new Error('aborted before sending');
    const out = await read(control);
    // The OpenAI SDK ends an aborted stream silently; an abort must still be an error.
    if (control.signal.aborted) throw new Error('aborted');
    if (out.events === 0) throw invalidResponse(ctx, control, 'the stream carried no events');
    // A stream without a finish reason was cut short, even when the socket closed cleanly.
    if (!out.finishReason) throw invalidResponse(ctx, control, 'the stream ended before the model finished');
    return {
      text: control.text,
      usage: control.usage,
      ...(control.ttftMs !== undefined ? { ttftMs: control.ttftMs } : {}),
      finishReason: out.finishReason,
      ...(out.servedModel ? { servedModel: out.servedModel } : {}),
      ...(out.reportedCostUsd !== undefined ? { reportedCostUsd: out.reportedCostUsd } : {}),
    };
  } catch (err) {
    if (control.callbackError) throw control.callbackError.error;
    throw mapProviderError(err, ctx, control);
  } finally {
    control.dispose();
  }
}
