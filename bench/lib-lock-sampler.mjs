// The table locks a migration really takes, sampled from pg_locks on a connection of its own every
// few milliseconds (the way Eugene's trace watches a running migration), next to the locks the
// analysis predicts for the same migrations. Sampling sees every lock held longer than the period;
// a lock held for less may be missed, so "not seen" is reported apart from "not predicted".
import { createRequire } from 'node:module';
import { loadDist } from './lib-changes.mjs';

const pg = createRequire(import.meta.url)('pg');
const { strongerLock } = loadDist('analysis/locks.js');
const { lockMode } = loadDist('runtime/validate/lock-trace.js');
const { analyzeChange } = loadDist('analysis/analyze.js');
const { schemaFactsFromHistory } = loadDist('analysis/schema-facts.js');

const SAMPLER = 'bench lock sampler';
const HELD = `
  SELECT CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END AS name, l.mode
    FROM pg_locks l
    JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.granted AND l.locktype = 'relation' AND c.relkind IN ('r', 'p') AND l.pid <> pg_backend_pid()
     AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
     AND a.application_name NOT IN ('bench writer', '${SAMPLER}')
     AND c.relname <> '_prisma_migrations' AND n.nspname <> '_forge'`;

/** Starts sampling; `phase(name)` switches where samples go; `stop()` resolves to { phase: Map(table → mode) }. */
export async function startLockSampler(url, periodMs = 5) {
  const db = new pg.Client({ connectionString: url, application_name: SAMPLER });
  await db.connect();
  const phases = {};
  let current;
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      if (current) {
        const into = (phases[current] ??= new Map());
        for (const { name, mode } of (await db.query(HELD)).rows) {
          const m = lockMode(mode);
          if (m) into.set(name, into.has(name) ? strongerLock(into.get(name), m) : m);
        }
      }
      await new Promise((r) => setTimeout(r, periodMs));
    }
  })();
  return {
    phase: (name) => (current = name),
    async stop() {
      stopping = true;
      await loop;
      await db.end();
      return phases;
    },
  };
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
    if (!p.conditional && !measured.has(table)) problems.push(`${p.mode} on ${table} not seen`);
  }
  return problems.length ? problems.join('; ') : '=';
}

export function describeLocks(locks = new Map()) {
  return [...locks].map(([table, mode]) => `${typeof mode === 'string' ? mode : mode.mode} ${table}`).join(', ') || 'none';
}
