// bench/calibrate: measures what each kind of migration statement costs on the embedded PostgreSQL
// 15 (the one the plugin ships), on tables of a few sizes, fits `constant + perRow × rows` per kind
// (least squares; the constant is never negative), prints measured vs fitted, and writes
// packages/migration/src/analysis/cost-coefficients.json, which the analysis (cost-model.ts) reads.
//
// How: one table "calib" (serial key, int, text, text, timestamp, int; ~100 bytes a row, one
// primary-key index) filled with generate_series, VACUUM ANALYZE'd and CHECKPOINTed per size; then
// each operation, in an order where no operation sees another's dead rows (the bulk UPDATE and
// the batched runs come last, with a VACUUM between them). Each size is measured REPEAT times and
// the fastest run counts (other processes only ever add time). The batched kinds run the real
// runtime (runBatchUpdate / runBatchCopy from dist, default batch size).
//
// The coefficients describe THIS machine and this server's settings (embedded throwaway cluster:
// fsync, synchronous_commit and full_page_writes off; default maintenance_work_mem 64 MB):
// estimates are for the same kind of machine. Re-run on the target hardware for other figures.
//
// Then a check on a table the fit never saw (another shape, CHECK_ROWS rows, several indexes): the
// plugin's own analysis (analyzeMigration with the live statistics) estimates each statement, which
// then runs; estimate ÷ measured is printed.
//
//   node bench/calibrate.mjs   SIZES=100000,500000,1000000  REPEAT=3  CHECK_ROWS=2000000 (0: no check)  SKIP_BUILD=1  DRY=1 (write nothing)
//   CHECK_ONLY=1: only the check, with the committed coefficients
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlugin, printTable, repoRoot } from './lib.mjs';

const require = createRequire(import.meta.url);
const SIZES = (process.env.SIZES ?? '100000,500000,1000000').split(',').map(Number);
const OUTPUT = join(repoRoot, 'packages/migration/src/analysis/cost-coefficients.json');
const BUILT = join(repoRoot, 'packages/migration/dist/analysis/cost-coefficients.json');
const CHECK_ROWS = Number(process.env.CHECK_ROWS ?? 2_000_000);
const REPEAT = Number(process.env.REPEAT ?? 3);

if (!process.env.SKIP_BUILD) {
  try {
    buildPlugin();
  } catch (error) {
    // The benchmark needs only the embedded PostgreSQL and the batch runner from dist.
    console.warn(`build failed (${error.message.split('\n')[0]}); using the existing dist/`);
  }
}
const pg = require('pg');
const { startEmbeddedPostgres } = require('@forge/migration/dist/engine/embedded-postgres.js');
const { runBatchUpdate, runBatchCopy, DEFAULT_BATCH_SIZE } = require('@forge/migration/dist/runtime/data-migrations/batch-update.js');

const KINDS = ['catalog', 'index-build', 'index-build-concurrently', 'rewrite', 'check-validate', 'fk-validate', 'set-not-null', 'scan', 'update', 'delete', 'copy', 'backfill', 'batch-copy'];
/** What each kind was measured with. */
const MEASURED_WITH = {
  catalog: 'ADD COLUMN, RENAME COLUMN, DROP COLUMN, DROP INDEX, ADD CHECK NOT VALID (median)',
  'index-build': 'CREATE INDEX ON calib ("tenantId", "createdAt")',
  'index-build-concurrently': 'CREATE INDEX CONCURRENTLY … ("tenantId", "createdAt")',
  rewrite: 'ALTER COLUMN amount TYPE bigint (table + primary key rewritten)',
  'check-validate': 'VALIDATE CONSTRAINT of CHECK (amount >= 0)',
  'fk-validate': 'VALIDATE CONSTRAINT of FOREIGN KEY ("tenantId") → 1,000-row parent',
  'set-not-null': 'ALTER COLUMN email SET NOT NULL',
  scan: 'SELECT max(amount) FROM calib',
  update: 'UPDATE calib SET amount = amount + 1 (every row)',
  delete: 'DELETE FROM calib (every row)',
  copy: 'INSERT INTO backup (id, email) SELECT … (primary key on the copy)',
  backfill: `runBatchUpdate SET locale = 'en' (batches of ${DEFAULT_BATCH_SIZE})`,
  'batch-copy': `runBatchCopy (id, email) into a backup (batches of ${DEFAULT_BATCH_SIZE})`,
};

const server = await startEmbeddedPostgres();
const db = new pg.Client({ connectionString: server.url });
await db.connect();
const samples = Object.fromEntries(KINDS.map((k) => [k, []]));
let widths = { row: 0, index: 0 };
let version = '';
let fitted;
try {
  version = (await db.query('SHOW server_version')).rows[0].server_version;
  if (!process.env.CHECK_ONLY) await calibrate();
  if (CHECK_ROWS > 0 && !process.env.DRY) await check(CHECK_ROWS);
} finally {
  await db.end();
  await server.stop();
}

async function calibrate() {
  for (let run = 0; run < REPEAT; run++) {
    for (const rows of SIZES) {
      const started = performance.now();
      await measureSize(rows, run);
      console.error(`measured ${rows.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  fitted = Object.fromEntries(KINDS.map((kind) => [kind, kind === 'catalog' ? constantFit(samples[kind]) : linearFit(samples[kind])]));
  report();
  writeCoefficients();
}

function writeCoefficients() {
  const coefficients = {
    generatedBy: 'node bench/calibrate.mjs',
    machine: {
      postgres: `${version} (embedded-postgres)`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
      settings: 'fsync=off, synchronous_commit=off, full_page_writes=off, maintenance_work_mem=64MB (defaults otherwise)',
      date: new Date().toISOString().slice(0, 10),
    },
    calibration: { sizes: SIZES, rowWidthBytes: Math.round(widths.row), indexWidthBytes: Math.round(widths.index), batchSize: DEFAULT_BATCH_SIZE },
    kinds: Object.fromEntries(KINDS.map((k) => [k, { constantMs: round(fitted[k].constantMs, 3), perRowMs: round(fitted[k].perRowMs, 9) }])),
  };
  if (process.env.DRY) return;
  writeFileSync(OUTPUT, `${JSON.stringify(coefficients, null, 2)}\n`);
  // The built plugin (and the check below) use what was just measured, without a rebuild.
  if (existsSync(BUILT)) writeFileSync(BUILT, `${JSON.stringify(coefficients, null, 2)}\n`);
  console.log(`\nwrote ${OUTPUT.slice(repoRoot.length + 1)}`);
}

/** The analysis' estimate against a run, on a table of another shape than the calibration table. */
async function check(rows) {
  const { analyzeMigration } = require('@forge/migration/dist/analysis/analyze.js');
  const { databaseStats } = require('@forge/migration/dist/analysis/stats-source.js');
  await db.query(`DROP TABLE IF EXISTS "AuditLog"; CREATE TABLE "AuditLog" (id bigserial PRIMARY KEY, "tenantId" int NOT NULL, action text NOT NULL, "createdAt" timestamp(3) NOT NULL DEFAULT now())`);
  await db.query(`INSERT INTO "AuditLog" ("tenantId", action, "createdAt") SELECT 1 + g % 100, 'login', timestamp '2024-01-01' + g * interval '1 second' FROM generate_series(1, $1::int) g`, [rows]);
  const statements = [
    'CREATE INDEX CONCURRENTLY "AuditLog_tenant" ON "AuditLog" ("tenantId", "createdAt")',
    'CREATE INDEX "AuditLog_created" ON "AuditLog" ("createdAt")',
    'ALTER TABLE "AuditLog" VALIDATE CONSTRAINT "AuditLog_tenant_check"',
    'ALTER TABLE "AuditLog" ALTER COLUMN action DROP NOT NULL',
    'ALTER TABLE "AuditLog" ALTER COLUMN action SET NOT NULL',
    'ALTER TABLE "AuditLog" ALTER COLUMN "tenantId" TYPE bigint',
    `UPDATE "AuditLog" SET action = 'logout'`,
  ];
  await db.query(`ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_tenant_check" CHECK ("tenantId" > 0) NOT VALID`);
  await db.query('VACUUM ANALYZE "AuditLog"');
  const width = Number((await db.query(`SELECT pg_table_size('"AuditLog"') AS t`)).rows[0].t) / rows;
  const out = [];
  for (const sql of statements) {
    await db.query('VACUUM ANALYZE "AuditLog"');
    await db.query('CHECKPOINT');
    const analysis = await analyzeMigration({ sql: `${sql};`, downSql: null, stats: databaseStats(db, 'calibration server') });
    const measured = await time(sql);
    const estimate = analysis.estimateMs;
    out.push([sql.length > 64 ? `${sql.slice(0, 63)}…` : sql, analysis.up.statements[0].work.map((w) => w.kind).join(', '), fmtMs(estimate), fmtMs(measured), `${(estimate / measured).toFixed(2)}`]);
  }
  console.log(`\ncheck — the analysis on "AuditLog" (${rows.toLocaleString('en-US')} rows, ~${Math.round(width)} bytes/row, up to 3 indexes), estimate vs a run\n`);
  printTable(['statement', 'cost kind', 'estimate', 'measured', 'estimate ÷ measured'], out);
}

function fmtMs(v) {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
}

async function time(sql, params) {
  const start = performance.now();
  await db.query(sql, params);
  return performance.now() - start;
}

async function timeFn(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function measureSize(rows, run) {
  await db.query(`DROP TABLE IF EXISTS calib, calib_parent, calib_copy, calib_backup CASCADE; DROP SCHEMA IF EXISTS _forge CASCADE`);
  await db.query(`CREATE TABLE calib_parent (id int PRIMARY KEY); INSERT INTO calib_parent SELECT g FROM generate_series(1, 1000) g`);
  await db.query(`CREATE TABLE calib (id serial PRIMARY KEY, "tenantId" int NOT NULL, email text NOT NULL, note text, "createdAt" timestamp(3) NOT NULL, amount int NOT NULL)`);
  await db.query(
    `INSERT INTO calib ("tenantId", email, note, "createdAt", amount)
     SELECT 1 + g % 1000, 'user' || g || '@example.com', CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || md5(g::text) END,
            timestamp '2024-01-01' + g * interval '1 second', g % 10000
       FROM generate_series(1, $1::int) g`,
    [rows],
  );
  await settle();
  const size = (await db.query(`SELECT pg_table_size('calib') AS t, pg_indexes_size('calib') AS i`)).rows[0];
  widths = { row: Number(size.t) / rows, index: Number(size.i) / rows };
  // The fastest of the runs of a size counts; catalog statements keep every sample (their median counts).
  const add = (kind, ms) => {
    const previous = kind === 'catalog' ? undefined : samples[kind].find((p) => p.rows === rows);
    if (previous) previous.ms = Math.min(previous.ms, ms);
    else samples[kind].push({ rows, ms });
  };

  // Catalog-only statements: constant whatever the size.
  add('catalog', await time(`ALTER TABLE calib ADD COLUMN extra int`));
  add('catalog', await time(`ALTER TABLE calib RENAME COLUMN extra TO extra2`));
  add('catalog', await time(`ALTER TABLE calib DROP COLUMN extra2`));
  add('catalog', await time(`ALTER TABLE calib ADD CONSTRAINT calib_chk CHECK (amount >= 0) NOT VALID`));

  add('index-build', await time(`CREATE INDEX calib_tenant ON calib ("tenantId", "createdAt")`));
  add('catalog', await time(`DROP INDEX calib_tenant`));
  add('index-build-concurrently', await time(`CREATE INDEX CONCURRENTLY calib_tenant_c ON calib ("tenantId", "createdAt")`));
  await db.query(`DROP INDEX CONCURRENTLY calib_tenant_c`);
  await settle();

  add('check-validate', await time(`ALTER TABLE calib VALIDATE CONSTRAINT calib_chk`));
  await db.query(`ALTER TABLE calib ADD CONSTRAINT calib_fk FOREIGN KEY ("tenantId") REFERENCES calib_parent (id) NOT VALID`);
  add('fk-validate', await time(`ALTER TABLE calib VALIDATE CONSTRAINT calib_fk`));
  await db.query(`ALTER TABLE calib DROP CONSTRAINT calib_fk, DROP CONSTRAINT calib_chk, ALTER COLUMN email DROP NOT NULL`);
  add('set-not-null', await time(`ALTER TABLE calib ALTER COLUMN email SET NOT NULL`));
  add('scan', await time(`SELECT max(amount) FROM calib`));

  await db.query(`CREATE TABLE calib_copy (id int PRIMARY KEY, email text)`);
  add('copy', await time(`INSERT INTO calib_copy (id, email) SELECT id, email FROM calib`));
  await db.query(`CREATE TABLE calib_backup (id int PRIMARY KEY, email text)`);
  add('batch-copy', await timeFn(() => runBatchCopy(db, { table: 'calib', key: 'id', columns: ['email'], into: '"calib_backup"' }, { jobName: `calib_copy_${rows}_${run}` })));
  await settle();

  add('rewrite', await time(`ALTER TABLE calib ALTER COLUMN amount TYPE bigint`));
  await settle();
  add('update', await time(`UPDATE calib SET amount = amount + 1`));
  await db.query('VACUUM calib');
  await db.query(`ALTER TABLE calib ADD COLUMN locale text`);
  await settle();
  add('backfill', await timeFn(() => runBatchUpdate(db, { table: 'calib', key: 'id', set: `locale = 'en'`, where: 'locale IS NULL' }, { jobName: `calib_backfill_${rows}_${run}` })));
  await settle();
  add('delete', await time(`DELETE FROM calib`));
}

/** Every operation starts from a vacuumed, analyzed, checkpointed table: no leftover work is billed to it. */
async function settle() {
  await db.query('VACUUM ANALYZE calib');
  await db.query('CHECKPOINT');
}

function constantFit(points) {
  const sorted = points.map((p) => p.ms).sort((a, b) => a - b);
  return { constantMs: sorted[Math.floor(sorted.length / 2)], perRowMs: 0 };
}

/** Least squares y = a + b·x; when a would be negative, b through the origin instead. */
function linearFit(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.rows, 0) / n;
  const my = points.reduce((s, p) => s + p.ms, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.rows - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.rows - mx) * (p.ms - my), 0);
  let b = sxx ? sxy / sxx : 0;
  let a = my - b * mx;
  if (a < 0 || b <= 0) {
    a = 0;
    b = points.reduce((s, p) => s + p.rows * p.ms, 0) / points.reduce((s, p) => s + p.rows ** 2, 0);
  }
  return { constantMs: a, perRowMs: b };
}

function report() {
  const ms = fmtMs;
  const rowsFmt = (r) => r.toLocaleString('en-US');
  console.log(`\nbench/calibrate — PostgreSQL ${version} (embedded, fsync off), ${cpus().length} × ${cpus()[0]?.model?.trim()}, fastest of ${REPEAT} run(s) per size`);
  console.log(`calibration table: ~${Math.round(widths.row)} bytes/row + ${Math.round(widths.index)} bytes/row of primary key\n`);
  const rows = [];
  for (const kind of KINDS) {
    const f = fitted[kind];
    const points = kind === 'catalog' ? [] : samples[kind];
    if (kind === 'catalog') {
      const all = samples.catalog.map((p) => p.ms);
      rows.push([kind, 'all sizes', `${ms(Math.min(...all))} – ${ms(Math.max(...all))}`, ms(f.constantMs), '', 'median']);
    }
    for (const p of points) {
      const fit = f.constantMs + f.perRowMs * p.rows;
      rows.push([kind, rowsFmt(p.rows), ms(p.ms), ms(fit), `${(((fit - p.ms) / p.ms) * 100).toFixed(0)} %`, `${ms(f.constantMs)} + ${(f.perRowMs * 1e6).toFixed(0)} ms/M rows`]);
    }
  }
  printTable(['kind', 'rows', 'measured', 'fitted', 'error', 'fit: constant + per million rows'], rows);
  console.log('');
  printTable(['kind', 'measured with'], KINDS.map((k) => [k, MEASURED_WITH[k]]));
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}
