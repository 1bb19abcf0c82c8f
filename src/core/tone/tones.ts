// The tones a user can pick: five built in, plus the user's own from `tiered.tone.custom`.
import type { ToneConfig } from '../config';

export interface Tone {
  /** 'concise' … 'grammar' for built-ins, 'custom:<name>' for the user's. */
  id: string;
  label: string;
  /** What the model is told to do with the text. */
  instruction: string;
  custom: boolean;
  /** Already-correct text may come back unchanged (fix grammar); other tones must change something. */
  mayBeUnchanged: boolean;
}

export const BUILT_IN_TONES: readonly Tone[] = [
  {
    id: 'concise',
    label: 'Concise',
    instruction: 'Make it concise: cut filler, hedging and repetition, keep every fact and every requirement.',
    custom: false,
    mayBeUnchanged: false,
  },
  {
    id: 'friendly',
    label: 'Friendly',
    instruction: 'Make it friendly and warm while staying professional; keep it about as long as it is.',
    custom: false,
    mayBeUnchanged: false,
  },
  {
    id: 'formal',
    label: 'Formal',
    instruction: 'Make it formal and precise: no slang, no contractions, no exclamation marks.',
    custom: false,
    mayBeUnchanged: false,
  },
  {
    id: 'neutral',
    label: 'Neutral',
    instruction: 'Make it neutral and factual: remove blame, sarcasm, hype and emotional words, keep the substance.',
    custom: false,
    mayBeUnchanged: false,
  },
  {
    id: 'grammar',
    label: 'Fix grammar',
    instruction:
      'Fix grammar, spelling and punctuation only. Keep the wording, tone and length otherwise; if nothing is wrong, return the text as it is.',
    custom: false,
    mayBeUnchanged: true,
  },
];

export const GRAMMAR_TONE_ID = 'grammar';

/** Built-in tones first, then the user's in the order of their settings (duplicate names: the first wins). */
export function availableTones(tone: ToneConfig): Tone[] {
  const seen = new Set<string>();
  const custom: Tone[] = [];
  for (const t of tone.custom) {
    const name = t.name.trim();
    const id = `custom:${name}`;
    if (!name || seen.has(id)) continue;
    seen.add(id);
    custom.push({ id, label: name, instruction: t.instruction.trim(), custom: true, mayBeUnchanged: false });
  }
  return [...BUILT_IN_TONES, ...custom];
}

export function findTone(tone: ToneConfig, id: string): Tone | undefined {
  return availableTones(tone).find((t) => t.id === id);
}
