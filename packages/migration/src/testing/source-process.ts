import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const FROM_SOURCE = join(__dirname, '../runtime/data-migrations/run-from-source.cjs');
const REPO_ROOT = join(__dirname, '../../../..');

export interface SourceProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
}

/**
 * `node` running a TypeScript script against this package's source, in its own process, so a
 * test can kill it with SIGKILL like a crashed deploy. Run from the repository, so the workspace's
 * TypeScript compiles it.
 */
export function startSourceProcess(script: string, env: Record<string, string>): SourceProcess {
  const child = spawn(process.execPath, [FROM_SOURCE, script], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
}
