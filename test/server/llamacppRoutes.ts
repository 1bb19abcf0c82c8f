// llama.cpp llama-server's own endpoints: POST /infill (fill-in-the-middle) and GET /props.
// Request fields and response shape from tools/server/README.md ("POST /infill", "POST /completion"):
// input_prefix, input_suffix, input_extra [{filename, text}], prompt, n_predict, stream; the answer
// is {content, stop, tokens_predicted, tokens_evaluated, timings, ...}, streamed as `data: {...}`
// events (no [DONE]) whose last one has stop: true and the totals.
import type { ReplyPlan } from './deliver';
import { countTokens, tokenize, type Knobs, type ScriptRequest } from './knobs';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function describeInfill(body: unknown): Omit<ScriptRequest, 'route' | 'body'> {
  const b = obj(body);
  const extra = (Array.isArray(b.input_extra) ? b.input_extra : []).map((c) => str(obj(c).text)).join('\n');
  // `prompt` is text inserted after the prefix, right before the cursor.
  const fim = { prefix: str(b.input_prefix) + str(b.prompt), suffix: str(b.input_suffix) };
  const nPredict = typeof b.n_predict === 'number' && b.n_predict >= 0 ? b.n_predict : undefined;
  return {
    model: str(b.model) || 'llama.cpp',
    stream: b.stream === true,
    prompt: [extra, fim.prefix, fim.suffix].filter(Boolean).join('\n'),
    messages: [],
    fim,
    maxTokens: nPredict,
  };
}

export function infillPlan(req: ScriptRequest, text: string, knobs: Knobs): ReplyPlan {
  const all = tokenize(text);
  const capped = req.maxTokens !== undefined && all.length > req.maxTokens;
  const pieces = capped ? all.slice(0, req.maxTokens) : all;
  const evaluated = countTokens(req.prompt);
  const predictedMs = knobs.tokensPerSecond > 0 ? (pieces.length * 1000) / knobs.tokensPerSecond : 0;
  const timings = {
    prompt_n: evaluated,
    prompt_ms: knobs.ttftMs,
    prompt_per_second: knobs.ttftMs > 0 ? (evaluated * 1000) / knobs.ttftMs : 0,
    predicted_n: pieces.length,
    predicted_ms: predictedMs,
    predicted_per_second: knobs.tokensPerSecond,
  };
  const totals = (content: string): Json => ({
    index: 0,
    content,
    stop: true,
    model: req.model,
    tokens_predicted: pieces.length,
    tokens_evaluated: evaluated,
    stop_type: capped ? 'limit' : 'eos',
    stopping_word: '',
    tokens_cached: 0,
    truncated: false,
    timings,
  });
  return {
    stream: req.stream,
    pieces,
    eventEnd: '\n\n',
    headers: {},
    brokenPayload: '{"index":0,"content":"x"',
    errorPayload: (status) =>
      JSON.stringify({ error: { code: status, message: 'upstream failure', type: 'server_error' } }),
    head: () => [],
    content: (from, to) =>
      JSON.stringify({
        index: 0,
        content: pieces.slice(from, to).join(''),
        stop: false,
        tokens_predicted: to,
        tokens_evaluated: evaluated,
      }),
    tail: () => [JSON.stringify(totals(''))],
    body: () => totals(pieces.join('')),
  };
}

/** GET /props: enough for a client to recognise llama-server (build_info, model_path, n_ctx). */
export function llamaCppProps(model: string): Json {
  return {
    default_generation_settings: { n_ctx: 8192, params: { n_predict: -1, temperature: 0.8 } },
    total_slots: 1,
    model_path: `/models/${model}.gguf`,
    chat_template: '',
    build_info: 'b6000-local',
  };
}
