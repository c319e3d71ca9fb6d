import { query, useEmbeddedPostgres } from '../../testing/database';
import { lockMode, traceScript } from './lock-trace';

const pg = useEmbeddedPostgres();

const SCHEMA = `
  CREATE TABLE "Tenant" (id int PRIMARY KEY);
  CREATE TABLE "User" (id int PRIMARY KEY, "tenantId" int, CONSTRAINT "User_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"(id));
  INSERT INTO "Tenant" VALUES (1); INSERT INTO "User" VALUES (1, 1);`;

describe('traceScript', () => {
  it('names every table a statement locks: dropping a foreign key locks the referenced table too', async () => {
    const url = await pg.freshDatabase();
    await query(url, SCHEMA);
    const [set, drop] = await traceScript(url, `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey";`);
    expect(set.acquired).toEqual([]);
    expect(drop.acquired).toEqual([
      { table: 'Tenant', mode: 'ACCESS EXCLUSIVE' },
      { table: 'User', mode: 'ACCESS EXCLUSIVE' },
    ]);
    // Rolled back: the constraint is still there.
    expect(await query(url, `SELECT conname FROM pg_constraint WHERE conname = 'User_tenantId_fkey'`)).toHaveLength(1);
  });

  it('shows a NOT VALID foreign key taking SHARE ROW EXCLUSIVE on both tables, and VALIDATE after it adding nothing weaker than it holds', async () => {
    const url = await pg.freshDatabase();
    await query(url, `${SCHEMA} ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey";`);
    const [add, validate] = await traceScript(
      url,
      `ALTER TABLE "User" ADD CONSTRAINT "f" FOREIGN KEY ("tenantId") REFERENCES "Tenant"(id) NOT VALID;\nALTER TABLE "User" VALIDATE CONSTRAINT "f";`,
    );
    expect(add.acquired).toEqual([
      { table: 'Tenant', mode: 'SHARE ROW EXCLUSIVE' },
      { table: 'User', mode: 'SHARE ROW EXCLUSIVE' },
    ]);
    // VALIDATE asks for SHARE UPDATE EXCLUSIVE (and ROW SHARE on the referenced table), but the
    // transaction already holds SHARE ROW EXCLUSIVE on both: writers wait for the whole scan.
    expect(validate.held).toEqual(expect.arrayContaining([{ table: 'User', mode: 'SHARE ROW EXCLUSIVE' }]));
  });

  it('names a table that the statement drops or renames as the statement does, and stops at a failing statement', async () => {
    const url = await pg.freshDatabase();
    await query(url, SCHEMA);
    const traces = await traceScript(url, `ALTER TABLE "User" RENAME TO "Member";\nDROP TABLE "Member";\nSELECT 1/0;\nSELECT 1;`);
    expect(traces.map((t) => t.acquired)).toEqual([
      [{ table: 'User', mode: 'ACCESS EXCLUSIVE' }],
      // Dropping a table drops its foreign key, which locks the referenced table.
      [{ table: 'Tenant', mode: 'ACCESS EXCLUSIVE' }],
      [],
    ]);
    expect(traces[2].error).toMatch(/division by zero/);
    expect(traces).toHaveLength(3);
  });

  it('reads pg_locks mode names', () => {
    expect(lockMode('ShareUpdateExclusiveLock')).toBe('SHARE UPDATE EXCLUSIVE');
    expect(lockMode('AccessShareLock')).toBe('ACCESS SHARE');
    expect(lockMode('SIReadLock')).toBeUndefined();
  });
});
