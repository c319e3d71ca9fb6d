// bench/validate-speed: `nx run prisma:migrate-validate` of this build beside another one (BEFORE, e.g.
// the merge base built in a scratch copy), same workspace content, runs interleaved so both see
// the same machine load:
//   (1) one pending migration on the sample (add-index AuditLog(tenantId, createdAt)), traffic on,
//       the embedded database at the baseline — a pull request's run; RUNS runs each, medians;
//   (2) a 30-migration history, cold (`nx reset`, everything proven), one run each (COLD=0 skips it).
// Also prints Nx's own start-up and each run's peak RSS (largest process: GNU time's %M).
//   BEFORE=tmp/base/packages/migration node bench/validate-speed.mjs      RUNS=3  COLD=1  SKIP_BUILD=1
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HISTORY } from './validate-history-changes.mjs';
import { buildPlugin, createScratchWorkspace, markdownTable, median, nxBin, nxEnv, secs, writeResults } from './lib.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const COLD = process.env.COLD !== '0';
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined;
if (before && !existsSync(join(before, 'dist/executors/migrate-validate/executor.js'))) throw new Error(`BEFORE=${before} holds no built plugin (dist/)`);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!process.env.SKIP_BUILD) buildPlugin();
const env = nxEnv();
delete env.DATABASE_URL;
const builds = [{ name: 'this build', ws: createScratchWorkspace('bench-validate-speed') }];
if (before) builds.unshift({ name: 'before', ws: workspaceWithPlugin('bench-validate-speed-before', before) });
const [reference] = builds.slice(-1);

// (1) The sample, one change, the embedded database at the baseline.
nx(reference.ws, ['g', '@forge/migration:add-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt']);
const onePending = snapshotProject(reference.ws);
const baseline = folders(reference.ws)[0];
const pending = Object.fromEntries(builds.map((b) => [b.name, { wall: [], rss: [], startup: [] }]));
for (const b of builds) {
  restoreProject(b.ws, onePending);
  nx(b.ws, ['run', 'prisma:migrate', `--to=${baseline}`]);
}
for (let i = 0; i < RUNS; i++) {
  for (const b of builds) {
    const run = nx(b.ws, ['run', 'prisma:migrate-validate', '--skip-nx-cache', '--outputStyle=static']);
    expectProof(run.output, 1);
    pending[b.name].wall.push(run.ms);
    pending[b.name].rss.push(run.rssKb);
    pending[b.name].startup.push(nx(b.ws, ['show', 'projects']).ms);
  }
}

// (2) A 30-migration history, cold.
const cold = {};
if (COLD) {
  for (const step of HISTORY) {
    if (folders(reference.ws).length >= 30) break;
    nx(reference.ws, ['g', `@forge/migration:${step[0]}`, ...step.slice(1)]);
  }
  const history = snapshotProject(reference.ws);
  for (const b of builds) {
    restoreProject(b.ws, history);
    nx(b.ws, ['reset']);
    const run = nx(b.ws, ['run', 'prisma:migrate-validate', '--all', '--skip-nx-cache', '--outputStyle=static']);
    expectProof(run.output, folders(b.ws).length);
    cold[b.name] = run;
  }
}

const fmtRss = (kb) => (kb ? `${Math.round(kb / 1024)} MB` : '—');
const rows = builds.map((b) => {
  const p = pending[b.name];
  return [
    b.name,
    `${secs(median(p.wall))} (${p.wall.map(secs).join(', ')})`,
    secs(median(p.startup)),
    fmtRss(Math.max(...p.rss)),
    cold[b.name] ? secs(cold[b.name].ms) : '—',
    cold[b.name] ? fmtRss(cold[b.name].rssKb) : '—',
  ];
});
const table = markdownTable(['build', 'one pending, traffic on: wall (runs)', 'Nx start-up', 'peak RSS', '30 migrations cold', 'peak RSS (cold)'], rows);
const heading = `bench/validate-speed — ${RUNS} interleaved runs per build, 2 cores shared, embedded PostgreSQL 15, daemon off (${new Date().toISOString().slice(0, 10)})`;
const notes = [
  '- one pending: `nx run prisma:migrate-validate --skip-nx-cache` with the embedded database at the baseline and `add-index AuditLog(tenantId, createdAt)` pending; the workload writes through up, down and up again (the default).',
  '- 30 migrations cold: after `nx reset`, `--all` (the workspace database is not read): every migration of the sample baseline plus the generator history of bench/validate-history proven.',
  '- peak RSS: the largest process of the run (the Nx task process holding the proof), from GNU time.',
];
console.log(`\n${heading}\n\n${table}\n\n${notes.join('\n')}`);
writeResults('validate-speed', `### ${heading}\n\n${table}\n\n${notes.join('\n')}`);

/** A scratch workspace whose installed plugin is another build (`pluginDir`: a packages/migration with dist/). */
function workspaceWithPlugin(name, pluginDir) {
  const ws = createScratchWorkspace(name);
  const target = join(ws, 'node_modules/@forge/migration');
  for (const entry of ['package.json', 'generators.json', 'executors.json', 'dist']) {
    rmSync(join(target, entry), { recursive: true, force: true });
    cpSync(join(pluginDir, entry), join(target, entry), { recursive: true });
  }
  return ws;
}

function folders(ws) {
  const dir = join(ws, 'packages/prisma/prisma/migrations');
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** The Prisma project's files (schema, migrations, data migrations), to give every build the same. */
function snapshotProject(ws) {
  const copy = join(ws, '..', `${ws.split('/').pop()}-project-${Date.now()}`);
  cpSync(join(ws, 'packages/prisma'), copy, { recursive: true });
  return copy;
}

function restoreProject(ws, snapshot) {
  const project = join(ws, 'packages/prisma');
  rmSync(project, { recursive: true, force: true });
  cpSync(snapshot, project, { recursive: true });
}

function expectProof(output, migrations) {
  const proven = Number(/Proving (\d+) migration/.exec(output)?.[1] ?? 0);
  if (proven !== migrations || !/every migration applies/.test(output)) throw new Error(`expected ${migrations} migration(s) proven:\n${output}`);
}

function nx(ws, args) {
  const command = TIME ? [TIME, ['-f', 'forge-peak-rss-kb=%M', process.execPath, nxBin, ...args]] : [process.execPath, [nxBin, ...args]];
  const start = performance.now();
  const result = spawnSync(command[0], command[1], { cwd: ws, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} failed (${result.status}):\n${output}`);
  return { ms, output, rssKb: Number(/forge-peak-rss-kb=(\d+)/.exec(output)?.[1] ?? 0) };
}
