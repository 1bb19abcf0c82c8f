// Every setting Tiered reads, validated in one place. The VS Code layer hands in the raw values of
// the `tiered.*` section; this returns either a typed config or one message naming the setting.
import { z } from 'zod';
import { DEFAULT_REASONING, REASONING_LEVELS, SERVER_KINDS, capabilitiesOf, serverKind } from './calls/capabilities';
import { FIM_TEMPLATES } from './calls/capabilityTable';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
const usd = z.number().finite().nonnegative();

export const providerSchema = z.strictObject({
  id: z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'expected letters, digits, ".", "_" or "-"'),
  kind: z.enum(['gemini', 'openai']),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    // Credentials in a URL end up in logs and pickers; keys belong in SecretStorage.
    .refine((u) => {
      const url = new URL(u);
      return !url.username && !url.password;
    }, 'must not contain a user name or password (set the key with "Tiered: Set API Key")'),
  /** Per-call timeout in ms (a pro review may take a while; inline calls use their own, shorter). */
  timeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
  /**
   * What the server is (decides FIM and reasoning wire details); inferred from the base URL when
   * absent (api.openai.com, *.openai.azure.com, openrouter.ai, ports 11434 Ollama / 1234 LM Studio).
   */
  server: z.enum(SERVER_KINDS).optional(),
});

// USD per million tokens. The priciest published rates are a few hundred dollars; far above is a
// typo (1e308 made every worst case Infinity), refused here with the setting's name.
const perMTok = usd.max(100_000, 'at most 100000 USD per million tokens');

export const priceOverrideSchema = z.strictObject({
  inputPerMTok: perMTok,
  outputPerMTok: perMTok,
  cachedInputPerMTok: perMTok.optional(),
});

const reasoningLevel = z.enum(REASONING_LEVELS);

/** Per-model corrections of the bundled capabilities table (core/calls/capabilityTable.ts). */
export const capabilityOverrideSchema = z.strictObject({
  temperature: z.enum(['accepted', 'rejected', 'ignored', 'withoutReasoning']).optional(),
  reasoning: z
    .union([
      z.literal('none'),
      z.strictObject({
        param: z.enum(['reasoning_effort', 'thinkingLevel']),
        /** From least to most reasoning. */
        values: z.array(z.string().min(1)).min(1),
        default: z.string().min(1).optional(),
        off: z.string().min(1).optional(),
      }),
      z.strictObject({
        param: z.literal('thinkingBudget'),
        min: z.number().int().min(0),
        max: z.number().int().min(1),
        canDisable: z.boolean(),
        default: z.number().int().min(-1),
      }),
    ])
    .optional(),
  reasoningCountsAgainstCap: z.boolean().optional(),
  outputCapField: z.enum(['max_completion_tokens', 'max_tokens']).optional(),
  maxOutputLimit: z.number().int().min(1).optional(),
  fimTemplate: z.enum(FIM_TEMPLATES).optional(),
});

/** `true` picks the dialect from the server; a dialect or a template name forces one. */
export const fimSchema = z.union([z.boolean(), z.enum(['suffix', 'infill', ...FIM_TEMPLATES])]);

export const modelSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  tier: z.string().min(1),
  maxOutputTokens: z.number().int().min(1).max(200_000),
  temperature: z.number().min(0).max(2).optional(),
  price: priceOverrideSchema.optional(),
  deprecation: isoDate.optional(),
  fim: fimSchema.default(false),
  contextWindow: z.number().int().min(256).optional(),
  capabilities: capabilityOverrideSchema.optional(),
});

export const budgetSchema = z.strictObject({
  dailyCapUsd: usd.max(100_000).default(5),
  perCommandUsd: z.record(z.string(), usd.max(100_000)).default({}),
  softThreshold: z.number().min(0).max(1).default(0.8),
  confirmAboveUsd: usd.default(0.05),
});

export const DEFAULT_PROVIDERS = [
  { id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', timeoutMs: 120_000 },
  { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', timeoutMs: 120_000 },
] as const;

// Model ids present in @pydantic/genai-prices, so prices resolve with no override; none has a
// published shutdown date within a month of 2026-11-30 (see docs/providers.md). No temperature:
// Google advises Gemini 3 models keep their default (1.0); 3.5 Flash-Lite ignores it.
export const DEFAULT_MODELS = {
  'flash-lite': { provider: 'gemini', model: 'gemini-3.1-flash-lite', tier: 'lite', maxOutputTokens: 1024 },
  'flash-lite-next': { provider: 'gemini', model: 'gemini-3.5-flash-lite', tier: 'lite', maxOutputTokens: 1024 },
  pro: { provider: 'gemini', model: 'gemini-3.1-pro-preview', tier: 'pro', maxOutputTokens: 16384 },
  // gemini-2.5-pro shuts down 2026-12-01; Google names gemini-3.8-flash as its successor (GA).
  'pro-stable': { provider: 'gemini', model: 'gemini-3.8-flash', tier: 'pro', maxOutputTokens: 16384 },
} as const;

export const DEFAULT_TIERS = { lite: ['flash-lite', 'flash-lite-next'], pro: ['pro', 'pro-stable'] };
export const DEFAULT_COMMANDS = { complete: 'lite', tone: 'lite', review: 'pro' };
/** Commands that may be downgraded to the cheapest model above the soft threshold. */
export const NON_CRITICAL_COMMANDS = new Set(['complete', 'tone']);

export const inlineSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Per-language switch, e.g. { "markdown": false }; languages not listed follow `enabled`. */
  languages: z.record(z.string(), z.boolean()).default({}),
  maxLines: z.number().int().min(1).max(100).default(8),
  prefixTokens: z.number().int().min(64).max(32_000).default(1200),
  suffixTokens: z.number().int().min(0).max(16_000).default(300),
  /** Tokens of context from other files (definitions, recent edits, open-file snippets); 0 = off. */
  contextTokens: z.number().int().min(0).max(16_000).default(1024),
  maxOutputTokens: z.number().int().min(8).max(4096).default(128),
  timeoutMs: z.number().int().min(500).max(60_000).default(6000),
  /** p90 time to first token the lite primary must meet before inline moves down its chain. */
  latencyTargetMs: z.number().int().min(100).max(10_000).default(800),
  /** Learned chance of acceptance below which an automatic request is not sent (0 = off; Alt+\ always asks). */
  acceptThreshold: z.number().min(0).max(0.9).default(0.15),
});

export const toneSchema = z.strictObject({
  custom: z
    .array(z.strictObject({ name: z.string().min(1).max(40), instruction: z.string().min(1).max(2000) }))
    .default([]),
});

export const reviewSchema = z.strictObject({
  /** Above this many input tokens, lite extracts per-file summaries and pro reasons over them. */
  extractAboveTokens: z.number().int().min(1000).default(30_000),
  /** Lite rates complexity first; simple inputs are reviewed by lite. Off by default. */
  autoDepth: z.boolean().default(false),
  /** Retries of a failing pro call on the same model before the next pro model. */
  retries: z.number().int().min(0).max(5).default(2),
  /** Findings the model is less sure of than this are collapsed behind "Show N lower-confidence findings". */
  minConfidence: z.enum(['high', 'medium', 'low']).default('medium'),
});

export const rawConfigSchema = z.object({
  providers: z
    .array(providerSchema)
    .min(1)
    .default(DEFAULT_PROVIDERS.map((p) => ({ ...p }))),
  models: z.record(z.string().min(1), modelSchema).default(structuredClone(DEFAULT_MODELS) as never),
  tiers: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default(structuredClone(DEFAULT_TIERS)),
  commands: z.record(z.string().min(1), z.string().min(1)).default({ ...DEFAULT_COMMANDS }),
  budget: budgetSchema.default(budgetSchema.parse({})),
  escalation: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  inline: inlineSchema.default(inlineSchema.parse({})),
  tone: toneSchema.default(toneSchema.parse({})),
  review: reviewSchema.default(reviewSchema.parse({})),
  /** Reasoning level per command or review stage; merged over DEFAULT_REASONING. */
  reasoning: z.record(z.string().min(1), reasoningLevel).default({}),
  exclude: z.array(z.string().min(1)).default(['**/.env*', '**/*.pem', '**/*.key', '**/id_rsa*', '**/secrets/**']),
});

export type ProviderConfig = z.infer<typeof providerSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type PriceOverride = z.infer<typeof priceOverrideSchema>;
export type BudgetConfig = z.infer<typeof budgetSchema>;
export type InlineConfig = z.infer<typeof inlineSchema>;
export type ToneConfig = z.infer<typeof toneSchema>;
export type ReviewConfig = z.infer<typeof reviewSchema>;
export type TieredConfig = z.infer<typeof rawConfigSchema>;

export type ConfigResult = { ok: true; config: TieredConfig } | { ok: false; message: string };

/** Names a zod issue path as the user sees it in settings.json: `tiered.models.pro.maxOutputTokens`. */
function settingPath(path: ReadonlyArray<PropertyKey>): string {
  let out = 'tiered';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

/** Validates raw settings (undefined values take defaults) and checks cross references. */
export function parseConfig(raw: Record<string, unknown>): ConfigResult {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== null));
  const parsed = rawConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
    return { ok: false, message: `Setting \`${settingPath(issue.path)}\`: ${issue.message}${more}.` };
  }
  const config = parsed.data;
  const problem = crossCheck(config);
  return problem ? { ok: false, message: problem } : { ok: true, config };
}

function crossCheck(config: TieredConfig): string | undefined {
  const providerIds = new Set<string>();
  for (const p of config.providers) {
    if (providerIds.has(p.id)) return `Setting \`tiered.providers\`: provider id "${p.id}" appears twice.`;
    providerIds.add(p.id);
  }
  for (const [id, m] of Object.entries(config.models)) {
    if (!providerIds.has(m.provider)) {
      return `Setting \`tiered.models.${id}.provider\`: unknown provider "${m.provider}" (known: ${[...providerIds].join(', ')}).`;
    }
    const problem = modelCapabilityProblem(
      id,
      m,
      config.providers.find((p) => p.id === m.provider)!,
    );
    if (problem) return problem;
    if (!Object.hasOwn(config.tiers, m.tier)) {
      return `Setting \`tiered.models.${id}.tier\`: unknown tier "${m.tier}" (known: ${Object.keys(config.tiers).join(', ')}).`;
    }
  }
  for (const [tier, chain] of Object.entries(config.tiers)) {
    for (const id of chain) {
      if (!Object.hasOwn(config.models, id)) {
        return `Setting \`tiered.tiers.${tier}\`: unknown model id "${id}" (define it in \`tiered.models\`).`;
      }
    }
  }
  for (const [command, tier] of Object.entries(config.commands)) {
    if (!Object.hasOwn(config.tiers, tier)) {
      return `Setting \`tiered.commands.${command}\`: unknown tier "${tier}" (known: ${Object.keys(config.tiers).join(', ')}).`;
    }
  }
  for (const command of Object.keys(config.budget.perCommandUsd)) {
    if (!Object.hasOwn(config.commands, command) && command !== 'shadow') {
      return `Setting \`tiered.budget.perCommandUsd.${command}\`: unknown command (known: ${Object.keys(config.commands).join(', ')}).`;
    }
  }
  return undefined;
}

/**
 * Settings a model cannot take: a temperature it rejects, FIM where the server has none. Named
 * here so the user reads which setting to change instead of a 400 on every call.
 */
function modelCapabilityProblem(id: string, m: ModelConfig, provider: ProviderConfig): string | undefined {
  const caps = capabilitiesOf(m);
  if (m.temperature !== undefined && caps && (caps.temperature === 'rejected' || caps.temperature === 'ignored')) {
    const what = caps.temperature === 'rejected' ? 'rejects any temperature but its default' : 'ignores temperature';
    return (
      `Setting \`tiered.models.${id}.temperature\`: ${m.model} (${caps.family}) ${what}; remove the setting ` +
      `(or set \`tiered.models.${id}.capabilities.temperature\` if your server accepts it).`
    );
  }
  if (m.fim) {
    if (provider.kind === 'gemini') {
      return `Setting \`tiered.models.${id}.fim\`: the Gemini API has no fill-in-the-middle endpoint; set it to false.`;
    }
    const server = serverKind(provider);
    if (server === 'openai' || server === 'azure' || (caps?.family.startsWith('OpenAI') && !caps.vendorFim)) {
      return (
        `Setting \`tiered.models.${id}.fim\`: no current OpenAI model serves fill-in-the-middle ` +
        `(/v1/completions with suffix); set it to false (${m.model} gets a chat prompt).`
      );
    }
  }
  return undefined;
}

/** The reasoning level a command (or review stage) runs at: the user's setting, else the default. */
export function reasoningLevelFor(config: Pick<TieredConfig, 'reasoning'>, key: string) {
  return (
    (Object.hasOwn(config.reasoning, key) ? config.reasoning[key] : undefined) ??
    (Object.hasOwn(DEFAULT_REASONING, key) ? DEFAULT_REASONING[key] : undefined) ??
    'least'
  );
}

/**
 * The tier order is the escalation order. A user object naming every default tier keeps the
 * user's order (`lite`, `mid`, `pro`); otherwise the defaults come first and new tiers follow.
 */
export function tiersInOrder(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const user = value as Record<string, unknown>;
  const namesAll = Object.keys(DEFAULT_TIERS).every((k) => Object.hasOwn(user, k));
  return namesAll ? { ...user } : { ...DEFAULT_TIERS, ...user };
}

/** The defaults, parsed: what a fresh install runs with. */
export function defaultConfig(): TieredConfig {
  const result = parseConfig({});
  if (!result.ok) throw new Error(`Built-in defaults are invalid: ${result.message}`);
  return result.config;
}
