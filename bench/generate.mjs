// bench/generate: how much `nx g @forge/migration:add-index` costs on top of Nx itself, compared
// with the bare engine diff it cannot avoid. Prints a table of medians over several runs.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlugin, createScratchWorkspace, median, nxBin, nxEnv, printTable, repoRoot, resetSampleProject, timed } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 7);
buildPlugin();
const ws = createScratchWorkspace('bench-generate');
const env = nxEnv();
const schema = join(ws, 'packages/prisma/prisma/schema.prisma');
const generate = ['g', '@forge/migration:add-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt'];

// One generator run gives the before/after schemas the floor diffs.
timed(process.execPath, [nxBin, ...generate], { cwd: ws, env });
const beforeCopy = join(ws, 'schema.before.prisma');
const afterCopy = join(ws, 'schema.after.prisma');
copyFileSync(join(repoRoot, 'packages/prisma/prisma/schema.prisma'), beforeCopy);
copyFileSync(schema, afterCopy);
if (readdirSync(join(ws, 'packages/prisma/prisma/migrations')).length < 3) throw new Error('the generator wrote no migration');

const samples = { a: [], b: [], c: [] };
for (let i = 0; i < runs; i++) {
  resetSampleProject(ws);
  samples.a.push(timed(process.execPath, [nxBin, ...generate], { cwd: ws, env }));
  samples.b.push(timed(process.execPath, [nxBin, 'show', 'projects'], { cwd: ws, env }));
  samples.c.push(timed(process.execPath, [join(repoRoot, 'bench/engine-diff-floor.mjs'), beforeCopy, afterCopy], { cwd: ws, env }));
}
const [a, b, c] = [median(samples.a), median(samples.b), median(samples.c)];
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const range = (xs) => `${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))}`;
console.log(`\nbench/generate — medians of ${runs} runs (2 cores, daemon off, plugin isolation off)\n`);
printTable(
  ['measure', 'median', 'range'],
  [
    ['(a) nx g @forge/migration:add-index', fmt(a), range(samples.a)],
    ['(b) nx show projects (Nx start-up)', fmt(b), range(samples.b)],
    ['(c) bare engine diff, fresh node process', fmt(c), range(samples.c)],
    ['(a) − (b): the generator’s own cost', fmt(a - b), ''],
  ],
);
console.log('');
printTable(
  ['target', 'limit', 'measured', 'met'],
  [
    ['(a) < 2.5 s', '2.500 s', fmt(a), a < 2500 ? 'yes' : 'NO'],
    ['(a) − (b) ≤ 1.5 × (c)', fmt(1.5 * c), fmt(a - b), a - b <= 1.5 * c ? 'yes' : 'NO'],
  ],
);
