// bench/writer-stall: how long live writes wait while a migration runs on a big table. For each
// change, a copy of the sample database (its big tables filled with --rows rows) gets
//   (ours)   the migrations our generator writes, applied by the real runtime (`migrate`: SQL
//            migrations through Prisma's engine, each followed by its TypeScript data migration);
//   (Prisma) Prisma's own SQL for the change, applied as Prisma applies migration.sql (one transaction),
// while a writer (lib-writer.mjs: single-row INSERT and UPDATE in turns, 5 ms apart, own connection)
// times every statement on the changed table. Ours is then rolled back (`migrateDown`, every
// migration of the change) with the writer still writing, and a sampler (lib-lock-sampler.mjs)
// records the table locks the migrations take, up and down, beside the analysis's prediction.
// Targets: the writer's worst wait ≤ 200 ms with ours, up and rollback; rollback < 30 s; locks
// measured = predicted.
//
//   NX_DAEMON=false npx nx run migration:build && node bench/writer-stall.mjs [--rows 1000000] [--only modify-column]
//   --only runs the changes whose name contains the text (e.g. `modify-column`, `Product.sku`).
//   SKIP_BUILD=1 skips the build; BENCH_DIST=<dir> runs another build of the plugin.
import { parseArgs } from 'node:util';
import { fmt, markdownTable, sampleDatabaseBenchRows, secs, writeResults } from './lib.mjs';

const ROWS = sampleDatabaseBenchRows();
const TARGET_MS = 200;

const { generateChange, loadDist } = await import('./lib-changes.mjs');
const { startSampleDatabases, withClient } = await import('./lib-sample-database.mjs');
const { startWriter, windowStats } = await import('./lib-writer.mjs');
const { compareLockSets, predictedLocks, startLockSampler } = await import('./lib-lock-sampler.mjs');
const { migrate } = loadDist('runtime/migrate.js');
const { migrateDown } = loadDist('runtime/migrate-down.js');
const ROLLBACK_TARGET_MS = 30_000;

/** The changes the issue names, each on the table the writer writes to. */
const CASES = [
  {
    change: 'add-index AuditLog(tenantId, createdAt)',
    table: 'AuditLog',
    generator: 'add-index',
    options: { targetTable: 'AuditLog', fields: 'tenantId,createdAt' },
  },
  {
    change: 'add-relation Order.approver → User',
    table: 'Order',
    generator: 'add-relation',
    options: {
      targetTable: 'Order',
      field: 'approver',
      references: 'User',
      optional: true,
    },
  },
  {
    change: 'add-column User.handle, required, backfill lower(email)',
    table: 'User',
    generator: 'add-column',
    options: {
      targetTable: 'User',
      name: 'handle',
      type: 'String',
      backfillSql: 'lower("email")',
    },
  },
  {
    change: 'add-column User.age, required, backfill 18',
    table: 'User',
    generator: 'add-column',
    options: {
      targetTable: 'User',
      name: 'age',
      type: 'Int',
      backfillValue: 18,
    },
  },
  {
    change: 'modify-column Order.totalCents Int → BigInt',
    table: 'Order',
    generator: 'modify-column',
    options: { targetTable: 'Order', column: 'totalCents', type: 'BigInt' },
  },
  {
    change: 'modify-column Order.status String → enum',
    table: 'Order',
    generator: 'modify-column',
    options: {
      targetTable: 'Order',
      column: 'status',
      type: 'OrderStatus',
      map: {
        pending: 'PENDING',
        paid: 'PAID',
        shipped: 'SHIPPED',
        cancelled: 'CANCELLED',
      },
    },
  },
  {
    change: 'modify-column Product.sku VarChar(32) → VarChar(64) (binary-coercible)',
    table: 'Product',
    generator: 'modify-column',
    options: { targetTable: 'Product', column: 'sku', dbType: 'VarChar(64)' },
  },
];

const ONLY = parseArgs({ options: { rows: { type: 'string' }, only: { type: 'string' } } }).values.only;
const SELECTED = ONLY ? CASES.filter((c) => c.change.includes(ONLY)) : CASES;
if (!SELECTED.length) throw new Error(`--only ${ONLY}: no change matches; the changes are:\n${CASES.map((c) => `  ${c.change}`).join('\n')}`);

console.error(`filling the sample tables with ${fmt(ROWS)} rows each …`);
const databases = await startSampleDatabases(ROWS);
const results = [];
try {
  for (const c of SELECTED) {
    const change = await generateChange(c);
    try {
      console.error(`${c.change}: ours …`);
      const ours = await measure(c.table, (url, phase) => applyOurs(change, url, phase));
      console.error(`${c.change}: Prisma …`);
      const naive = await measure(c.table, (url) => applyAsPrisma(url, change.naive.up));
      results.push({ ...c, ours, naive });
    } finally {
      change.dispose();
    }
  }
} finally {
  await databases.stop();
}
report();

/** Runs `apply` on a fresh copy of the filled database while the writer writes to `table` and the sampler watches locks. */
async function measure(table, apply) {
  const url = await databases.copy();
  try {
    const writer = startWriter(url, table, { rows: ROWS, sleepMs: 5 });
    await writer.ready;
    const sampler = await startLockSampler(url);
    await new Promise((r) => setTimeout(r, 200)); // a few undisturbed writes first: the baseline
    const startedAt = Date.now();
    const outcome = await apply(url, (name) => sampler.phase(name));
    const writes = await writer.stop();
    const locks = await sampler.stop();
    const up = outcome.rollback ? windowStats(writes.samples, startedAt, outcome.rollback.startedAt) : undefined;
    const down = outcome.rollback ? windowStats(writes.samples, outcome.rollback.startedAt, outcome.rollback.endedAt) : undefined;
    return {
      ...outcome,
      writes,
      up,
      down,
      locks,
      worstDuring: outcome.rollback && writes.worst?.at >= outcome.rollback.startedAt ? 'the rollback' : stepAt(outcome.steps, startedAt, writes.worst?.at),
    };
  } finally {
    await databases.drop(url);
  }
}

async function applyOurs(change, url, phase) {
  const target = change.target(url);
  const predicted = await predictedLocks(target.directory, change.generated);
  const started = performance.now();
  phase('up');
  const result = await migrate(target);
  const ms = performance.now() - started;
  const steps = result.steps.map((s) => ({
    name: `${s.migration.replace(/^\d{14}_/, '')} (${s.kind})`,
    ms: s.ms,
  }));
  const retries = result.steps.reduce((n, s) => n + s.retries, 0);
  if (result.error) console.error(change.log.join('\n'));
  let rollback;
  if (!result.error) {
    phase('down');
    const startedAt = Date.now();
    const down = await migrateDown(target, change.generated.length);
    rollback = { startedAt, endedAt: Date.now(), ms: Date.now() - startedAt, error: down.error?.message };
  }
  phase(undefined);
  return {
    ms,
    steps,
    retries,
    longestBatchMs: longestBatch(change.log),
    error: result.error?.message,
    rollback,
    predicted,
  };
}

/** Prisma applies a migration.sql of several statements as one transaction. */
async function applyAsPrisma(url, sql) {
  const started = performance.now();
  const error = await withClient(url, async (db) => {
    try {
      await db.query(`BEGIN;\n${sql}\nCOMMIT;`);
    } catch (e) {
      await db.query('ROLLBACK');
      return e.message;
    }
  });
  const ms = performance.now() - started;
  return { ms, steps: [{ name: 'migration.sql', ms }], retries: 0, error };
}

/** The longest batch of the data migrations, as the runtime reports it: how long a batch held its rows' locks. */
function longestBatch(log) {
  const reported = log.flatMap((line) => [...line.matchAll(/longest batch ([\d,]+) ms/g)].map((m) => Number(m[1].replace(/,/g, ''))));
  return reported.length ? Math.max(...reported) : undefined;
}

/** Which step was running when the worst write started (steps run back to back, so the sum of their times). */
function stepAt(steps, startedAt, at) {
  if (at === undefined || at < startedAt) return 'before the migration';
  let end = startedAt;
  for (const step of steps) {
    end += step.ms;
    if (at <= end) return step.name;
  }
  return 'after the migration (bookkeeping)';
}

function report() {
  const worst = (w) => `${fmt(w.max)} ms`;
  const rows = results.flatMap((r) => [
    [
      r.change,
      'ours',
      outcome(r.ours),
      worst(r.ours.writes),
      `${fmt(r.ours.writes.p99)} ms`,
      writesCell(r.ours.writes),
      r.ours.worstDuring,
      r.ours.longestBatchMs === undefined ? '—' : `${fmt(r.ours.longestBatchMs)} ms`,
    ],
    ['', 'Prisma', outcome(r.naive), worst(r.naive.writes), `${fmt(r.naive.writes.p99)} ms`, writesCell(r.naive.writes), r.naive.worstDuring, '—'],
  ]);
  const headers = ['change', 'SQL', 'migration time', 'writer worst', 'writer p99', 'writes (errors)', 'worst write started during', 'longest backfill batch'];
  const targets = results.map((r) => [r.change, `≤ ${TARGET_MS} ms`, worst(r.ours.writes), r.ours.error ? 'NO (failed)' : r.ours.writes.max <= TARGET_MS ? 'yes' : 'NO']);
  const both = results.map((r) => {
    const o = r.ours;
    if (o.error || !o.rollback) return [r.change, 'FAILED', '', '', '', '', ''];
    return [
      r.change,
      `${fmt(o.up.max)} / ${fmt(o.up.p99)} ms`,
      o.rollback.error ? `FAILED: ${o.rollback.error.split('\n')[0].slice(0, 60)}` : `${fmt(o.down.max)} / ${fmt(o.down.p99)} ms`,
      secs(o.rollback.ms),
      o.up.max <= TARGET_MS && !o.rollback.error && o.down.max <= TARGET_MS && o.rollback.ms < ROLLBACK_TARGET_MS ? 'yes' : 'NO',
      compareLockSets(o.locks.up, o.predicted.up),
      compareLockSets(o.locks.down, o.predicted.down),
    ];
  });
  const tables = [
    markdownTable(headers, rows),
    markdownTable(['change', 'target: writer worst (ours)', 'measured', 'met'], targets),
    markdownTable(['change (ours)', 'writer worst / p99, up', 'writer worst / p99, rollback', 'rollback time', `≤ ${TARGET_MS} ms both ways, rollback < ${ROLLBACK_TARGET_MS / 1000} s`, 'locks up: measured vs predicted', 'locks rollback: measured vs predicted'], both),
  ];
  const title = `bench/writer-stall — ${fmt(ROWS)} rows per table, embedded PostgreSQL 15 (fsync off), 2 cores: one run each, so figures carry some noise`;
  console.log(`\n${title}\n\n${tables.join('\n\n')}`);
  const errors = results
    .flatMap((r) => [r.ours, r.naive])
    .filter((o) => o.writes.firstError)
    .map((o) => o.writes.firstError);
  writeResults(
    'writer-stall',
    [
      `## Writer stall\n\n${title}.`,
      'A writer on its own connection runs single-row INSERT and UPDATE statements in turns, 5 ms apart, on the changed table while the migration runs, and times each one. ' +
        '"ours": the generated migrations applied by `migrate` (data migrations included). "Prisma": `prisma migrate diff` SQL for the same change, applied as one transaction. ' +
        '"longest backfill batch": the longest batch of our data migrations, as the runtime reports it; a write to a row of that batch waits up to that long (the writer picks rows at random, so it meets a running batch only by chance). ' +
        'Then every migration of the change is rolled back (`migrateDown`) with the writer still writing. Locks: the table locks the migrations took, traced inside their own transactions (event triggers record the transaction\'s pg_locks after every DDL statement, however briefly it holds them) and sampled in pg_locks every 5 ms, against the analysis\'s prediction for the same scripts ("=": the same tables in the same strongest modes; "predicted, not taken": a prediction the run did not bear out).',
      ...tables,
      errors.length ? `First writer errors: ${[...new Set(errors)].map((e) => `\`${e}\``).join('; ')}` : '',
    ].join('\n\n'),
  );
}

function outcome(o) {
  const retries = o.retries ? `, ${o.retries} lock retries` : '';
  return o.error ? `FAILED after ${secs(o.ms)}: ${o.error.split('\n')[0].slice(0, 80)}` : `${secs(o.ms)}${retries}`;
}

function writesCell(w) {
  return `${fmt(w.count)} (${fmt(w.errors)})`;
}

