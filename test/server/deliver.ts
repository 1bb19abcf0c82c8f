// Writes one reply onto the wire: pacing (time to first token, tokens per second), SSE framing,
// and the transport faults (cut, malformed, wrong content type, hang, trickle). The routes decide
// WHAT to send (provider JSON shapes); this decides HOW and WHEN.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, Knobs, RouteKind } from './knobs';
import type { Flavour } from './rules';

/** One line of the server's request log. Mutated while the exchange runs; read it after `idle()`. */
export interface LoggedRequest {
  id: number;
  /** Date.now() when the request arrived. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Headers as received (lower-case names). */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  route: RouteKind;
  /** Which server the request was answered as (path prefix). */
  flavour: Flavour;
  model?: string;
  stream: boolean;
  /** The request broke a provider rule: the status sent and why (the body is the provider's own). */
  rejected?: { status: number; reason: string };
  /** Temperature the request sent, if any (tests assert we do not send one where it hurts). */
  temperature?: number;
  /** Reasoning level the model ran at (request value or the model's default), if it reasons. */
  effort?: string;
  /** Reasoning tokens the reply spent (after the cap), when the model reasons. */
  reasoningTokens?: number;
  /** Prompt tokens as billed and the part read from the prompt cache (OpenAI and Gemini caching emulations). */
  promptUsage?: { prompt: number; cached: number };
  /** Response status once headers were sent (undefined for a hang). */
  status?: number;
  /** SSE events written (content, usage and [DONE] events alike). */
  chunksSent: number;
  /** The fault applied, if any. */
  fault?: Fault['kind'];
  /** The client (not the server) closed the connection before the response ended. */
  clientClosedEarly: boolean;
  /** The exchange is over (response ended, socket destroyed, or client gone). */
  ended: boolean;
  durationMs?: number;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  entry: LoggedRequest;
  /** True once the connection is gone (either side). */
  closed: boolean;
  /** The server itself destroyed the socket (a cut fault, or server shutdown). */
  serverDestroyed: boolean;
  /** Resolves when the connection is gone; lets sleeps end early. */
  closedPromise: Promise<void>;
}

/** What a route wants streamed or returned; the payloads are provider-shaped JSON strings. */
export interface ReplyPlan {
  stream: boolean;
  /** Visible output tokens (see knobs.tokenize). */
  pieces: string[];
  /** SSE payloads before the first content chunk (OpenAI's role chunk). */
  head(): string[];
  /** The payload of one content chunk holding `pieces[from, to)`. */
  content(from: number, to: number): string;
  /** SSE payloads after the content (finish reason, usage, `[DONE]`). */
  tail(): string[];
  /** The non-stream JSON body. */
  body(): unknown;
  /** Gemini frames events with CRLF, OpenAI with LF, as the real servers do. */
  eventEnd: string;
  /** Extra response headers (e.g. x-litellm-response-cost). */
  headers: Record<string, string>;
  /** Time spent reasoning before the first visible token (ms). */
  thinkMs?: number;
  /** A syntactically broken payload in this provider's shape, for malformedJson. */
  brokenPayload: string;
  /** The provider's in-stream error event for a status, for streamError. */
  errorPayload(status: number): string;
}

/** Destroys the socket on purpose (so the log does not blame the client). */
export function destroy(ex: Exchange): void {
  ex.serverDestroyed = true;
  ex.res.destroy();
}

export function sleep(ms: number, ex: Exchange): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void ex.closedPromise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function sendJson(ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (ex.closed) return;
  const text = JSON.stringify(body);
  ex.entry.status = status;
  ex.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  ex.res.end(text);
}

function startStream(ex: Exchange, plan: ReplyPlan): void {
  ex.entry.status = 200;
  ex.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...plan.headers,
  });
  ex.res.flushHeaders();
}

/** Writes one SSE event; destroys the socket instead when a cut fault says this is the breaking point. */
async function writeEvent(ex: Exchange, plan: ReplyPlan, payload: string, fault: Fault | undefined): Promise<boolean> {
  if (ex.closed) return false;
  if (fault?.kind === 'cut' && ex.entry.chunksSent >= fault.afterChunks) {
    await cut(ex, fault);
    return false;
  }
  if (fault?.kind === 'streamError' && ex.entry.chunksSent >= fault.afterChunks) {
    ex.res.end(`data: ${plan.errorPayload(fault.status)}${plan.eventEnd}`);
    ex.entry.chunksSent++;
    return false;
  }
  ex.res.write(`data: ${payload}${plan.eventEnd}`);
  ex.entry.chunksSent++;
  return true;
}

async function cut(ex: Exchange, fault: { pauseMs?: number }): Promise<void> {
  await sleep(fault.pauseMs ?? 100, ex);
  destroy(ex);
}

export async function deliver(ex: Exchange, plan: ReplyPlan, knobs: Knobs): Promise<void> {
  const fault = knobs.fault;
  if (fault) ex.entry.fault = fault.kind;
  switch (fault?.kind) {
    case 'hang':
      return ex.closedPromise;
    case 'wrongContentType': {
      await sleep(knobs.ttftMs, ex);
      if (ex.closed) return;
      ex.entry.status = 200;
      ex.res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      ex.res.end('<!doctype html>\n<html><body><h1>Sign in to continue</h1></body></html>');
      return;
    }
    case 'malformedSse':
      if (plan.stream) {
        await sleep(knobs.ttftMs, ex);
        if (ex.closed) return;
        startStream(ex, plan);
        ex.res.end(`${plan.head()[0] ?? plan.content(0, Math.min(1, plan.pieces.length))}\nnot an event`);
        return;
      }
      break;
    default:
      break;
  }
  if (!plan.stream) return deliverJson(ex, plan, knobs);

  startStream(ex, plan);
  await sleep(knobs.ttftMs, ex);
  for (const payload of plan.head()) if (!(await writeEvent(ex, plan, payload, fault))) return;
  await sleep(plan.thinkMs ?? 0, ex);

  const perChunk = Math.max(1, knobs.tokensPerChunk);
  const interval =
    fault?.kind === 'trickle'
      ? fault.intervalMs
      : knobs.tokensPerSecond > 0
        ? (perChunk * 1000) / knobs.tokensPerSecond
        : 0;
  const start = Date.now();
  let chunk = 0;
  const total = plan.pieces.length;
  // A trickle never finishes: it cycles the reply's tokens one chunk at a time.
  for (let from = 0; fault?.kind === 'trickle' || from < total; from += perChunk, chunk++) {
    if (chunk > 0) await sleep(start + chunk * interval - Date.now(), ex);
    const at = total === 0 ? 0 : from % total;
    const payload = plan.content(at, Math.min(at + perChunk, total));
    if (!(await writeEvent(ex, plan, payload, fault))) return;
    if (fault?.kind === 'malformedJson') {
      await writeEvent(ex, plan, plan.brokenPayload, undefined);
      ex.res.end();
      return;
    }
  }
  for (const payload of plan.tail()) if (!(await writeEvent(ex, plan, payload, fault))) return;
  if (fault?.kind === 'cut') {
    // Cut after the last event: the stream ends without its terminator.
    await cut(ex, fault);
    return;
  }
  ex.res.end();
}

async function deliverJson(ex: Exchange, plan: ReplyPlan, knobs: Knobs): Promise<void> {
  const tps = knobs.tokensPerSecond;
  const fault = knobs.fault;
  if (fault?.kind === 'trickle') {
    // JSON allows leading whitespace: a body that never completes, one byte at a time.
    ex.entry.status = 200;
    ex.res.writeHead(200, { 'content-type': 'application/json', ...plan.headers });
    while (!ex.closed) {
      ex.res.write(' ');
      await sleep(fault.intervalMs, ex);
    }
    return;
  }
  await sleep(knobs.ttftMs + (plan.thinkMs ?? 0) + (tps > 0 ? (plan.pieces.length * 1000) / tps : 0), ex);
  if (ex.closed) return;
  const text = JSON.stringify(plan.body());
  if (fault?.kind === 'malformedJson' || fault?.kind === 'malformedSse') {
    ex.entry.status = 200;
    ex.res.writeHead(200, { 'content-type': 'application/json', ...plan.headers });
    ex.res.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  if (fault?.kind === 'cut') {
    ex.entry.status = 200;
    ex.res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...plan.headers,
    });
    ex.res.write(text.slice(0, Math.floor(text.length / 2)));
    await cut(ex, fault);
    return;
  }
  sendJson(ex, 200, plan.body(), plan.headers);
}
