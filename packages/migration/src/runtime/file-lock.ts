import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FileLock {
  release(): void;
}

/**
 * A cross-process lock: a directory created atomically, holding the owner's pid. A lock whose
 * owner died (kill -9) is taken over. Waits, telling the user once, until `timeoutMs`.
 */
export async function acquireFileLock(
  path: string,
  options: { timeoutMs?: number; onWait?: (ownerPid: number) => void } = {},
): Promise<FileLock> {
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  let told = false;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release); // a long-lived process takes many locks
        rmSync(path, { recursive: true, force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = ownerPid(path);
    if (owner !== undefined && !isAlive(owner)) {
      rmSync(path, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${path} (held by process ${owner ?? 'unknown'}). If no such process runs, delete ${path}.`);
    }
    if (!told && owner !== undefined) {
      told = true;
      options.onWait?.(owner);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function ownerPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(path, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // being created right now: treat as alive
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
