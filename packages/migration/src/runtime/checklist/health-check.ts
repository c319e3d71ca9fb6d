import { describeRun, runCommand } from './run-command';
import { defineItem, type ChecklistItem, type ChecklistState } from './types';

/** Required only when a command is given. */
export const healthCheckItem = defineItem('health-check', 'Health check', 'after', false);

/** `--healthCheck "<command>"`, run after the deploy: must exit 0. Optional: not given → skipped. */
export async function checkHealth(state: ChecklistState): Promise<ChecklistItem> {
  const { healthCheck, workspaceRoot, commandTimeoutMs, url } = state.input;
  if (!healthCheck) return healthCheckItem.result('skip', 'no --healthCheck "<command>" given');
  const run = await runCommand(healthCheck, workspaceRoot, { timeoutMs: commandTimeoutMs, secrets: [url] });
  return healthCheckItem.result(run.exitCode === 0 && !run.timedOut ? 'pass' : 'fail', describeRun(run), true);
}
