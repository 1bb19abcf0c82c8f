// Shutdown dates next to the model table. A date comes from the user's table
// (`tiered.models.<id>.deprecation`), else from the bundled capabilities table (the vendor's published
// shutdown date); the bundled price data only flags a model deprecated, without a date.
import { capabilitiesOf } from './calls/capabilities';
import type { TieredConfig } from './config';
import type { PriceBook } from './prices';
import { resolveModel, commandsUsingModel } from './router';
import type { CommandId } from './types';

export interface Deprecation {
  /** Our table id. */
  modelId: string;
  /** The provider's model name. */
  model: string;
  provider: string;
  /** Shutdown date YYYY-MM-DD, when known. */
  date?: string;
  /**
   * 'settings': a date in the user's model table; 'table': the vendor's date in the bundled
   * capabilities table; 'price-data': the bundled price data marks the model deprecated.
   */
  source: 'settings' | 'table' | 'price-data';
  /** Whole days from today to the date (negative once passed); undefined without a date. */
  daysLeft?: number;
  /** Commands whose tier chain contains the model (empty: nothing routes to it). */
  commands: CommandId[];
  /** The sentence for the warning and the panel. */
  message: string;
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both YYYY-MM-DD), by calendar date. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function sentence(d: Omit<Deprecation, 'message'>): string {
  const name = d.model === d.modelId ? `"${d.modelId}"` : `"${d.modelId}" (${d.model})`;
  const when =
    d.daysLeft === undefined
      ? 'is marked deprecated in the bundled price data'
      : d.daysLeft > 1
        ? `shuts down on ${d.date} (in ${d.daysLeft} days)`
        : d.daysLeft === 1
          ? `shuts down tomorrow, ${d.date}`
          : d.daysLeft === 0
            ? `shuts down today, ${d.date}`
            : `was shut down on ${d.date}`;
  const used = d.commands.length > 0 ? `used by ${d.commands.join(', ')}` : 'not used by any command';
  return `Model ${name} ${when}; ${used}. Swap it in tiered.models / tiered.tiers.`;
}

/**
 * Every model of the table with a shutdown date or a deprecated flag, soonest first (dated ones
 * before undated). `today` is the local day, YYYY-MM-DD. The cost panel lists these.
 */
export function deprecationsFor(
  config: TieredConfig,
  priceBook: Pick<PriceBook, 'describe'>,
  today: string,
): Deprecation[] {
  const out: Deprecation[] = [];
  for (const id of Object.keys(config.models)) {
    let resolved;
    try {
      resolved = resolveModel(config, id);
    } catch {
      continue; // a broken entry is reported by settings validation, not here
    }
    let bundledDeprecated = false;
    const tableDate = capabilitiesOf(resolved)?.shutdown;
    const date = resolved.deprecation ?? tableDate;
    if (!date) {
      try {
        bundledDeprecated = priceBook.describe(resolved, new Date(`${today}T12:00:00Z`)).bundledDeprecated;
      } catch {
        bundledDeprecated = false;
      }
      if (!bundledDeprecated) continue;
    }
    const base = {
      modelId: id,
      model: resolved.model,
      provider: resolved.provider,
      commands: commandsUsingModel(config, id),
      ...(date
        ? {
            date,
            source: resolved.deprecation ? ('settings' as const) : ('table' as const),
            daysLeft: daysBetween(today, date),
          }
        : { source: 'price-data' as const }),
    };
    out.push({ ...base, message: sentence(base) });
  }
  return out.sort((a, b) => (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) || a.modelId.localeCompare(b.modelId));
}

/**
 * The deprecations worth a warning today: dated ones within `warnDays` (or passed), and undated
 * flags, only for models some command uses, and not already warned about today.
 * `warned` maps model id → the day of its last warning.
 */
export function warningsDue(
  list: readonly Deprecation[],
  warnDays: number,
  today: string,
  warned: Readonly<Record<string, string>>,
): Deprecation[] {
  return list.filter(
    (d) => d.commands.length > 0 && warned[d.modelId] !== today && (d.daysLeft === undefined || d.daysLeft <= warnDays),
  );
}
