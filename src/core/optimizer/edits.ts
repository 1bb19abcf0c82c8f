// Applies chosen suggestions to the two setting objects they touch. Pure: the VS Code side writes
// the result to user settings.
import type { SettingsEdit } from './suggest';

export interface RoutingSettings {
  commands: Record<string, string>;
  tiers: Record<string, string[]>;
}

/** New `commands` / `tiers` objects with the edits applied (only the ones that changed are returned). */
export function applyEdits(current: RoutingSettings, edits: readonly SettingsEdit[]): Partial<RoutingSettings> {
  const out: Partial<RoutingSettings> = {};
  for (const edit of edits) {
    if (edit.setting === 'commands' && typeof edit.value === 'string') {
      out.commands = { ...(out.commands ?? current.commands), [edit.key]: edit.value };
    } else if (edit.setting === 'tiers' && Array.isArray(edit.value)) {
      out.tiers = { ...(out.tiers ?? current.tiers), [edit.key]: [...edit.value] };
    }
  }
  return out;
}
