import { diffSchemas } from '../engine/operations';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { migrate } from '../runtime/migrate';
import type { ProjectTarget } from '../runtime/project-target';
import { traceScript } from '../runtime/validate/lock-trace';
import { splitStatements } from '../sql/split-statements';
import { CHANGE_CASES, generateChange, type CorpusMigration, type GeneratedChange } from '../testing/change-corpus';
import { locksOfConcurrentStatement } from '../testing/concurrent-locks';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { SAMPLE_MIGRATIONS } from '../testing/sample-tree';
import { NIGHTLY } from '../testing/test-size';
import { analyzeChange, type ChangeAnalysis, type ScriptAnalysis, type StatementAnalysis } from './analyze';
import { compareLocks } from './lock-comparison';
import { schemaFactsFromHistory, schemaFactsFromSql } from './schema-facts';
import { isPlaceholder } from './table-names';

/**
 * The measured locks are the test of the analysis. For every change type of the corpus, the
 * generator's migrations are applied one by one to a seeded sample database; at the state each
 * script runs in, every statement of migration.sql and down.sql is traced in pg_locks and compared
 * with what the report predicts for it: a table locked but not predicted, or locked in a stronger
 * mode, fails; a lock predicted as always taken but not taken fails. migration.sql is traced on its
 * migration's history (in a transaction rolled back), then applied with its data migration;
 * down.sql is then run as migrate-down runs it (the data migration's down() first — or at its
 * `-- forge:data-step` — each `-- forge:step` a transaction of its own), every step traced before
 * it runs, and the migration applied again for the next one. `… CONCURRENTLY` statements are
 * sampled while they wait for an open snapshot. The scripts are whatever the generators write.
 */

const pg = useEmbeddedPostgres();

/** Rows the seed must hold for a case's data migration to go through (a cast that fails on the sample's notes). */
const SEED_FOR: Record<string, string> = {
  'modify-column-string-to-int': `UPDATE "Order" SET "note" = CASE WHEN "id" % 3 = 0 THEN NULL ELSE ("id" * 7)::text END`,
};

/**
 * Cases whose scripts take the same locks as another case's of their generator (the same recipe
 * with other options): the nightly run traces them too, `npm test` the rest.
 */
const SAME_LOCKS_AS_ANOTHER = new Set([
  'add-column-constant-default',
  'add-column-required-backfill-value',
  'modify-column-varchar-to-text',
  'add-index-unique',
  'remove-index-unique',
  'add-table',
  'add-relation-self',
  'rename-field',
]);
const CASES = CHANGE_CASES.filter((c) => NIGHTLY || !SAME_LOCKS_AS_ANOTHER.has(c.id));

describe('predicted locks = locks PostgreSQL 15 takes, for every statement of every generated migration', () => {
  // The sample database with its baseline applied and a few rows in every table, copied for each case.
  let template: string;
  beforeAll(async () => {
    template = await pg.freshDatabase();
    const ws = writeDiskWorkspace((await generateChange(CHANGE_CASES[0])).tree);
    try {
      await must(migrate(ws.target(template), { to: BASELINE }));
    } finally {
      ws.remove();
    }
    await seedSampleData(template, { users: 40, orders: 60, auditLogs: 80 });
  }, 120_000);

  it.each(CASES.map((c) => [c.id, c] as const))('%s', async (_, change) => {
    const generated = await generateChange(change);
    const analysis = await predicted(generated);
    const url = await pg.freshDatabase(template);
    if (SEED_FOR[change.id]) await query(url, SEED_FOR[change.id]);
    expect(await measureChange(url, generated, analysis)).toEqual([]);
  });

  it('fails when a statement takes a lock the analysis did not predict, in migration.sql and in down.sql', async () => {
    // remove-relation: dropping Order's foreign key locks the referenced "User" too (up), and adding
    // it back locks "User" as well (down). With those predictions taken out, the measurement must object.
    const generated = await generateChange(CHANGE_CASES.find((c) => c.id === 'remove-relation')!);
    const analysis = await predicted(generated);
    const forget = (script: ScriptAnalysis | null | undefined) => script?.statements.forEach((s) => (s.locks = s.locks.filter((l) => l.table !== 'User')));
    for (const migration of analysis.migrations) {
      forget(migration.up);
      forget(migration.down);
    }
    const problems = await measureChange(await pg.freshDatabase(template), generated, analysis);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/migration\.sql:\d+ ALTER TABLE "Order" DROP CONSTRAINT "Order_userId_fkey": took ACCESS EXCLUSIVE on "User", not predicted/),
        expect.stringMatching(/down\.sql:\d+ ALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" .*: took SHARE ROW EXCLUSIVE on "User", not predicted/),
      ]),
    );
  });

  it('a down.sql in steps: each step traced as a transaction of its own, on the state the steps before it left', async () => {
    const generated = await generateChange(CHANGE_CASES.find((c) => c.id === 'remove-relation')!);
    const [migration] = generated.generated;
    // The orphan check, the key back NOT VALID, its validation: three transactions.
    const statements = splitStatements(migration.down!).filter((s) => !/lock_timeout/.test(s));
    const stepped = ['-- Reverse, in steps', ...statements.map((s, i) => `-- forge:step ${i + 1} of ${statements.length}\nSET LOCAL lock_timeout = '5s';\n${s}`)].join('\n');
    generated.tree.write(`${SAMPLE_MIGRATIONS}/${migration.name}/down.sql`, stepped);
    migration.down = stepped;
    const analysis = await predicted(generated);
    const validate = analysis.migrations[0].down!.statements.at(-1)!;
    expect(validate.action).toBe('ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_userId_fkey"');
    expect(validate.notes.join(' ')).not.toMatch(/runs in the transaction that added it/);
    expect(new Set(analysis.migrations[0].down!.statements.map((s) => s.transaction)).size).toBe(3);
    expect(await measureChange(await pg.freshDatabase(template), generated, analysis)).toEqual([]);
  });
});

/** What `nx g` predicts (from Prisma's SQL for the schema), checked to be what migrate-lint and the checklist predict (from the history). */
async function predicted(generated: GeneratedChange): Promise<ChangeAnalysis> {
  const migrations = generated.generated.map((m) => ({ name: m.name, sql: m.up, downSql: m.down }));
  const analysis = await analyzeChange({ migrations, schema: await schemaFactsFromSql(await diffSchemas(null, toEngineSchema(generated.before))) });
  const fromHistory = await analyzeChange({ migrations, schema: await schemaFactsFromHistory(generated.migrations.filter((m) => m.name === BASELINE).map((m) => m.up)) });
  expect(locksOf(fromHistory)).toEqual(locksOf(analysis));
  return analysis;
}

/** Every script of the change measured against its prediction, migration after migration; the problems found. */
async function measureChange(url: string, generated: GeneratedChange, analysis: ChangeAnalysis): Promise<string[]> {
  const ws = writeDiskWorkspace(generated.tree);
  const problems: string[] = [];
  try {
    const target = ws.target(url);
    for (const [i, migration] of generated.generated.entries()) {
      const expected = analysis.migrations[i];
      problems.push(...(await measureStep(url, migration.up, expected.up.statements, `${migration.name}/migration.sql`, { undo: migration.down ?? undefined })));
      await must(migrate(target, { to: migration.name }));
      if (migration.down === null) continue;
      problems.push(...(await measureRollback(url, target, migration, expected.down!)));
      // Back to the state the next migration runs on (the last one need not come back).
      if (i < generated.generated.length - 1) await must(migrate(target, { to: migration.name }));
    }
  } finally {
    ws.remove();
  }
  return problems;
}

async function must(run: Promise<{ error?: Error }>): Promise<void> {
  const { error } = await run;
  if (error) throw error;
}

/**
 * Runs down.sql's steps as migrate-down does, each traced on the state the steps before it left.
 * A down.sql of one step is only traced, in a transaction rolled back; one in several steps runs
 * for real, and the migration leaves `_prisma_migrations`. Either way, `migrate` then brings the
 * migration (and its data migration) back.
 */
async function measureRollback(url: string, target: ProjectTarget, migration: CorpusMigration, script: ScriptAnalysis): Promise<string[]> {
  const { name } = migration;
  const problems: string[] = [];
  const steps = stepsOf(migration.down!);
  const inSteps = steps.length > 1;
  const data = target.dataMigrations.has(name);
  if (data && !steps.some((s) => s.kind === 'data')) await target.dataMigrations.down(name);
  let next = 0;
  for (const step of steps) {
    if (step.kind === 'data') {
      if (data) await target.dataMigrations.down(name);
      continue;
    }
    const count = splitStatements(step.sql).length;
    const statements = script.statements.slice(next, next + count);
    next += count;
    problems.push(...(await measureStep(url, step.sql, statements, `${name}/down.sql`, inSteps ? { run: true } : { undo: migration.up })));
  }
  if (next !== script.statements.length) problems.push(`${name}/down.sql: ran ${next} statements, the analysis has ${script.statements.length}`);
  if (inSteps) await query(url, 'DELETE FROM _prisma_migrations WHERE migration_name = $1', [name]);
  return problems;
}

/**
 * One transaction's statements (or one CONCURRENTLY statement), traced on the database as it is and
 * compared with the prediction. `run`: then run it for real; `undo`: after a CONCURRENTLY statement
 * (which cannot be rolled back), the script that reverses it.
 */
async function measureStep(url: string, sql: string, statements: StatementAnalysis[], file: string, options: { run?: boolean; undo?: string }): Promise<string[]> {
  const problems: string[] = [];
  for (const s of statements) {
    for (const l of s.locks) if (isPlaceholder(l.table) && !l.conditional) problems.push(`${file}:${s.line} ${s.action}: predicts ${l.lock} on an unknown table ${l.table}`);
  }
  if (statements.every((s) => s.transactional)) {
    const traces = await traceScript(url, sql);
    if (traces.length !== statements.length) problems.push(`${file}: traced ${traces.length} statements, the analysis has ${statements.length}`);
    traces.forEach((trace, i) => {
      const s = statements[i];
      if (trace.error) problems.push(`${file}:${s?.line} failed on the server: ${trace.error}`);
      for (const m of compareLocks(s?.locks ?? [], trace)) problems.push(`${file}:${s?.line} ${s?.action}: ${m.problem}`);
    });
    if (options.run) await query(url, sql);
    return problems;
  }
  const [s] = statements;
  if (statements.length !== 1) return [...problems, `${file}:${s.line}: a CONCURRENTLY statement shares its transaction`];
  const measured = await locksOfConcurrentStatement(url, sql);
  if (measured.error) problems.push(`${file}:${s.line} failed on the server: ${measured.error}`);
  if (!measured.waited) problems.push(`${file}:${s.line} never waited for the open snapshot: its locks were sampled too late`);
  for (const m of compareLocks(s.locks, { acquired: measured.locks, held: measured.locks })) problems.push(`${file}:${s.line} ${s.action}: ${m.problem}`);
  if (!options.run && options.undo) await query(url, options.undo);
  return problems;
}

/** A down.sql's steps (`-- forge:step` / `-- forge:data-step` lines); a file without them is one step. */
function stepsOf(script: string): { kind: 'sql' | 'data'; sql: string }[] {
  const steps: { kind: 'sql' | 'data'; lines: string[] }[] = [{ kind: 'sql', lines: [] }];
  for (const line of script.split('\n')) {
    const marker = /^-- forge:(step|data-step)\b/.exec(line.trimEnd());
    if (marker) steps.push({ kind: marker[1] === 'data-step' ? 'data' : 'sql', lines: [] });
    else steps[steps.length - 1].lines.push(line);
  }
  return steps.map((s) => ({ kind: s.kind, sql: s.lines.join('\n') })).filter((s) => s.kind === 'data' || splitStatements(s.sql).length > 0);
}

/** Every predicted lock of every statement, for comparing two analyses. */
function locksOf(analysis: ChangeAnalysis): unknown[] {
  return analysis.migrations.map((m) => [m.up, m.down].map((script) => script?.statements.map((s) => [s.action, s.locks])));
}
