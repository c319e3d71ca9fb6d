import { spawn } from 'node:child_process';
import { maskSecrets } from '../../engine/connection';

export interface CommandResult {
  command: string;
  exitCode: number | null;
  ms: number;
  /** The last lines of stdout and stderr together, secrets masked. */
  tail: string;
  timedOut: boolean;
}

/**
 * Runs a user's command (a backup job, a health check) through the shell in the workspace root,
 * and reports how it ended. Its output is kept for the report, not streamed: the checklist's own
 * lines stay readable. A command still running after `timeoutMs` is stopped and counts as failed.
 */
export function runCommand(command: string, cwd: string, options: { timeoutMs?: number; secrets?: (string | undefined)[] } = {}): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, { cwd, shell: true, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    let timedOut = false;
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      timedOut = true;
      // The shell's whole process group: a command's children must not outlive it.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    }, options.timeoutMs ?? 60 * 60_000);
    const finish = (exitCode: number | null, error?: Error) => {
      clearTimeout(timer);
      const masked = [process.env.DATABASE_URL, ...(options.secrets ?? [])].reduce<string>((text, url) => maskSecrets(text, url), `${output}${error ? `\n${error.message}` : ''}`);
      const tail = masked.trimEnd().split('\n').slice(-8).join('\n');
      resolve({ command, exitCode, ms: performance.now() - started, tail, timedOut });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

/** `exited 0 in 1.2 s` / `exited 1 in 0.3 s: <output tail>` / `timed out after …`. */
export function describeRun(run: CommandResult): string {
  const took = run.ms < 1000 ? `${Math.round(run.ms)} ms` : `${(run.ms / 1000).toFixed(1)} s`;
  const how = run.timedOut ? `timed out after ${took}` : run.exitCode === null ? 'could not start' : `exited ${run.exitCode} in ${took}`;
  return `\`${run.command}\` ${how}${run.exitCode === 0 || !run.tail ? '' : `:\n${run.tail.split('\n').map((l) => `    ${l}`).join('\n')}`}`;
}
