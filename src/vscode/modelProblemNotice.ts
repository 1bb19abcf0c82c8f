// The text of the one notice shown when the call path skips a model for its configuration (issue
// 10, item 4), and the memory that keeps it to once per model until the settings change. No vscode
// import: unit-tested in test/unit/modelProblemNotice.test.ts; composition.ts shows it.
import type { ModelProblem } from '../core/callPath';

/** The provider's message is kept, but a notification is no place for a whole error body. */
const MAX_PROVIDER_TEXT = 300;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_PROVIDER_TEXT ? oneLine : `${oneLine.slice(0, MAX_PROVIDER_TEXT - 1)}…`;
}

/**
 * e.g. `Tiered: "flash-lite" (gemini-3.1-flash-lite on gemini) was rejected: <provider's message>.
 * Change tiered.models.flash-lite; "flash-lite-next" answers meanwhile.`
 */
export function modelProblemMessage(problem: ModelProblem): string {
  const who = `"${problem.modelId}" (${problem.model} on ${problem.providerId})`;
  const said = clip(problem.error.message).replace(/\.$/, '');
  const meanwhile = problem.next
    ? `"${problem.next}" answers meanwhile.`
    : 'No other model of its tier is left to answer until then.';
  switch (problem.error.reason) {
    case 'denied':
      // A 403 for region or model access: the key works, the account may not use this model.
      return (
        `Tiered: ${who} is not available to this key or account (the provider refused access): ${said}. ` +
        `Ask the provider for access, or change ${problem.setting} to a model you can use; ${meanwhile}`
      );
    case 'modelNotFound':
      return (
        `Tiered: ${who} was not found by the provider: ${said}. ` +
        `Change the model id in ${problem.setting}; ${meanwhile}`
      );
    default:
      return `Tiered: ${who} was rejected: ${said}. Change ${problem.setting}; ${meanwhile}`;
  }
}

/** Which models were already told about; forgotten when the settings change. */
export class ModelProblemMemory {
  private told = new Set<string>();

  /** True the first time a model's problem is seen since the last reset. */
  first(modelId: string): boolean {
    if (this.told.has(modelId)) return false;
    this.told.add(modelId);
    return true;
  }

  has(modelId: string): boolean {
    return this.told.has(modelId);
  }

  reset(): void {
    this.told.clear();
  }
}
