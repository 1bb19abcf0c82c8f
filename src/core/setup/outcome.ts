// Turns what each setup request did into one report row per model: reachable, key accepted,
// parameters accepted, time to first token, usage, price source, FIM dialect, and for each
// problem its fix in plain words, naming the setting to change.
import type { PriceInfo } from '../prices';
import type { TieredError } from '../errors';
import type { CostSource } from '../types';
import { fimLabel, reasoningLabel, type SetupCheck } from './plan';

/** What one request through the call path gave. */
export type Attempt =
  | {
      ok: true;
      ttftMs: number | null;
      usageReported: boolean;
      inputTokens: number;
      outputTokens: number;
      reasoningTokens: number;
      costUsd: number;
      costSource: CostSource;
    }
  | { ok: false; error: TieredError };

export interface ModelCheck {
  check: SetupCheck;
  chat: Attempt;
  /** Only for models with `fim`. */
  fim?: Attempt;
  price: Pick<PriceInfo, 'source' | 'bundled'>;
}

/** yes / no / not known (the request never got that far). */
export type Verdict = 'yes' | 'no' | 'unknown';

export interface Problem {
  /** What went wrong, in plain words (the provider's message included where it helps). */
  what: string;
  /** What to change, naming the setting or command. */
  fix: string;
}

export interface SetupRow {
  modelId: string;
  model: string;
  provider: string;
  tier: string;
  ready: boolean;
  /** Nothing reached the provider (no key, unknown price, cap, cancelled). */
  notSent: boolean;
  reachable: Verdict;
  keyAccepted: Verdict;
  paramsAccepted: Verdict;
  reasoning: string;
  ttft: string;
  usage: string;
  price: string;
  fim: string;
  problems: Problem[];
  /** Worth knowing, not blocking (usage not reported, a FIM answer that is not code…). */
  notes: string[];
}

const MAX_PROVIDER_TEXT = 240;

function quote(message: string): string {
  const one = message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return one.length <= MAX_PROVIDER_TEXT ? one : `${one.slice(0, MAX_PROVIDER_TEXT - 1)}…`;
}

/** Reasoning parameters as the providers name them in a 400 (OpenAI `param`, Gemini field paths). */
const REASONING_PARAM = /reasoning|thinking|effort/i;
const CAP_PARAM = /max_tokens|max_completion_tokens|max_output_tokens|maxOutputTokens/i;
const FIM_PARAM = /suffix|prompt|infill|input_extra/i;

/** The parameter a 400 names: the error's own `param`, else a known name in its message. */
export function namedParam(err: TieredError): string | undefined {
  if (err.details.param) return err.details.param;
  const m = err.message.match(
    /\b(temperature|reasoning_effort|thinking_?level|thinkingLevel|thinking_?budget|thinkingBudget|thinking_config|thinkingConfig|max_completion_tokens|max_tokens|maxOutputTokens|suffix|top_p|response_format)\b/i,
  );
  return m?.[1];
}

/** The fix for a 400 about a parameter, naming the setting that sent it. */
function badRequestFix(err: TieredError, check: SetupCheck, fim: boolean): Problem {
  const id = check.model.id;
  const param = namedParam(err);
  const said = `the provider rejected ${param ? `\`${param}\`` : 'the request'}: ${quote(err.message)}`;
  if (fim && (!param || FIM_PARAM.test(param))) {
    return {
      what: `FIM request: ${said}`,
      fix: `Set \`tiered.models.${id}.fim\` to the dialect the server takes (or \`false\`), and check \`tiered.providers\` \`server\` for provider "${check.model.provider}".`,
    };
  }
  if (param && /temperature/i.test(param)) {
    return {
      what: said,
      fix: `Remove \`tiered.models.${id}.temperature\` (and \`tiered.models.${id}.capabilities.temperature\` if you set it to "accepted").`,
    };
  }
  if (param && REASONING_PARAM.test(param)) {
    const cmd = check.reasoningFrom ?? 'setup';
    return {
      what: said,
      fix: `Set \`tiered.models.${id}.capabilities.reasoning\` to the values this model takes (or "none"), or change \`tiered.reasoning.${cmd}\`.`,
    };
  }
  if (param && CAP_PARAM.test(param)) {
    return {
      what: said,
      fix: `Set \`tiered.models.${id}.capabilities.outputCapField\` to the field this server takes ("max_tokens" or "max_completion_tokens").`,
    };
  }
  return {
    what: said,
    fix: `Correct \`tiered.models.${id}.capabilities\` for what this model takes${param ? ` (it refused \`${param}\`)` : ''}, or \`tiered.reasoning\`.`,
  };
}

/** One problem, with its fix, for a failed request. */
export function problemFor(err: TieredError, check: SetupCheck, fim = false): Problem {
  const { model } = check;
  const id = model.id;
  const provider = model.providerConfig;
  const label = fim ? 'FIM request: ' : '';
  switch (err.reason) {
    case 'auth':
      // No status: the adapter refused before sending, as no key is stored.
      return err.details.status === undefined
        ? {
            what: `${label}not sent: no API key is set for provider "${provider.id}"`,
            fix: `Run **Tiered: Set API Key** for provider "${provider.id}".`,
          }
        : {
            what: `${label}the provider refused the key (HTTP ${err.details.status}): ${quote(err.message)}`,
            fix: `Run **Tiered: Set API Key** for provider "${provider.id}" with a valid key.`,
          };
    case 'denied':
      return {
        what: `${label}the key works, but the account has no access to "${model.model}" (or not from this region): ${quote(err.message)}`,
        fix: `Ask the provider for access to "${model.model}", or change \`tiered.models.${id}.model\` to a model the account can use.`,
      };
    case 'badRequest':
      return badRequestFix(err, check, fim);
    case 'modelNotFound':
      return {
        what: `${label}the provider does not serve "${model.model}": ${quote(err.message)}`,
        fix: `Check the model name in \`tiered.models.${id}.model\`.`,
      };
    case 'network':
      return {
        what: `${label}${provider.baseUrl} is unreachable: ${quote(err.message)}`,
        fix: `Check the base URL of provider "${provider.id}" in \`tiered.providers\` and that the server is running (and reachable from this machine).`,
      };
    case 'timeout':
      return {
        what: `${label}${provider.baseUrl} did not answer in time: ${quote(err.message)}`,
        fix: `Check the base URL of provider "${provider.id}" in \`tiered.providers\` (or raise its \`timeoutMs\` for a slow server).`,
      };
    case 'truncated':
      return {
        what: `${label}the answer ended at its output cap with nothing to show (reasoning used it all)`,
        fix: `Raise \`tiered.models.${id}.maxOutputTokens\`, or lower \`tiered.reasoning.${check.reasoningFrom ?? 'setup'}\`.`,
      };
    case 'rateLimit':
      return {
        what: `${label}rate-limited by the provider: ${quote(err.message)}`,
        fix: 'Wait a minute and run **Tiered: Check Setup** again; if it persists, check the rate limits of your plan.',
      };
    case 'quota':
      return {
        what: `${label}the account's quota or budget is used up: ${quote(err.message)}`,
        fix: `Check billing and quota of the account behind provider "${provider.id}" (or the key's budget on a LiteLLM proxy).`,
      };
    case 'server':
      return {
        what: `${label}the server failed (HTTP ${err.details.status ?? '5xx'}): ${quote(err.message)}`,
        fix: 'Try again later; if it persists, check the server or the provider status page.',
      };
    case 'budget':
      return {
        what: `${label}not sent: ${quote(err.message)}`,
        fix: "Raise today's cap (**Tiered: Raise Today's Cap**) or `tiered.budget.dailyCapUsd`.",
      };
    case 'config':
      // The call path refuses a cloud model with no known price before sending.
      return /price/i.test(err.message)
        ? {
            what: `${label}not sent: Tiered knows no price for "${model.model}"`,
            fix: `Set \`tiered.models.${id}.price\` ({ "inputPerMTok": …, "outputPerMTok": … }).`,
          }
        : { what: `${label}not sent: ${quote(err.message)}`, fix: 'Correct the setting it names.' };
    case 'cancelled':
      return { what: `${label}cancelled: not checked`, fix: 'Run **Tiered: Check Setup** again.' };
    case 'invalidResponse':
      return {
        what: `${label}the answer was not usable: ${quote(err.message)}`,
        fix: `Check that "${model.model}" is a chat model and that \`tiered.providers\` \`server\` is right for provider "${provider.id}".`,
      };
  }
}

/** Did the request reach the server, was the key accepted, were the parameters accepted. */
export function verdicts(attempt: Attempt): Pick<SetupRow, 'reachable' | 'keyAccepted' | 'paramsAccepted'> {
  if (attempt.ok) return { reachable: 'yes', keyAccepted: 'yes', paramsAccepted: 'yes' };
  const err = attempt.error;
  switch (err.reason) {
    case 'network':
    case 'timeout':
      return { reachable: 'no', keyAccepted: 'unknown', paramsAccepted: 'unknown' };
    case 'auth':
      return err.details.status === undefined
        ? { reachable: 'unknown', keyAccepted: 'no', paramsAccepted: 'unknown' }
        : { reachable: 'yes', keyAccepted: 'no', paramsAccepted: 'unknown' };
    case 'badRequest':
      return { reachable: 'yes', keyAccepted: 'yes', paramsAccepted: 'no' };
    case 'truncated':
      return { reachable: 'yes', keyAccepted: 'yes', paramsAccepted: 'yes' };
    case 'denied':
    case 'modelNotFound':
    case 'rateLimit':
    case 'quota':
      return { reachable: 'yes', keyAccepted: 'yes', paramsAccepted: 'unknown' };
    case 'server':
    case 'invalidResponse':
      return { reachable: 'yes', keyAccepted: 'unknown', paramsAccepted: 'unknown' };
    default:
      return { reachable: 'unknown', keyAccepted: 'unknown', paramsAccepted: 'unknown' };
  }
}

const NOT_SENT = new Set(['budget', 'config', 'cancelled']);

function notSent(attempt: Attempt): boolean {
  if (attempt.ok) return false;
  const { reason, details } = attempt.error;
  return NOT_SENT.has(reason) || (reason === 'auth' && details.status === undefined);
}

/** Where this model's cost comes from, as the user reads it. */
export function priceLabel(result: ModelCheck): string {
  const { price, check } = result;
  if (price.source === 'override') return `your price (\`tiered.models.${check.model.id}.price\`)`;
  if (result.chat.ok && result.chat.costSource === 'server') return 'reported by the server with each answer';
  switch (price.source) {
    case 'bundled':
      return `bundled price data${price.bundled ? ` (genai-prices ${price.bundled.dataVersion}, ${price.bundled.dataDate})` : ''}`;
    case 'local':
      return 'local server: $0';
    default:
      return `unknown → set \`tiered.models.${check.model.id}.price\``;
  }
}

export function toRow(result: ModelCheck): SetupRow {
  const { check, chat, fim } = result;
  const { model } = check;
  const problems: Problem[] = [];
  const notes: string[] = [];
  if (!chat.ok) problems.push(problemFor(chat.error, check));
  // FIM is only worth asking when chat came through (the same failure would repeat).
  if (fim && !fim.ok && !(chat.ok === false && fim.error.reason === chat.error.reason)) {
    problems.push(problemFor(fim.error, check, true));
  }
  if (result.price.source === 'unknown' && !problems.some((p) => p.fix.includes('.price`'))) {
    problems.push({
      what: `Tiered knows no price for "${model.model}": calls to it are refused`,
      fix: `Set \`tiered.models.${model.id}.price\` ({ "inputPerMTok": …, "outputPerMTok": … }).`,
    });
  }
  if (chat.ok && !chat.usageReported) {
    notes.push('The server reported no token usage: Tiered bills its own estimate of the tokens.');
  }
  const ttft = chat.ok ? (chat.ttftMs === null ? 'no text streamed' : `${chat.ttftMs} ms`) : '—';
  const usage = chat.ok
    ? chat.usageReported
      ? `reported (in ${chat.inputTokens}, out ${chat.outputTokens}${chat.reasoningTokens ? `, reasoning ${chat.reasoningTokens}` : ''})`
      : 'not reported (estimated)'
    : '—';
  const fimState = check.fim ? (fim?.ok ? ': works' : fim ? ': failed' : ': not checked') : '';
  return {
    modelId: model.id,
    model: model.model,
    provider: model.providerConfig.id,
    tier: check.tier,
    ready: problems.length === 0,
    notSent: notSent(chat),
    ...verdicts(chat),
    reasoning: reasoningLabel(check),
    ttft,
    usage,
    price: priceLabel(result),
    fim: `${fimLabel(check.fim)}${fimState}`,
    problems,
    notes,
  };
}

/** "3 of 4 models ready; 1 problem" */
export function summaryLine(rows: SetupRow[]): string {
  const ready = rows.filter((r) => r.ready).length;
  const problems = rows.reduce((n, r) => n + r.problems.length, 0);
  const models = rows.length === 1 ? 'model' : 'models';
  const tail = problems === 0 ? '' : `; ${problems} problem${problems === 1 ? '' : 's'}`;
  return `${ready} of ${rows.length} ${models} ready${tail}`;
}
