// Shared helpers for the benchmarks: a scratch Nx workspace next to the repo's node_modules,
// timing of child processes, and table printing.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const nxBin = join(repoRoot, 'node_modules/nx/dist/bin/nx.js');

/** Environment for nx in scratch workspaces: no daemon, no plugin isolation, no cloud, no stray NX_ vars. */
export function nxEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && !k.startsWith('npm_')));
  return { ...env, NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', ...extra };
}

/** A workspace under tmp/ holding a copy of packages/prisma, with the plugin registered. */
export function createScratchWorkspace(name) {
  const dir = join(repoRoot, 'tmp', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'packages'), { recursive: true });
  cpSync(join(repoRoot, 'packages/prisma'), join(dir, 'packages/prisma'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true }, null, 2));
  writeFileSync(
    join(dir, 'nx.json'),
    JSON.stringify({ analytics: false, neverConnectToCloud: true, plugins: ['@forge/migration'] }, null, 2),
  );
  return dir;
}

/** Restores the sample project's schema and migrations in a scratch workspace. */
export function resetSampleProject(dir) {
  rmSync(join(dir, 'packages/prisma'), { recursive: true, force: true });
  cpSync(join(repoRoot, 'packages/prisma'), join(dir, 'packages/prisma'), { recursive: true });
}

/** Runs a command, returns its wall time in ms; throws with its output if it fails. */
export function timed(command, args, options = {}) {
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return ms;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function printTable(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

export function buildPlugin() {
  execFileSync(process.execPath, [nxBin, 'run', 'migration:build', '--outputStyle=static'], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: nxEnv(),
  });
}
