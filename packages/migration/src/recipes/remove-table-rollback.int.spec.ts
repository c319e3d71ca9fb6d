import { removeTableGenerator } from '../generators/remove-table/generator';
import { migrate } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import { connect } from '../runtime/pg-client';
import { rollbackStepsOf } from '../runtime/rollback-steps';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree } from '../testing/sample-tree';

/**
 * remove-table's rollback follows the online rules: the table comes back (catalog only) with its
 * foreign keys NOT VALID, and each key is validated in a transaction of its own, during which the
 * application keeps writing to both tables. A writer probes every step while the step's
 * transaction is still open, on a real PostgreSQL.
 */

const pg = useEmbeddedPostgres();

/** Writes the application makes to the removed table and to a table its keys reference, each allowed to wait 300 ms. */
const WRITES = {
  AuditLog: `INSERT INTO "AuditLog" ("tenantId", "userId", action, payload) VALUES (1, 1, 'login', '{}')`,
  User: `UPDATE "User" SET name = name WHERE id = 1`,
};

async function setUp() {
  const tree = createSampleTree();
  await removeTableGenerator(tree, { targetTable: 'AuditLog', confirmDataLoss: true });
  const ws = writeDiskWorkspace(tree);
  const url = await pg.freshDatabase();
  expect((await migrate(ws.target(url), { to: BASELINE })).error).toBeUndefined();
  await seedSampleData(url, { users: 20, orders: 10, auditLogs: 200 });
  expect((await migrate(ws.target(url))).error).toBeUndefined();
  const [removal] = ws.target(url).directory.migrations.filter((m) => m.name !== BASELINE);
  return { ws, url, removal };
}

describe("remove-table's rollback, under writes", () => {
  it('moves the table back and adds its foreign keys NOT VALID in one brief step, then validates each key in a step of its own while writes go on', async () => {
    const { ws, url, removal } = await setUp();
    try {
      const steps = rollbackStepsOf(removal.downSql!)!;
      expect(steps?.map((s) => s.kind)).toEqual(['sql', 'sql', 'sql']);
      const probes: { step: string; writes: Record<string, string> }[] = [];
      for (const step of steps) {
        if (step.kind !== 'sql') continue;
        const migration = await connect(url);
        try {
          await migration.query('BEGIN');
          await migration.query(step.sql);
          // The step's transaction still holds its locks: can the application write?
          probes.push({ step: step.title, writes: await tryWrites(url) });
          await migration.query('COMMIT');
        } finally {
          await migration.end();
        }
      }
      expect(probes).toEqual([
        // The move back, catalog only: AuditLog is not there for the application until it commits; the NOT VALID keys hold SHARE ROW EXCLUSIVE on User for that moment.
        { step: expect.stringMatching(/^1 of 3: AuditLog back under its names, foreign keys back NOT VALID/), writes: { AuditLog: 'not there yet', User: 'waited' } },
        { step: expect.stringMatching(/^2 of 3: AuditLog_tenantId_fkey: orphan check, then VALIDATE/), writes: { AuditLog: 'written', User: 'written' } },
        { step: expect.stringMatching(/^3 of 3: AuditLog_userId_fkey: orphan check, then VALIDATE/), writes: { AuditLog: 'written', User: 'written' } },
      ]);
      expect(await query(url, `SELECT conname, convalidated FROM pg_constraint WHERE conrelid = '"AuditLog"'::regclass AND contype = 'f' ORDER BY 1`)).toEqual([
        { conname: 'AuditLog_tenantId_fkey', convalidated: true },
        { conname: 'AuditLog_userId_fkey', convalidated: true },
      ]);
      expect(await query(url, `SELECT count(*)::int AS n FROM "AuditLog"`)).toEqual([{ n: 200 + 2 }]) // and the two the writer added;
    } finally {
      ws.remove();
    }
  });

  it('an orphan written while the table was away stops the rollback before VALIDATE, readably; migrate-down continues there once it is fixed', async () => {
    const { ws, url, removal } = await setUp();
    try {
      // While AuditLog was parked, a row pointing at a user that does not exist got into it (no key held it).
      const [{ parked }] = await query<{ parked: string }>(url, `SELECT format('%I.%I', schemaname, tablename) AS parked FROM pg_tables WHERE tablename LIKE 'AuditLog__removed__%'`);
      await query(url, `INSERT INTO ${parked} ("tenantId", "userId", action, payload) VALUES (1, 12345, 'login', '{}')`);
      const stopped = await migrateDown(ws.target(url), 1);
      expect(stopped.error?.message).toMatch(
        /Cannot validate the restored foreign key "AuditLog_userId_fkey": \d+ row\(s\) of "AuditLog" have "userId" values with no matching row in "User" \(written while AuditLog was removed\)\. The rollback stopped before VALIDATE/,
      );
      expect(stopped.error?.message).toMatch(/Fix those rows, then run migrate-down again: it continues here\./);
      // The table is back and the key checks new writes already.
      await expect(query(url, `INSERT INTO "AuditLog" ("tenantId", "userId", action, payload) VALUES (1, 12345, 'login', '{}')`)).rejects.toThrow(/violates foreign key constraint "AuditLog_userId_fkey"/);

      await query(url, `UPDATE "AuditLog" SET "userId" = NULL WHERE "userId" = 12345`);
      const finished = await migrateDown(ws.target(url), 1);
      expect(finished.error).toBeUndefined();
      expect(await query(url, `SELECT bool_and(convalidated) AS validated FROM pg_constraint WHERE conrelid = '"AuditLog"'::regclass AND contype = 'f'`)).toEqual([{ validated: true }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = $1`, [removal.name])).toEqual([{ n: 0 }]);
    } finally {
      ws.remove();
    }
  });
});

/** Each write on a connection of its own, with lock_timeout 300 ms: 'written', 'waited' (it timed out behind the migration's lock), or 'not there yet' (the table's move back is not committed). */
async function tryWrites(url: string): Promise<Record<string, string>> {
  const outcome: Record<string, string> = {};
  for (const [table, sql] of Object.entries(WRITES)) {
    const writer = await connect(url, { lockTimeout: '300ms' });
    try {
      await writer.query(sql);
      outcome[table] = 'written';
    } catch (error) {
      const message = (error as Error).message;
      if (/relation ".*" does not exist/.test(message)) outcome[table] = 'not there yet';
      else if (/lock timeout/.test(message)) outcome[table] = 'waited';
      else throw error;
    } finally {
      await writer.end();
    }
  }
  return outcome;
}
