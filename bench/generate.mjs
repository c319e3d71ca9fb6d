// bench/generate: per change type, how much `nx g @forge/migration:<type>` costs on top of Nx
// itself, compared with the bare engine diff of the same schema change, which it cannot avoid.
// Each run starts from the sample project's baseline; medians of RUNS runs.
//   node bench/generate.mjs      RUNS=5  TYPES=add-index,rename (a subset)  SKIP_BUILD=1
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHANGE_TYPES, describeArgs } from './change-types.mjs';
import { buildPlugin, createScratchWorkspace, markdownTable, median, nxBin, nxEnv, repoRoot, resetSampleProject, timed, writeResults } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 5);
const only = process.env.TYPES?.split(',');
const changes = CHANGE_TYPES.filter((c) => !only || only.includes(c.type));
// The targets, set for add-index: under 2.5 s, and Nx's own start-up aside, at most 1.5× the engine diff.
const WALL_LIMIT_MS = 2500;
const RATIO_LIMIT = 1.5;

if (!process.env.SKIP_BUILD) buildPlugin();
const ws = createScratchWorkspace('bench-generate');
const env = nxEnv();
const migrationsDir = join(ws, 'packages/prisma/prisma/migrations');
const beforeCopy = join(ws, 'schema.before.prisma');
copyFileSync(join(repoRoot, 'packages/prisma/prisma/schema.prisma'), beforeCopy);

const results = changes.map(measure);
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const ratio = (r) => (r.wall - r.startup) / r.floor;
const table = markdownTable(
  ['change type', 'options', 'folders', 'nx g wall', 'Nx start-up', 'engine floor', '(wall − start-up) ÷ floor', `wall < ${WALL_LIMIT_MS / 1000} s`, `÷ ≤ ${RATIO_LIMIT}`],
  results.map((r) => [
    r.type,
    `\`${describeArgs(r.args)}\``,
    r.folders,
    `${fmt(r.wall)} (${fmt(Math.min(...r.samples.wall))}–${fmt(Math.max(...r.samples.wall))})`,
    fmt(r.startup),
    fmt(r.floor),
    `${ratio(r).toFixed(2)}×`,
    r.wall < WALL_LIMIT_MS ? 'yes' : 'NO',
    ratio(r) <= RATIO_LIMIT ? 'yes' : 'NO',
  ]),
);
const heading = `bench/generate — medians of ${runs} runs per change type (2 cores, daemon off, plugin isolation off, ${new Date().toISOString().slice(0, 10)})`;
const notes = [
  '- nx g wall: `nx g @forge/migration:<type> <options>` from the baseline, median (min–max); folders: migration folders it writes.',
  '- Nx start-up: `nx show projects` in the same workspace, measured alongside each run.',
  '- engine floor: a fresh Node process that loads Prisma’s schema engine (WASM) and diffs the same before/after schema once.',
  '- (wall − start-up) ÷ floor: what the generator adds over Nx, in multiples of the bare engine diff.',
];
console.log(`\n${heading}\n\n${table}\n\n${notes.join('\n')}`);
writeResults('generate', `### ${heading}\n\n${table}\n\n${notes.join('\n')}`);

/** Medians of the generator, Nx start-up and the engine floor for one change type. */
function measure(change) {
  const generate = ['g', `@forge/migration:${change.type}`, ...change.args];
  // One generator run gives the after-schema the floor diffs, and checks the options are valid.
  resetSampleProject(ws);
  const folders = runGenerator(generate);
  const afterCopy = join(ws, `schema.after.${change.type}.prisma`);
  copyFileSync(join(ws, 'packages/prisma/prisma/schema.prisma'), afterCopy);
  const floorArgs = [join(repoRoot, 'bench/engine-diff-floor.mjs'), beforeCopy, afterCopy, change.diff];

  const samples = { wall: [], startup: [], floor: [] };
  for (let i = 0; i < runs; i++) {
    resetSampleProject(ws);
    samples.wall.push(timed(process.execPath, [nxBin, ...generate], { cwd: ws, env }));
    samples.startup.push(timed(process.execPath, [nxBin, 'show', 'projects'], { cwd: ws, env }));
    samples.floor.push(timed(process.execPath, floorArgs, { cwd: ws, env }));
  }
  console.error(`${change.type}: ${folders} folder(s), nx g median ${(median(samples.wall) / 1000).toFixed(3)} s`);
  return { ...change, folders, samples, wall: median(samples.wall), startup: median(samples.startup), floor: median(samples.floor) };
}

/** Runs the generator once and returns how many migration folders it wrote. */
function runGenerator(generate) {
  const before = readdirSync(migrationsDir).length;
  timed(process.execPath, [nxBin, ...generate], { cwd: ws, env });
  const written = readdirSync(migrationsDir).length - before;
  if (written < 1) throw new Error(`nx ${generate.join(' ')} wrote no migration`);
  return written;
}
