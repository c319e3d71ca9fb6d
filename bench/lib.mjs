// Shared helpers for the benchmarks: a scratch Nx workspace next to the repo's node_modules,
// timing of child processes, and table printing.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

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
  installPluginCopy(dir);
  return dir;
}

/**
 * The built plugin, copied into the workspace's node_modules as a user would have it installed:
 * a rebuild of packages/migration/dist during a long bench (it starts by deleting dist/) cannot
 * pull the plugin from under it. Its dependencies still resolve from the repository's node_modules.
 */
function installPluginCopy(dir) {
  const source = join(repoRoot, 'packages/migration');
  if (!existsSync(join(source, 'dist/generators/add-index/schema.json'))) throw new Error('packages/migration/dist is missing or incomplete: build the plugin');
  const target = join(dir, 'node_modules/@forge/migration');
  for (const entry of ['package.json', 'generators.json', 'executors.json', 'dist', 'node_modules']) {
    if (existsSync(join(source, entry))) cpSync(join(source, entry), join(target, entry), { recursive: true });
  }
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

/** 1234567 → '1,234,567'. */
export const fmt = (n) => Math.round(n).toLocaleString('en-US');
/** 1234 (ms) → '1.2 s'. */
export const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** A markdown table, padded so it also reads well in a terminal. */
export function markdownTable(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function printTable(headers, rows) {
  console.log(markdownTable(headers, rows));
}

/** Writes a bench's figures as markdown to tmp/bench-results/<name>.md (bench/RESULTS.md is assembled from them). */
export function writeResults(name, markdown) {
  const file = join(repoRoot, 'tmp/bench-results', `${name}.md`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${markdown.trim()}\n`);
  console.log(`\nwrote ${file.slice(repoRoot.length + 1)}`);
}

export function buildPlugin() {
  execFileSync(process.execPath, [nxBin, 'run', 'migration:build', '--outputStyle=static'], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: nxEnv(),
  });
}

/**
 * The start of a bench on the filled sample database (lib-sample-database.mjs): its --rows option
 * (default 1,000,000), and the plugin built first unless SKIP_BUILD or BENCH_DIST is set. Call it
 * before importing lib-changes.mjs, which loads the build.
 */
export function sampleDatabaseBenchRows() {
  // --only: the benches that take it pick their changes with it (writer-stall).
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, only: { type: 'string' } } });
  if (!process.env.SKIP_BUILD && !process.env.BENCH_DIST) buildPlugin();
  return Number(values.rows);
}
