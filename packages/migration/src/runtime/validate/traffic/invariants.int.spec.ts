import { query, useEmbeddedPostgres } from '../../../testing/database';
import { withClient } from '../../pg-client';
import { checkCommittedWrites } from './invariants';
import { fixListedRows } from './listed-values';
import { WriteLog, type CommittedWrite } from './write-log';

/**
 * The checks of committed writes against a real database, with the writes logged by hand (as the
 * workload logs them) and the rows written by SQL: each case is a correct database the checker
 * must pass, or a lost write it must name.
 */

const pg = useEmbeddedPostgres();

function write(table: string, keyColumn: string, key: string, kind: CommittedWrite['kind'], row: Record<string, string | null> | null): CommittedWrite {
  const columns = new Map(Object.keys(row ?? {}).map((c) => [c, { sqlType: 'text', nullable: true }]));
  return { table, keyColumn, key, kind, row, columns, step: 'up', at: Date.now() };
}

describe('committed writes, cascades through foreign keys', () => {
  it("a row that went with its parent (ON DELETE CASCADE on a unique column, not the parent's primary key) is not a lost write", async () => {
    const url = await pg.freshDatabase();
    await query(
      url,
      `CREATE TABLE "Team" (id text PRIMARY KEY, code text NOT NULL UNIQUE);
       CREATE TABLE "Member" (id text PRIMARY KEY, "teamCode" text REFERENCES "Team"(code) ON DELETE CASCADE);
       INSERT INTO "Team" VALUES ('t1', 'alpha'), ('t2', 'beta');
       INSERT INTO "Member" VALUES ('m1', 'alpha'), ('m2', 'beta');`,
    );
    const log = new WriteLog();
    log.add(write('Team', 'id', 't1', 'insert', { id: 't1', code: 'alpha' }));
    log.add(write('Team', 'id', 't2', 'insert', { id: 't2', code: 'beta' }));
    log.add(write('Member', 'id', 'm1', 'insert', { id: 'm1', teamCode: 'alpha' }));
    log.add(write('Member', 'id', 'm2', 'insert', { id: 'm2', teamCode: 'beta' }));
    // The application deletes team t1: its member goes with it.
    await query(url, `DELETE FROM "Team" WHERE id = 't1'`);
    log.add(write('Team', 'id', 't1', 'delete', null));
    expect(await withClient(url, (db) => checkCommittedWrites(db, log, 'up'))).toEqual([]);

    // A member lost while its team is still there is named.
    await query(url, `DELETE FROM "Member" WHERE id = 'm2'`);
    expect(await withClient(url, (db) => checkCommittedWrites(db, log, 'up'))).toEqual([
      'committed writes to "Member" lost or changed after the migration went up (1): row id=m2, inserted during up, is missing',
    ]);
  });

  it('a row whose parent was deleted by its primary key is not a lost write either', async () => {
    const url = await pg.freshDatabase();
    await query(
      url,
      `CREATE TABLE "Team" (id text PRIMARY KEY);
       CREATE TABLE "Member" (id text PRIMARY KEY, "teamId" text REFERENCES "Team"(id) ON DELETE CASCADE);
       INSERT INTO "Team" VALUES ('t1');
       INSERT INTO "Member" VALUES ('m1', 't1');`,
    );
    const log = new WriteLog();
    log.add(write('Member', 'id', 'm1', 'insert', { id: 'm1', teamId: 't1' }));
    // Only the delete of the parent is in the log (the seed inserted it).
    await query(url, `DELETE FROM "Team" WHERE id = 't1'`);
    log.add(write('Team', 'id', 't1', 'delete', null));
    expect(await withClient(url, (db) => checkCommittedWrites(db, log, 'up'))).toEqual([]);
  });
});

describe('committed writes to a column the migration removed', () => {
  it('names a value written that its backup holds as NULL', async () => {
    const url = await pg.freshDatabase();
    await query(
      url,
      `CREATE TABLE "Order" (id text PRIMARY KEY);
       INSERT INTO "Order" VALUES ('o1'), ('o2');
       CREATE SCHEMA "_forge_backup";
       CREATE TABLE "_forge_backup"."Order__note__20250301000000" (id text PRIMARY KEY, note text);
       INSERT INTO "_forge_backup"."Order__note__20250301000000" VALUES ('o1', NULL), ('o2', '7');`,
    );
    const log = new WriteLog();
    log.add(write('Order', 'id', 'o1', 'update', { id: 'o1', note: '5' }));
    log.add(write('Order', 'id', 'o2', 'update', { id: 'o2', note: '7' }));
    expect(await withClient(url, (db) => checkCommittedWrites(db, log, 'up'))).toEqual([
      `committed writes to "Order" lost or changed after the migration went up (1): "note" of row id=o1: '5' written during up is not in the backup (NULL)`,
    ]);
  });
});

describe('fixing the rows a migration listed', () => {
  it('deletes the listed row with the rows the workload wrote that reference it, in a table whose name needs quoting', async () => {
    const url = await pg.freshDatabase();
    await query(
      url,
      `CREATE TABLE "Order" (id text PRIMARY KEY, note text);
       CREATE TABLE "Order ""Line"" Item" (id text PRIMARY KEY, "orderId" text REFERENCES "Order"(id));
       INSERT INTO "Order" VALUES ('o1', 'n/a'), ('o2', '7');
       INSERT INTO "Order ""Line"" Item" VALUES ('l1', 'o1'), ('l2', 'o2');`,
    );
    const log = new WriteLog();
    const order = write('Order', 'id', 'o1', 'update', { id: 'o1', note: 'n/a' });
    log.add(order);
    log.add(write('Order "Line" Item', 'id', 'l1', 'insert', { id: 'l1', orderId: 'o1' }));
    await withClient(url, (db) => fixListedRows(db, log, [{ write: order, column: 'note', label: "'n/a'" }]));
    expect(await query(url, `SELECT id FROM "Order" ORDER BY id`)).toEqual([{ id: 'o2' }]);
    expect(await query(url, `SELECT id FROM "Order ""Line"" Item" ORDER BY id`)).toEqual([{ id: 'l2' }]);
    expect(log.deleted('Order "Line" Item', 'l1')).toBe(true);
    expect(log.deleted('Order', 'o1')).toBe(true);
  });

  it('leaves a listed row that a row the workload did not write references (the step then fails, naming it)', async () => {
    const url = await pg.freshDatabase();
    await query(
      url,
      `CREATE TABLE "Order" (id text PRIMARY KEY, note text);
       CREATE TABLE "Line" (id text PRIMARY KEY, "orderId" text REFERENCES "Order"(id));
       INSERT INTO "Order" VALUES ('o1', 'n/a');
       INSERT INTO "Line" VALUES ('l1', 'o1');`,
    );
    const log = new WriteLog();
    const order = write('Order', 'id', 'o1', 'update', { id: 'o1', note: 'n/a' });
    log.add(order);
    await withClient(url, (db) => fixListedRows(db, log, [{ write: order, column: 'note', label: "'n/a'" }]));
    expect(await query(url, `SELECT id FROM "Order"`)).toEqual([{ id: 'o1' }]);
    expect(log.deleted('Order', 'o1')).toBe(false);
  });
});
