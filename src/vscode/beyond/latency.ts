// The latency-aware lite tier in the host: fed by every window's ledger records of inline
// completion, consulted by the call path's reorder hook, shown in the status bar tooltip.
import * as vscode from 'vscode';
import { LatencyMonitor } from '../../core/latency';
import type { ResolvedModel } from '../../core/router';
import type { CommandId } from '../../core/types';
import type { FeatureContext } from '../featureContext';
import { affects, latencyTargetMs } from './settings';

/** The only command whose chain is reordered: latency matters for ghost text, not for a review. */
export const LATENCY_COMMAND = 'complete';

export interface LatencyControl {
  readonly monitor: LatencyMonitor;
  /** For CallPathDeps.reorder. */
  reorder(command: CommandId, chain: ResolvedModel[]): ResolvedModel[];
  describe(): string;
}

export function activateLatency(ctx: FeatureContext): LatencyControl {
  const monitor = new LatencyMonitor({ targetMs: latencyTargetMs() });
  const showState = (): void => {
    if (monitor.switched) ctx.statusBar.setNote('latency', '$(watch) lite moved', monitor.describe());
    else ctx.statusBar.setNote('latency', undefined);
  };
  ctx.extension.subscriptions.push(
    ctx.onDidAppendLedger((records) => {
      for (const r of records) if (r.command === LATENCY_COMMAND) monitor.observe(r);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'inline')) monitor.setTarget(latencyTargetMs());
    }),
  );
  return {
    monitor,
    reorder(command, chain) {
      if (command !== LATENCY_COMMAND) return chain;
      const p = monitor.preferred(chain);
      if (p.transition) {
        ctx.logger.info(p.reason);
        showState();
      }
      return p.chain;
    },
    describe: () => monitor.describe(),
  };
}
