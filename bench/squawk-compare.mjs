// Compares the peer linter squawk (squawk-cli, offline) with our migrate-lint rules on a corpus:
// for every change of packages/migration/src/testing/change-corpus.json, Prisma's own SQL for it
// (what `prisma migrate dev` writes) and the migrations our generator writes, migration.sql and
// down.sql each. Prints one table row per file and a summary, and writes the corpus and every
// finding to tmp/squawk-compare/ (findings.json) for docs/squawk-comparison.md.
//
//   NX_DAEMON=false npx nx run migration:build && node bench/squawk-compare.mjs
//
// squawk-cli is installed on first use into tmp/squawk (not a devDependency: its lock entries for
// other platforms are missing from some registry mirrors, which would break `npm ci`).
//
// squawk runs with --pg-version 15.0 (the embedded PostgreSQL's) and, for a file of several
// statements, --assume-in-transaction: Prisma runs such a file as one transaction (issue #22922).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BASELINE, generateInTree, loadDist } from './lib-changes.mjs';
import { printTable, repoRoot } from './lib.mjs';

const { treeView } = loadDist('workspace/file-view.js');
const { readMigrationsDirectory } = loadDist('workspace/migrations-directory.js');
const { lintMigrations } = loadDist('analysis/lint/lint.js');
const { parseMigration } = loadDist('analysis/parse.js');

const squawkVersion = '2.66.0';
const squawkBin = installSquawk();
const migrationsDir = 'packages/prisma/prisma/migrations';
const outDir = join(repoRoot, 'tmp/squawk-compare');
const { cases } = JSON.parse(readFileSync(join(repoRoot, 'packages/migration/src/testing/change-corpus.json'), 'utf8'));
const baseline = readFileSync(join(repoRoot, migrationsDir, BASELINE, 'migration.sql'), 'utf8');

/** squawk-cli, pinned, installed once into tmp/squawk; returns its binary. */
function installSquawk() {
  const prefix = join(repoRoot, 'tmp/squawk');
  const bin = join(prefix, 'node_modules/.bin/squawk');
  if (!existsSync(bin)) {
    console.log(`installing squawk-cli@${squawkVersion} into tmp/squawk …`);
    mkdirSync(prefix, { recursive: true });
    const install = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `squawk-cli@${squawkVersion}`], { stdio: 'inherit' });
    if (install.status !== 0) throw new Error('could not install squawk-cli from the npm registry');
  }
  return bin;
}

/** Our generator and Prisma's diff for one corpus case. */
async function generate(change) {
  const { tree, naive } = await generateInTree(change);
  const migrations = readMigrationsDirectory(treeView(tree), migrationsDir).migrations.map((m) => ({ name: m.name, up: m.sql, down: m.downSql }));
  return { naive, migrations, generated: migrations.filter((m) => m.name !== BASELINE) };
}

/** squawk's findings on one file, as `rule@line`. */
async function squawk(path, sql) {
  const statements = await parseMigration(sql);
  const args = ['--reporter', 'json', '--pg-version', '15.0', ...(statements.length > 1 ? ['--assume-in-transaction'] : []), path];
  const result = spawnSync(squawkBin, args, { encoding: 'utf8' });
  if (result.status !== 0 && result.status !== 1) throw new Error(`squawk failed on ${path}: ${result.stderr}`);
  return JSON.parse(result.stdout || '[]').map((f) => ({ rule: f.rule_name, line: f.line + 1, message: f.message }));
}

const short = (findings) => {
  const counts = new Map();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].map(([rule, n]) => (n > 1 ? `${rule} ×${n}` : rule)).join(', ') || '—';
};

rmSync(outDir, { recursive: true, force: true });
const rows = [];
const records = [];
for (const change of cases) {
  const { naive, migrations, generated } = await generate(change);
  const naiveLint = await lintMigrations(
    [
      { name: BASELINE, up: baseline, down: null },
      { name: '20250201000000_prisma', up: naive.up, down: naive.down },
    ],
    { only: ['20250201000000_prisma'] },
  );
  const oursLint = await lintMigrations(migrations, { only: generated.map((m) => m.name) });
  const files = [
    { kind: 'prisma', label: `${change.id} · Prisma`, folder: '20250201000000_prisma', script: 'migration.sql', sql: naive.up, lint: naiveLint },
    { kind: 'prisma', label: `${change.id} · Prisma`, folder: '20250201000000_prisma', script: 'down.sql', sql: naive.down, lint: naiveLint },
    ...generated.flatMap((m) =>
      [
        ['migration.sql', m.up],
        ['down.sql', m.down],
      ]
        .filter(([, sql]) => sql !== null)
        .map(([script, sql]) => ({ kind: 'ours', label: `${change.id} · ours ${m.name.replace(/^\d{14}_/, '')}`, folder: m.name, script, sql, lint: oursLint })),
    ),
  ];
  for (const file of files) {
    const path = join(outDir, change.id, file.kind, file.folder, file.script);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, file.sql);
    const squawkFindings = await squawk(path, file.sql);
    const ours = file.lint.findings.filter((f) => f.migration === file.folder && f.script === file.script).map((f) => ({ rule: f.rule, line: f.line, severity: f.severity, message: f.message }));
    rows.push([`${file.label}/${file.script}`, short(squawkFindings), short(ours)]);
    records.push({ case: change.id, kind: file.kind, folder: file.folder, script: file.script, path: relative(repoRoot, path), squawk: squawkFindings, ours });
  }
}

printTable(['file', 'squawk 2.66 findings', 'our findings (migrate-lint)'], rows);

const totals = (kind, pick) => {
  const counts = new Map();
  for (const r of records.filter((x) => x.kind === kind)) for (const f of pick(r)) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([rule, n]) => `${rule} ${n}`).join(', ') || '—';
};
const fileCount = (kind) => records.filter((r) => r.kind === kind).length;
console.log('');
printTable(
  ['corpus', 'files', 'squawk findings by rule', 'our findings by rule'],
  [
    ['Prisma (naive)', fileCount('prisma'), totals('prisma', (r) => r.squawk), totals('prisma', (r) => r.ours)],
    ['ours (generated)', fileCount('ours'), totals('ours', (r) => r.squawk), totals('ours', (r) => r.ours)],
  ],
);
const oursErrors = records.filter((r) => r.kind === 'ours').flatMap((r) => r.ours).filter((f) => f.severity === 'error').length;
const naiveFlagged = records.filter((r) => r.kind === 'prisma' && r.script === 'migration.sql' && r.ours.some((f) => f.severity === 'error')).length;
console.log(`\nOur generated migrations: ${oursErrors} lint errors. Prisma's migration.sql flagged with an error by our rules: ${naiveFlagged} of ${cases.length} changes.`);
writeFileSync(join(outDir, 'findings.json'), JSON.stringify(records, null, 2));
console.log(`Corpus and findings: ${relative(repoRoot, outDir)}/ (findings.json)`);
