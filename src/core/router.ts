// command → tier → model chain. The only place that reads the tier tables; call sites never name
// a model.
import type { ModelConfig, ProviderConfig, TieredConfig } from './config';
import type { CommandId, TierId } from './types';

/** A model table entry joined with its provider: everything a call needs to know about it. */
export interface ResolvedModel extends ModelConfig {
  /** Our table id (e.g. "flash-lite"), the name in the ledger. */
  id: string;
  providerConfig: ProviderConfig;
}

export interface Route {
  command: CommandId;
  tier: TierId;
  /** Primary first, then fallbacks, all in the same tier. */
  chain: ResolvedModel[];
}

export function resolveModel(config: TieredConfig, id: string): ResolvedModel {
  const model = config.models[id];
  if (!model) throw new Error(`Unknown model id "${id}" (define it in \`tiered.models\`).`);
  const providerConfig = config.providers.find((p) => p.id === model.provider);
  if (!providerConfig) throw new Error(`Model "${id}" names unknown provider "${model.provider}".`);
  return { ...model, id, providerConfig };
}

/** Commands without an entry in `tiered.commands` run on lite: the cheap tier is the safe default. */
export function tierFor(config: TieredConfig, command: CommandId): TierId {
  return config.commands[command] ?? 'lite';
}

export function route(config: TieredConfig, command: CommandId, tierOverride?: TierId): Route {
  const tier = tierOverride ?? tierFor(config, command);
  const ids = config.tiers[tier];
  if (!ids || ids.length === 0) throw new Error(`Tier "${tier}" has no models (set \`tiered.tiers.${tier}\`).`);
  return { command, tier, chain: ids.map((id) => resolveModel(config, id)) };
}

/**
 * The tier above `tier` for escalation: the next entry in the order the tiers are declared
 * (lite, pro, then any custom tier the user appends), or undefined at the top.
 */
export function tierAbove(config: TieredConfig, tier: TierId): TierId | undefined {
  const order = Object.keys(config.tiers);
  const i = order.indexOf(tier);
  return i >= 0 && i + 1 < order.length ? order[i + 1] : undefined;
}

/** Every command that routes to a model (for deprecation warnings and the panel). */
export function commandsUsingModel(config: TieredConfig, modelId: string): CommandId[] {
  return Object.entries(config.commands)
    .filter(([, tier]) => (config.tiers[tier] ?? []).includes(modelId))
    .map(([command]) => command);
}
