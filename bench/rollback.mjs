// bench/rollback: how long rolling back a destructive change takes on a big table, and whether the
// data comes back. For each change, on a copy of the sample database (its big tables filled with
// --rows rows): the table is fingerprinted (columns, indexes, constraints, row count and a hash of
// every row), our generated migrations go up with `migrate`, then all of them are rolled back with
// `migrateDown` (what migrate-down does: each data migration's down(), then its down.sql, newest
// first), timed, while a writer (lib-writer.mjs) keeps writing to the table, and the table is
// fingerprinted again (leaving out the writer's rows). Targets: < 5 minutes (seed), < 30 s (ours),
// the writer's worst wait during the rollback ≤ 200 ms.
//
//   NX_DAEMON=false npx nx run migration:build && node bench/rollback.mjs [--rows 1000000]
//   SKIP_BUILD=1 skips the build; BENCH_DIST=<dir> runs another build of the plugin;
//   BENCH_ONLY=remove-column runs only the changes whose name contains that text (while iterating).
import { fmt, markdownTable, sampleDatabaseBenchRows, secs, writeResults } from './lib.mjs';

const ROWS = sampleDatabaseBenchRows();
const SEED_TARGET_MS = 5 * 60_000;
const TARGET_MS = 30_000;

const { generateChange, loadDist } = await import('./lib-changes.mjs');
const { startSampleDatabases, withClient } = await import('./lib-sample-database.mjs');
const { migrate } = loadDist('runtime/migrate.js');
const { migrateDown } = loadDist('runtime/migrate-down.js');
const { startWriter } = await import('./lib-writer.mjs');
const { compareLockSets, predictedLocks, startLockSampler } = await import('./lib-lock-sampler.mjs');
const WRITER_TARGET_MS = 200;

/** The destructive changes the issue names; `table` is the one whose data must come back. */
const CASES = [
  {
    change: 'remove-column User.name',
    table: 'User',
    generator: 'remove-column',
    options: { targetTable: 'User', column: 'name', confirmDataLoss: true },
  },
  {
    change: 'remove-table AuditLog',
    table: 'AuditLog',
    generator: 'remove-table',
    options: { targetTable: 'AuditLog', confirmDataLoss: true },
  },
  {
    change: 'modify-column Order.status String → enum, lossy map (4 values → 2)',
    table: 'Order',
    generator: 'modify-column',
    options: {
      targetTable: 'Order',
      column: 'status',
      type: 'OrderState',
      map: {
        pending: 'OPEN',
        paid: 'OPEN',
        shipped: 'CLOSED',
        cancelled: 'CLOSED',
      },
      confirmDataLoss: true,
    },
  },
  {
    change: 'remove-relation Order.user',
    table: 'Order',
    generator: 'remove-relation',
    options: { targetTable: 'Order', field: 'user' },
  },
  {
    change: 'remove-index User_tenantId_idx',
    table: 'User',
    generator: 'remove-index',
    options: { targetTable: 'User', name: 'User_tenantId_idx' },
  },
];

const ONLY = process.env.BENCH_ONLY;
const selected = ONLY ? CASES.filter((c) => c.change.includes(ONLY)) : CASES;
if (!selected.length) throw new Error(`BENCH_ONLY=${ONLY} matches no change; the changes are: ${CASES.map((c) => c.change).join('; ')}`);

console.error(`filling the sample tables with ${fmt(ROWS)} rows each …`);
const databases = await startSampleDatabases(ROWS);
const results = [];
try {
  for (const c of selected) {
    console.error(`${c.change} …`);
    const change = await generateChange(c);
    const url = await databases.copy();
    try {
      results.push({
        ...c,
        migrations: change.generated.length,
        ...(await upThenDown(change, url, c.table)),
      });
    } catch (error) {
      console.error(change.log.join('\n'));
      results.push({
        ...c,
        migrations: change.generated.length,
        error: error.message,
      });
    } finally {
      change.dispose();
      await databases.drop(url);
    }
  }
} finally {
  await databases.stop();
}
report();

async function upThenDown(change, url, table) {
  const target = change.target(url);
  const before = await fingerprint(url, table);
  let started = performance.now();
  const up = await migrate(target);
  if (up.error) throw up.error;
  const upMs = performance.now() - started;
  // The check below must be able to fail: the migrations did change the table.
  if (JSON.stringify(await fingerprint(url, table)) === JSON.stringify(before)) throw new Error(`the migrations left ${table} unchanged`);
  // The application keeps writing while it is rolled back (its rows come after the fingerprint's: ids beyond ROWS).
  const writer = startWriter(url, table, { rows: ROWS, sleepMs: 5, insertOnly: true });
  await writer.ready;
  const predicted = await predictedLocks(target.directory, change.generated);
  const sampler = await startLockSampler(url);
  sampler.phase('down');
  started = performance.now();
  const down = await migrateDown(target, change.generated.length);
  const downMs = performance.now() - started;
  const writes = await writer.stop();
  const locks = compareLockSets((await sampler.stop()).down, predicted.down);
  if (down.error) throw down.error;
  const dataMs = down.rolledBack.reduce((sum, r) => sum + r.dataMs, 0);
  const retries = down.rolledBack.reduce((sum, r) => sum + r.retries, 0);
  const after = await fingerprint(url, table);
  const differs = after.missing ? ['the table (missing)'] : Object.keys(before).filter((part) => JSON.stringify(before[part]) !== JSON.stringify(after[part]));
  return { upMs, downMs, dataMs, retries, restored: before.data.rows, differs, writes, locks };
}

/**
 * What must come back: columns (type, nullability, default), indexes (and that they are valid),
 * constraints (and that they are validated), and the rows — count and a hash of every row over
 * the columns sorted by name, so a column re-added at the end of the table compares equal.
 */
async function fingerprint(url, table) {
  return withClient(url, async (db) => {
    const rel = `public."${table}"`;
    const columns = (
      await db.query(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS "default"
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname`,
        [rel],
      )
    ).rows;
    if (!columns.length) return { missing: true };
    const indexes = (await db.query(`SELECT pg_get_indexdef(indexrelid) AS def, indisvalid AS valid FROM pg_index WHERE indrelid = to_regclass($1) ORDER BY 1`, [rel])).rows;
    const constraints = (
      await db.query(`SELECT conname AS name, pg_get_constraintdef(oid) AS def, convalidated AS validated FROM pg_constraint WHERE conrelid = to_regclass($1) ORDER BY 1`, [rel])
    ).rows;
    const list = columns.map((c) => `"${c.name}"`).join(', ');
    // The rows that were there before: the writer's own inserts (ids beyond them) are not part of what must come back.
    const data = (await db.query(`SELECT count(*)::int AS rows, sum(hashtextextended(ROW(${list})::text, 0))::text AS hash FROM ${rel} WHERE id <= ${ROWS}`)).rows[0];
    return { columns, indexes, constraints, data };
  });
}

function report() {
  const headers = [
    'change',
    'migrations',
    'up (migrate)',
    'rollback (migrate-down)',
    'of which data down()',
    'writer worst / p99 during rollback',
    'data back',
    'locks: measured vs predicted',
    `< ${SEED_TARGET_MS / 60_000} min (seed)`,
    `< ${TARGET_MS / 1000} s (ours)`,
  ];
  const rows = results.map((r) =>
    r.error
      ? [r.change, r.migrations, `FAILED: ${r.error.split('\n')[0].slice(0, 100)}`, '', '', '', '', '', '', 'NO']
      : [
          r.change,
          r.migrations,
          secs(r.upMs),
          `${secs(r.downMs)}${r.retries ? ` (${r.retries} lock retries)` : ''}`,
          secs(r.dataMs),
          `${fmt(r.writes.max)} / ${fmt(r.writes.p99)} ms${r.writes.max <= WRITER_TARGET_MS ? '' : ' (over 200)'}${r.writes.errors ? `, ${fmt(r.writes.errors)} refused` : ''}`,
          r.differs.length ? `NO: ${r.differs.join(', ')} differ` : `yes (${fmt(r.restored)} rows, same hash)`,
          r.locks,
          r.downMs < SEED_TARGET_MS ? 'yes' : 'NO',
          r.downMs < TARGET_MS ? 'yes' : 'NO',
        ],
  );
  const title = `bench/rollback — ${fmt(ROWS)} rows per table, embedded PostgreSQL 15 (fsync off), 2 cores: one run each, so figures carry some noise`;
  const table = markdownTable(headers, rows);
  console.log(`\n${title}\n\n${table}`);
  writeResults(
    'rollback',
    [
      `## Rollback time\n\n${title}.`,
      "Each change's generated migrations go up with `migrate`, then all of them are rolled back with `migrateDown` (data migration down(), then down.sql, newest first), timed. " +
        '"data back": the table\'s columns, indexes, constraints, row count and a hash of every row equal what they were before the migration. ' +
        '"locks": the table locks the rollback took (traced inside its transactions after every DDL statement, and sampled in pg_locks every 5 ms) against the analysis\'s prediction for the down.sql files ("=": the same tables in the same strongest modes).',
      table,
    ].join('\n\n'),
  );
}
