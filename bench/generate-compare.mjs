// bench/generate-compare: `nx g` of this build beside another (BEFORE=<a built packages/migration>),
// interleaved so both see the same load, in wall time and in CPU time (user+sys of the nx process,
// its threads and children: steadier than walls when other jobs share the cores), each less
// `nx show projects` (Nx's own start-up), over the engine floor (bench/engine-diff-floor.mjs).
//   BEFORE=<dir> node bench/generate-compare.mjs      RUNS=3  TYPES=modify-column,add-index  SKIP_BUILD=1
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHANGE_TYPES } from './change-types.mjs';
import { buildPlugin, createScratchWorkspace, markdownTable, median, nxBin, nxEnv, repoRoot, resetSampleProject, writeResults } from './lib.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const only = process.env.TYPES?.split(',');
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined;
if (!before || !existsSync(join(before, 'dist/generators/add-index/schema.json'))) throw new Error('BEFORE must name a built packages/migration (with dist/)');
if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time (/usr/bin/time) for CPU times');
if (!process.env.SKIP_BUILD) buildPlugin();
const env = nxEnv();
const builds = [
  { name: 'before', ws: withPlugin(createScratchWorkspace('bench-generate-before'), before) },
  { name: 'after', ws: createScratchWorkspace('bench-generate-after') },
];
const beforeSchema = join(builds[1].ws, 'schema.before.prisma');
copyFileSync(join(repoRoot, 'packages/prisma/prisma/schema.prisma'), beforeSchema);

const rows = [];
for (const change of CHANGE_TYPES.filter((c) => !only || only.includes(c.type))) {
  const generate = ['g', `@forge/migration:${change.type}`, ...change.args];
  const samples = Object.fromEntries(builds.map((b) => [b.name, { g: [], s: [] }]));
  const floor = [];
  resetSampleProject(builds[1].ws);
  run(builds[1].ws, [nxBin, ...generate]);
  const afterSchema = join(builds[1].ws, `schema.after.${change.type}.prisma`);
  copyFileSync(join(builds[1].ws, 'packages/prisma/prisma/schema.prisma'), afterSchema);
  for (let i = 0; i < RUNS; i++) {
    for (const b of builds) {
      resetSampleProject(b.ws);
      samples[b.name].g.push(run(b.ws, [nxBin, ...generate]));
      samples[b.name].s.push(run(b.ws, [nxBin, 'show', 'projects']));
    }
    floor.push(run(builds[1].ws, [join(repoRoot, 'bench/engine-diff-floor.mjs'), beforeSchema, afterSchema, change.diff]));
  }
  const f = { wall: median(floor.map((x) => x.wall)), cpu: median(floor.map((x) => x.cpu)) };
  const over = (b, key) => median(samples[b].g.map((x) => x[key])) - median(samples[b].s.map((x) => x[key]));
  rows.push([
    change.type,
    ...['before', 'after'].flatMap((b) => [`${(over(b, 'cpu') / 1000).toFixed(2)} s (${(over(b, 'cpu') / f.cpu).toFixed(1)}×)`]),
    `${(f.cpu / 1000).toFixed(2)} s`,
    ...['before', 'after'].flatMap((b) => [`${(over(b, 'wall') / 1000).toFixed(2)} s (${(over(b, 'wall') / f.wall).toFixed(1)}×)`]),
    `${(f.wall / 1000).toFixed(2)} s`,
  ]);
  console.error(`${change.type} done`);
}
const table = markdownTable(
  ['change type', 'CPU over Nx, before (÷ floor)', 'CPU over Nx, after (÷ floor)', 'floor CPU', 'wall over Nx, before (÷ floor)', 'wall over Nx, after (÷ floor)', 'floor wall'],
  rows,
);
const heading = `bench/generate-compare — medians of ${RUNS} interleaved runs per build (2 cores shared, daemon off, ${new Date().toISOString().slice(0, 10)})`;
console.log(`\n${heading}\n\n${table}`);
writeResults('generate-compare', `### ${heading}\n\n${table}`);

function withPlugin(ws, pluginDir) {
  const target = join(ws, 'node_modules/@forge/migration');
  for (const entry of ['package.json', 'generators.json', 'executors.json', 'dist']) {
    rmSync(join(target, entry), { recursive: true, force: true });
    cpSync(join(pluginDir, entry), join(target, entry), { recursive: true });
  }
  return ws;
}

/** Wall and CPU (user+sys, ms) of one node command. */
function run(cwd, args) {
  const start = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'forge-cpu=%U %S', process.execPath, ...args], { cwd, env, encoding: 'utf8' });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  const [user, sys] = /forge-cpu=([\d.]+) ([\d.]+)/.exec(result.stderr).slice(1).map(Number);
  return { wall, cpu: (user + sys) * 1000 };
}
