// bench/dev: `nx g @forge/migration:dev` for one hand edit of schema.prisma vs the generator that makes
// the same change, in the same run (interleaved, same workspace). dev does what the generator does
// plus: read the committed schema (git), replay every migration.sql to check it, and classify the
// edit. The target: within 1.2× of the generator. Also checks that both wrote the same
// migration.sql files. Medians of RUNS runs, of wall time and of CPU time (user + system, the nx
// process and the processes it waited for, from GNU time): on a busy machine the CPU time is the
// steadier figure, and the ratio is judged on it.
//   node bench/dev.mjs      RUNS=5  EDITS=add-column,rename (a subset)  SKIP_BUILD=1
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildPlugin, createScratchWorkspace, markdownTable, median, nxBin, nxEnv, resetSampleProject, writeResults } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 5);
const only = process.env.EDITS?.split(',');
const RATIO_LIMIT = 1.2;
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;

/** A hand edit of the sample schema and the generator call that makes the same change. */
const EDITS = [
  {
    name: 'add-column',
    edit: (s) => s.replace('  role      String     @default("member")\n', '  role      String     @default("member")\n  preferences Json?\n'),
    generator: ['add-column', '--targetTable', 'User', '--name', 'preferences', '--type', 'Json', '--optional'],
    dev: [],
  },
  {
    name: 'add-index',
    edit: (s) => s.replace('  createdAt DateTime @default(now())\n}', '  createdAt DateTime @default(now())\n\n  @@index([tenantId, createdAt])\n}'),
    generator: ['add-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt', '--name', 'AuditLog_tenantId_createdAt_idx'],
    dev: [],
  },
  {
    name: 'rename',
    edit: (s) => s.replace('  note       String?\n', '  comment    String?\n'),
    generator: ['rename', '--targetTable', 'Order', '--field', 'note', '--to', 'comment'],
    dev: ['--rename', 'Order.note=comment'],
  },
  {
    name: 'remove-column',
    edit: (s) => s.replace('  note       String?\n', ''),
    generator: ['remove-column', '--targetTable', 'Order', '--column', 'note', '--confirmDataLoss'],
    dev: ['--confirmDataLoss'],
  },
].filter((e) => !only || only.includes(e.name));

if (!process.env.SKIP_BUILD) buildPlugin();
const ws = createScratchWorkspace('bench-dev');
const env = nxEnv();
const schemaPath = join(ws, 'packages/prisma/prisma/schema.prisma');
const migrationsDir = join(ws, 'packages/prisma/prisma/migrations');
const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: ws, stdio: 'ignore' });

const results = EDITS.map(measure);
rmSync(join(ws, '.git'), { recursive: true, force: true });

const range = (values) => `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
const table = markdownTable(
  ['hand edit', 'generator', 'generator wall', 'dev wall', 'generator CPU', 'dev CPU', 'dev ÷ generator (CPU)', `÷ ≤ ${RATIO_LIMIT}`, 'dev ÷ generator (wall)', 'same migration.sql'],
  results.map((r) => {
    const cpuRatio = median(r.samples.devCpu) / median(r.samples.generatorCpu);
    return [
      r.name,
      `\`${r.generator.join(' ')}\``,
      range(r.samples.generator),
      range(r.samples.dev),
      range(r.samples.generatorCpu),
      range(r.samples.devCpu),
      `${cpuRatio.toFixed(2)}×`,
      cpuRatio <= RATIO_LIMIT ? 'yes' : 'NO',
      `${(median(r.samples.dev) / median(r.samples.generator)).toFixed(2)}×`,
      r.same ? 'yes' : 'NO',
    ];
  }),
);
const heading = `bench/dev — medians of ${runs} runs per edit, generator and dev interleaved (2 cores, load average ${loadavg()[0].toFixed(1)} at the end, daemon off, plugin isolation off, ${new Date().toISOString().slice(0, 10)})`;
const notes = [
  '- generator: `nx g @forge/migration:<generator> <options> --migrationName bench` from the committed baseline; dev: the same change typed into schema.prisma by hand, then `nx g @forge/migration:dev --name bench` (git workspace, schema and migrations committed).',
  '- wall and CPU (user + system of nx and the processes it waited for, GNU time): median (min–max) of the runs; the load average during the run is printed with the table.',
  '- same migration.sql: every migration.sql the two wrote is identical once timestamps are blanked.',
];
console.log(`\n${heading}\n\n${table}\n\n${notes.join('\n')}`);
writeResults('dev', `### ${heading}\n\n${table}\n\n${notes.join('\n')}`);
if (results.some((r) => !r.same)) process.exitCode = 1;

function measure(edit) {
  const samples = { generator: [], dev: [], generatorCpu: [], devCpu: [] };
  let generated = '';
  let viaDev = '';
  for (let i = 0; i < runs; i++) {
    committedBaseline();
    const generator = timedNx(['g', `@forge/migration:${edit.generator[0]}`, ...edit.generator.slice(1), '--migrationName', 'bench']);
    samples.generator.push(generator.wall);
    samples.generatorCpu.push(generator.cpu);
    generated = newMigrations();
    committedBaseline();
    writeFileSync(schemaPath, edit.edit(readFileSync(schemaPath, 'utf8')));
    const dev = timedNx(['g', '@forge/migration:dev', '--name', 'bench', ...edit.dev, '--no-interactive']);
    samples.dev.push(dev.wall);
    samples.devCpu.push(dev.cpu);
    viaDev = newMigrations();
  }
  const same = generated !== '' && generated === viaDev;
  console.error(`${edit.name}: CPU generator ${fmt(median(samples.generatorCpu))}, dev ${fmt(median(samples.devCpu))}${same ? '' : ' — OUTPUTS DIFFER'}`);
  return { ...edit, samples, same };
}

/** One nx command under GNU time: wall and CPU (user + system) milliseconds; fails loudly. */
function timedNx(args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, nxBin, ...args], { cwd: ws, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const [wall, user, system] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall: wall * 1000, cpu: (user + system) * 1000 };
}

/** The sample project as committed: schema and baseline migration, nothing else. */
function committedBaseline() {
  resetSampleProject(ws);
  rmSync(join(ws, '.git'), { recursive: true, force: true });
  rmSync(join(ws, 'node_modules/.cache/forge-migration'), { recursive: true, force: true });
  git('init', '-q');
  git('add', '-A', 'packages', 'package.json', 'nx.json');
  git('commit', '-q', '-m', 'baseline');
}

/** Every migration.sql written since the baseline, timestamps blanked, in order. */
function newMigrations() {
  return readdirSync(migrationsDir)
    .filter((name) => /^\d{14}_/.test(name) && !name.endsWith('_baseline'))
    .sort()
    .map((name) => `${name.replace(/^\d{14}/, '<ts>')}\n${readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8').replace(/\d{14}/g, '<ts>')}`)
    .join('\n');
}

