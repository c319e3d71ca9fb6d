import { diffSchemas } from '../engine/operations';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { migrate } from '../runtime/migrate';
import { traceScript } from '../runtime/validate/lock-trace';
import { CHANGE_CASES, generateChange, type CorpusMigration } from '../testing/change-corpus';
import { locksOfConcurrentStatement } from '../testing/concurrent-locks';
import { query, useEmbeddedPostgres } from '../testing/database';
import { BASELINE } from '../testing/migrations';
import { withSampleProjectOnDisk } from '../testing/round-trip';
import { seedSampleData } from '../testing/sample-data';
import { analyzeChange, type ChangeAnalysis, type ScriptAnalysis } from './analyze';
import { compareLocks } from './lock-comparison';
import { schemaFactsFromHistory, schemaFactsFromSql } from './schema-facts';
import { isPlaceholder } from './table-names';

/**
 * The measured locks are the test of the analysis. For every change type of the corpus, the
 * generator's migrations are applied one by one to a seeded sample database; at the state each
 * script runs in (its migration's history applied; for down.sql, its migration applied and its
 * data migration rolled back, as migrate-down runs it), every statement of migration.sql and
 * down.sql is traced in pg_locks and compared with what the report predicts for it:
 * a table locked but not predicted, or locked in a stronger mode, fails; a lock predicted as
 * always taken but not taken fails. `… CONCURRENTLY` statements are sampled while they wait for
 * an open snapshot, then undone. The scripts are whatever the generators write today.
 */

const pg = useEmbeddedPostgres();

/** Rows the seed must hold for a case's data migration to go through (a cast that fails on the sample's notes). */
const SEED_FOR: Record<string, string> = {
  'modify-column-string-to-int': `UPDATE "Order" SET "note" = CASE WHEN "id" % 3 = 0 THEN NULL ELSE ("id" * 7)::text END`,
};

describe('predicted locks = locks PostgreSQL 15 takes, for every statement of every generated migration', () => {
  // The sample database with its baseline applied and a few rows in every table, copied for each case.
  let template: string;
  beforeAll(async () => {
    template = await pg.freshDatabase();
    const { tree } = await generateChange(CHANGE_CASES[0]);
    await withSampleProjectOnDisk(tree, template, async ({ target }) => {
      const { error } = await migrate(target, { to: BASELINE });
      if (error) throw error;
    });
    await seedSampleData(template, { users: 40, orders: 60, auditLogs: 80 });
  }, 120_000);

  it.each(CHANGE_CASES.map((c) => [c.id, c] as const))('%s', async (_, change) => {
    const generated = await generateChange(change);
    const migrations = generated.generated.map((m) => ({ name: m.name, sql: m.up, downSql: m.down }));
    // What `nx g` knows of the schema (Prisma's SQL for it), and what migrate-lint knows (the history).
    const analysis = await analyzeChange({ migrations, schema: await schemaFactsFromSql(await diffSchemas(null, toEngineSchema(generated.before))) });
    const fromHistory = await analyzeChange({ migrations, schema: await schemaFactsFromHistory(generated.migrations.filter((m) => m.name === BASELINE).map((m) => m.up)) });
    expect(locksOf(fromHistory)).toEqual(locksOf(analysis));

    const url = await pg.freshDatabase(template);
    if (SEED_FOR[change.id]) await query(url, SEED_FOR[change.id]);
    const problems = await withSampleProjectOnDisk(generated.tree, url, async ({ target }) => {
      const found: string[] = [];
      const must = async (run: Promise<{ error?: Error }>) => {
        const { error } = await run;
        if (error) throw error;
      };
      for (const [i, migration] of generated.generated.entries()) {
        const predicted = analysis.migrations[i];
        found.push(...(await measure(url, migration, 'up', predicted.up)));
        await must(migrate(target, { to: migration.name }));
        if (migration.down === null) continue;
        // down.sql runs after the data migration's down(), on the state it leaves.
        const data = target.dataMigrations.has(migration.name);
        if (data) await target.dataMigrations.down(migration.name);
        found.push(...(await measure(url, migration, 'down', predicted.down!)));
        if (data) await must(migrate(target, { to: migration.name }));
      }
      return found;
    });
    expect(problems).toEqual([]);
  });
});

/** Every statement of one script, measured on the database as it is, and compared with the prediction. */
async function measure(url: string, migration: CorpusMigration, direction: 'up' | 'down', script: ScriptAnalysis): Promise<string[]> {
  const file = `${migration.name}/${direction === 'up' ? 'migration.sql' : 'down.sql'}`;
  const sql = direction === 'up' ? migration.up : migration.down!;
  const problems: string[] = [];
  for (const s of script.statements) {
    for (const l of s.locks) if (isPlaceholder(l.table) && !l.conditional) problems.push(`${file}:${s.line} ${s.action}: predicts ${l.lock} on an unknown table ${l.table}`);
  }
  if (script.statements.every((s) => s.transactional)) {
    // One transaction, rolled back: the database stays as it was.
    const traces = await traceScript(url, sql);
    if (traces.length !== script.statements.length) problems.push(`${file}: traced ${traces.length} statements, the analysis has ${script.statements.length}`);
    traces.forEach((trace, i) => {
      const s = script.statements[i];
      if (trace.error) problems.push(`${file}:${s?.line} failed on the server: ${trace.error}`);
      for (const m of compareLocks(s?.locks ?? [], trace)) problems.push(`${file}:${s?.line} ${s?.action}: ${m.problem}`);
    });
    return problems;
  }
  // A CONCURRENTLY statement is alone in its script; it changes the database: the other script undoes it.
  const [s] = script.statements;
  const measured = await locksOfConcurrentStatement(url, sql);
  if (measured.error) problems.push(`${file}:${s.line} failed on the server: ${measured.error}`);
  if (!measured.waited) problems.push(`${file}:${s.line} never waited for the open snapshot: its locks were sampled too late`);
  for (const m of compareLocks(s.locks, { acquired: measured.locks, held: measured.locks })) problems.push(`${file}:${s.line} ${s.action}: ${m.problem}`);
  await query(url, direction === 'up' ? migration.down! : migration.up);
  return problems;
}

/** Every predicted lock of every statement, for comparing two analyses. */
function locksOf(analysis: ChangeAnalysis): unknown[] {
  return analysis.migrations.map((m) => [m.up, m.down].map((script) => script?.statements.map((s) => [s.action, s.locks])));
}
