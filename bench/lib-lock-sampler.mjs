// The table locks a migration really takes, next to the locks the analysis predicts for the same
// migrations. Two sources, merged:
// - an exact trace: event triggers, installed on the bench's copy of the database, run inside the
//   migration's own transaction after every DDL statement (ddl_command_end) and before a table is
//   dropped (sql_drop), and record the table locks that transaction holds (pg_locks of its own
//   backend, as migrate-validate's lock trace reads them). A lock held for a millisecond is recorded
//   all the same; locks are held until the transaction ends, so what a DML statement of the script
//   took shows up at the next DDL statement of its transaction;
// - sampling pg_locks from a connection of its own every few milliseconds (the way Eugene's trace
//   watches a running migration): sees locks of script statements no DDL follows (a script that
//   ends with DML, a CONCURRENTLY build) when they are held longer than the period.
import { createRequire } from 'node:module';
import { loadDist } from './lib-changes.mjs';

const pg = createRequire(import.meta.url)('pg');
const { strongerLock } = loadDist('analysis/locks.js');
const { lockMode } = loadDist('runtime/validate/lock-trace.js');
const { analyzeChange } = loadDist('analysis/analyze.js');
const { schemaFactsFromHistory } = loadDist('analysis/schema-facts.js');

const SAMPLER = 'bench lock sampler';
// The trace's own schema: its log, its functions, and the event triggers that call them.
const TRACE = 'bench_lock_trace';
// The prediction is the scripts' (migration.sql, down.sql): a data migration's batches (row locks
// under ROW EXCLUSIVE, the backup tables its triggers write) are measured by the writer's waits instead.
const DATA_MIGRATION = '@forge/migration data migration';
const HELD = `
  SELECT CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END AS name, l.mode
    FROM pg_locks l
    JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.granted AND l.locktype = 'relation' AND c.relkind IN ('r', 'p') AND l.pid <> pg_backend_pid()
     AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
     AND a.application_name NOT IN ('bench writer', '${SAMPLER}', '${DATA_MIGRATION}')
     AND c.relname <> '_prisma_migrations' AND n.nspname NOT IN ('_forge', '${TRACE}')`;

// Own table locks of the transaction, named as the sampler names them; a table dropped by this
// statement has no pg_class row any more: sql_drop names it from the dropped objects instead.
// Each event gets a number: a lock is the statement's whose event first shows it, under the name
// the table had before that statement (the name the statement's SQL, and the analysis, use).
const OWN_LOCKS = `
  SELECT event, pg_current_xact_id()::text, l.relation::int, CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END, l.mode
    FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '_forge', '${TRACE}')
     AND c.relname <> '_prisma_migrations'`;
const INSTALL_TRACE = `
  CREATE SCHEMA ${TRACE};
  CREATE SEQUENCE ${TRACE}.events;
  CREATE TABLE ${TRACE}.locks (at timestamptz NOT NULL DEFAULT clock_timestamp(), event bigint NOT NULL, xact text NOT NULL, oid int NOT NULL, name text NOT NULL, mode text NOT NULL);
  CREATE FUNCTION ${TRACE}.after_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $trace$
  DECLARE event bigint := nextval('${TRACE}.events');
  BEGIN
    INSERT INTO ${TRACE}.locks (event, xact, oid, name, mode) ${OWN_LOCKS};
  END $trace$;
  CREATE FUNCTION ${TRACE}.on_drop() RETURNS event_trigger LANGUAGE plpgsql AS $trace$
  DECLARE event bigint := nextval('${TRACE}.events');
  BEGIN
    INSERT INTO ${TRACE}.locks (event, xact, oid, name, mode)
      SELECT event, pg_current_xact_id()::text, d.objid::int, CASE WHEN d.schema_name = current_schema() THEN d.object_name ELSE d.schema_name || '.' || d.object_name END, l.mode
        FROM pg_event_trigger_dropped_objects() d
        JOIN pg_locks l ON l.relation = d.objid AND l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
       WHERE d.object_type = 'table' AND d.original AND d.schema_name NOT IN ('_forge', '${TRACE}');
  END $trace$;
  CREATE EVENT TRIGGER bench_lock_trace_ddl ON ddl_command_end EXECUTE FUNCTION ${TRACE}.after_ddl();
  CREATE EVENT TRIGGER bench_lock_trace_drop ON sql_drop EXECUTE FUNCTION ${TRACE}.on_drop();`;
const REMOVE_TRACE = `DROP EVENT TRIGGER IF EXISTS bench_lock_trace_ddl; DROP EVENT TRIGGER IF EXISTS bench_lock_trace_drop; DROP SCHEMA IF EXISTS ${TRACE} CASCADE;`;

/**
 * Starts tracing and sampling; `phase(name)` switches where locks go (by the time they were
 * taken); `stop()` removes the trace and resolves to { phase: Map(table → mode) }.
 */
export async function startLockSampler(url, periodMs = 5) {
  const db = new pg.Client({ connectionString: url, application_name: SAMPLER });
  await db.connect();
  await db.query(INSTALL_TRACE);
  const phases = {};
  const switches = [];
  let current;
  let stopping = false;
  const add = (phase, name, pgMode) => {
    const m = lockMode(pgMode);
    if (!phase || !m) return;
    const into = (phases[phase] ??= new Map());
    into.set(name, into.has(name) ? strongerLock(into.get(name), m) : m);
  };
  const loop = (async () => {
    while (!stopping) {
      if (current) for (const { name, mode } of (await db.query(HELD)).rows) add(current, name, mode);
      await new Promise((r) => setTimeout(r, periodMs));
    }
  })();
  return {
    phase: (name) => {
      current = name;
      switches.push({ at: Date.now(), name });
    },
    async stop() {
      stopping = true;
      await loop;
      try {
        const traced = await db.query(`SELECT (extract(epoch FROM at) * 1000)::float8 AS at, event, xact, oid, name, mode FROM ${TRACE}.locks ORDER BY event`);
        for (const { at, name, mode } of attributeToStatements(traced.rows)) add(switches.findLast((s) => s.at <= at)?.name, name, mode);
        await db.query(REMOVE_TRACE);
      } finally {
        await db.end();
      }
      return phases;
    },
  };
}

/**
 * The trace's events (the transaction's locks after each DDL statement) as the locks each statement
 * acquired: a (table, mode) counts once per transaction, at the first event that shows it, under the
 * table's name at the event before (the name the statement's SQL uses: a RENAME's lock is on the old name).
 */
function attributeToStatements(rows) {
  const acquired = [];
  const byXact = new Map();
  for (const row of rows) {
    const x = byXact.get(row.xact) ?? byXact.set(row.xact, { names: new Map(), seen: new Set(), event: null, pending: [] }).get(row.xact);
    if (x.event !== row.event) {
      for (const r of x.pending) x.names.set(r.oid, r.name);
      x.pending = [];
      x.event = row.event;
    }
    const key = `${row.oid}:${row.mode}`;
    if (!x.seen.has(key)) {
      x.seen.add(key);
      acquired.push({ at: row.at, name: x.names.get(row.oid) ?? row.name, mode: row.mode });
    }
    x.pending.push(row);
  }
  return acquired;
}

/** The analysis's locks for the generated migrations, per direction: Map(table → { mode, conditional }). */
export async function predictedLocks(directory, names) {
  const folders = directory.migrations.filter((m) => names.includes(m.name));
  const history = directory.migrations.filter((m) => !names.includes(m.name)).map((m) => m.sql);
  const analysis = await analyzeChange({ migrations: folders.map((m) => ({ name: m.name, sql: m.sql, downSql: m.downSql })), schema: await schemaFactsFromHistory(history) });
  const collect = (scripts) => {
    const locks = new Map();
    for (const s of scripts.flatMap((script) => script?.statements ?? [])) {
      for (const l of s.locks) {
        if (l.object !== 'table' || l.table.startsWith('(') || l.table.startsWith('_forge.')) continue;
        const had = locks.get(l.table);
        locks.set(l.table, { mode: had ? strongerLock(had.mode, l.lock) : l.lock, conditional: (had?.conditional ?? true) && l.conditional });
      }
    }
    return locks;
  };
  return { up: collect(analysis.migrations.map((m) => m.up)), down: collect(analysis.migrations.map((m) => m.down)) };
}

const RANK = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];

/** `=` when the sampled set is the predicted one; else what differs, in words. */
export function compareLockSets(measured = new Map(), predicted = new Map()) {
  const problems = [];
  for (const [table, mode] of measured) {
    const p = predicted.get(table);
    if (!p) problems.push(`${mode} on ${table} not predicted`);
    else if (RANK.indexOf(mode) > RANK.indexOf(p.mode)) problems.push(`${mode} on ${table}, predicted ${p.mode}`);
  }
  for (const [table, p] of predicted) {
    const took = measured.get(table);
    if (!p.conditional && !took) problems.push(`${p.mode} on ${table} predicted, not taken`);
    else if (!p.conditional && RANK.indexOf(took) < RANK.indexOf(p.mode)) problems.push(`${p.mode} on ${table} predicted, took only ${took}`);
  }
  return problems.length ? problems.join('; ') : '=';
}

export function describeLocks(locks = new Map()) {
  return [...locks].map(([table, mode]) => `${typeof mode === 'string' ? mode : mode.mode} ${table}`).join(', ') || 'none';
}
