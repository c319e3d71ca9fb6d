// bench/validate-history: `nx run prisma:migrate-validate` on a 30-migration history written by the
// real generators (a mix of change types) in a scratch workspace:
//   (1) --all, cold (after `nx reset`): every migration proven on a throwaway embedded PostgreSQL;
//   (2) --all again: Nx's cache (the inputs are the schema and the migrations);
//   (3) without --all after `nx run prisma:migrate` applied all but the last change: only the pending
//       migrations are proven (the history before them is applied, not proven) — a pull request's run.
//   node bench/validate-history.mjs      MIGRATIONS=30  SKIP_BUILD=1
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlugin, createScratchWorkspace, markdownTable, nxBin, nxEnv, secs, writeResults } from './lib.mjs';
import { HISTORY } from './validate-history-changes.mjs';

const MIGRATIONS = Number(process.env.MIGRATIONS ?? 30);
if (!process.env.SKIP_BUILD) buildPlugin();
const ws = createScratchWorkspace('bench-validate-history');
// The cache is the point here (nxEnv turns it off), and the embedded PostgreSQL is the database.
const env = nxEnv();
delete env.NX_SKIP_NX_CACHE;
delete env.DATABASE_URL;
const migrationsDir = join(ws, 'packages/prisma/prisma/migrations');
const folders = () => readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const { steps, lastChangeFrom } = writeHistory();
const total = folders().length;
const used = steps.map((s) => s[0]);
const mix = [...new Set(used)].map((t) => `${t} ×${used.filter((u) => u === t).length}`).join(', ');
console.error(`history: ${total} migrations from ${steps.length} generator runs (${mix})`);

nx(['reset']);
const cold = validate(['--all'], { proven: total, cached: false });
const cached = validate(['--all'], { proven: total, cached: true });
const pendingFolders = folders().slice(lastChangeFrom);
const setup = nx(['run', 'prisma:migrate', `--to=${folders()[lastChangeFrom - 1]}`]);
const pending = validate(['--skip-nx-cache'], { proven: pendingFolders.length, cached: false });
const lastChange = steps.at(-1).slice(0, 5).join(' ');

const table = markdownTable(
  ['run', 'migrations proven', 'wall'],
  [
    ['`nx run prisma:migrate-validate --all`, cold (after `nx reset`)', cold.proven, secs(cold.ms)],
    ['`nx run prisma:migrate-validate --all`, again (Nx cache hit)', `${cached.proven} (replayed)`, secs(cached.ms)],
    [`(setup) \`nx run prisma:migrate --to=…\`: the embedded database gets the first ${lastChangeFrom}`, '—', secs(setup.ms)],
    [`\`nx run prisma:migrate-validate\`: only the last change pending`, `${pending.proven} (\`${lastChange}\`)`, secs(pending.ms)],
  ],
);
const heading = `bench/validate-history — ${total} migrations, one run each (2 cores, embedded PostgreSQL 15, daemon off, ${new Date().toISOString().slice(0, 10)})`;
const notes = [
  `- The history: the sample baseline, then ${steps.length} generator runs (${mix}); multi-step changes write several folders.`,
  '- Proving a migration: seed rows into the tables it touches, up, validate(), down, check schema and rows, up again; then the database must match schema.prisma.',
  '- The pending-only run applies the earlier history without proving it; on a machine with no database (fresh CI) every migration is pending and it equals --all.',
];
console.log(`\n${heading}\n\n${table}\n\n${notes.join('\n')}`);
writeResults('validate-history', `### ${heading}\n\n${table}\n\n${notes.join('\n')}`);

/** Runs the generators in order until the history holds MIGRATIONS folders; remembers where the last change starts. */
function writeHistory() {
  const steps = [];
  let lastChangeFrom = 0;
  for (const step of HISTORY) {
    if (folders().length >= MIGRATIONS) break;
    lastChangeFrom = folders().length;
    nx(['g', `@forge/migration:${step[0]}`, ...step.slice(1)]);
    steps.push(step);
  }
  if (folders().length !== MIGRATIONS) throw new Error(`the history holds ${folders().length} migrations, not ${MIGRATIONS}: adjust HISTORY`);
  return { steps, lastChangeFrom };
}

/** One timed migrate-validate run; checks how many migrations it proved and whether Nx replayed it from the cache. */
function validate(args, expected) {
  const run = nx(['run', 'prisma:migrate-validate', ...args, '--outputStyle=static']);
  const proven = Number(/Proving (\d+) migration/.exec(run.output)?.[1] ?? 0);
  const fromCache = /local cache|existing outputs match the cache/.test(run.output);
  if (proven !== expected.proven || fromCache !== expected.cached || !/every migration applies/.test(run.output)) {
    throw new Error(`unexpected migrate-validate run (expected ${JSON.stringify(expected)}):\n${run.output}`);
  }
  return { ms: run.ms, proven };
}

function nx(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, [nxBin, ...args], { cwd: ws, env, encoding: 'utf8' });
  const ms = performance.now() - start;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} failed (${result.status}):\n${output}`);
  return { ms, output };
}
