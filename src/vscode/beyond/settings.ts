// The settings of the "beyond" features (contrib/beyond.json). Those that spend money or send a key
// somewhere count only from the user's own settings, never from a workspace (like settings.ts).
import * as vscode from 'vscode';
import type { ShadowSettings } from '../../core/shadow';

function userValue<T>(key: string, fallback: T, valid: (v: unknown) => v is T): T {
  const value = vscode.workspace.getConfiguration('tiered').inspect(key)?.globalValue;
  return valid(value) ? value : fallback;
}

const isNumberIn =
  (min: number, max: number) =>
  (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function shadowSettings(): ShadowSettings {
  return {
    enabled: userValue('shadow.enabled', false, isBoolean),
    sampleRate: userValue('shadow.sampleRate', 0.1, isNumberIn(0, 1)),
    dailyCapUsd: userValue('shadow.dailyCapUsd', 0.5, isNumberIn(0, 1000)),
  };
}

export function deprecationWarnDays(): number {
  const v = vscode.workspace.getConfiguration('tiered').get<unknown>('deprecation.warnDays');
  return isNumberIn(0, 3650)(v) ? Math.floor(v) : 30;
}

export function litellmProviderIds(): string[] {
  return userValue('litellm.providers', [], isStringArray);
}

export function optimizerWeekly(): boolean {
  const v = vscode.workspace.getConfiguration('tiered').get<unknown>('optimizer.weekly');
  return isBoolean(v) ? v : true;
}

/**
 * `tiered.inline.latencyTargetMs` (p90 time to first token of inline completion). It lives in the
 * `tiered.inline` object; read raw here so it works before the typed config knows it.
 */
export function latencyTargetMs(): number {
  const inline = vscode.workspace.getConfiguration('tiered').get<Record<string, unknown>>('inline');
  const v = inline?.latencyTargetMs;
  return isNumberIn(50, 60_000)(v) ? v : 800;
}

export const affects = (e: vscode.ConfigurationChangeEvent, ...keys: string[]): boolean =>
  keys.some((k) => e.affectsConfiguration(`tiered.${k}`));
