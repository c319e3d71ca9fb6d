import { analyzeChange, analyzeMigration, batchPassesOf } from './analyze';
import { impactOf } from './impact';
import { schemaFactsFromSql } from './schema-facts';
import { parseRowsOption, rowsStats, UNKNOWN_STATS, withStats } from './stats-source';

const ADD_INDEX = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_AuditLog_tenantId" ON "AuditLog"("tenantId");';
const DROP_INDEX = 'DROP INDEX CONCURRENTLY IF EXISTS "idx_AuditLog_tenantId";';

describe('analyzeMigration', () => {
  it('without statistics: size unknown, no row of the impact table, no duration; an online recipe needs no window', async () => {
    const analysis = await analyzeMigration({ sql: ADD_INDEX, downSql: DROP_INDEX });
    expect(analysis.impact).toEqual(impactOf(null, false));
    expect(analysis.impact).toMatchObject({ row: null, approach: 'online migration', needsWindow: false });
    expect(analysis.impactReason).toBe('size of AuditLog unknown; writes go on: its write-blocking locks cover catalog changes only');
    expect(analysis.estimateMs).toBeNull();
    expect(analysis.up.unknownPerMillionRowsMs).toBeGreaterThan(0);
    expect(analysis.dependencies).toBeNull();
    // Dropping an index does not depend on the size.
    expect(analysis.rollbackEstimateMs).not.toBeNull();
  });

  it.each([
    [0, '< 10K', 'direct migration'],
    [9_999, '< 10K', 'direct migration'],
    [50_000, '10K – 100K', 'online migration'],
    [500_000, '100K – 1M', 'online migration'],
    [2_000_000, '> 1M', 'online migration'],
  ])('--rows %d: the row of the impact table for that size (%s); CONCURRENTLY is online: %s, no window', async (rows, row, approach) => {
    const analysis = await analyzeMigration({ sql: ADD_INDEX, downSql: DROP_INDEX, stats: rowsStats(rows) });
    expect(analysis.impact).toMatchObject({ row: { rows: row }, approach, needsWindow: false, blocking: false });
    expect(analysis.largest).toEqual({ table: 'AuditLog', rows });
    expect(analysis.estimateMs).not.toBeNull();
  });

  it.each([
    [50_000, 'migration window'],
    [500_000, 'maintenance window'],
    [2_000_000, 'maintenance window'],
    [null, 'maintenance window'],
  ])('a plain CREATE INDEX on %p rows blocks writes for the build: %s', async (rows, approach) => {
    const sql = 'SET LOCAL lock_timeout = \'5s\';\nCREATE INDEX "i" ON "AuditLog"("tenantId");';
    const analysis = await analyzeMigration({ sql, downSql: null, ...(rows === null ? {} : { stats: rowsStats(rows) }) });
    expect(analysis.impact).toMatchObject({ approach, needsWindow: true, blocking: true });
    expect(analysis.impactReason).toMatch(/; blocks writes: SHARE on AuditLog during the scan \+ index build of AuditLog$/);
  });

  it('a plain CREATE INDEX on an empty table blocks nothing for long: a direct migration', async () => {
    const analysis = await analyzeMigration({ sql: 'CREATE INDEX "i" ON "AuditLog"("tenantId");', downSql: null, stats: rowsStats(0) });
    expect(analysis.impact).toMatchObject({ approach: 'direct migration', needsWindow: false, blocking: false });
  });

  it('names the statement, its lock on the table, and whether it blocks reads or writes', async () => {
    const analysis = await analyzeMigration({ sql: ADD_INDEX, downSql: DROP_INDEX, stats: rowsStats(1000) });
    expect(analysis.up.statements[0]).toMatchObject({
      line: 1,
      lock: 'SHARE UPDATE EXCLUSIVE',
      locks: [{ table: 'AuditLog', lock: 'SHARE UPDATE EXCLUSIVE', object: 'table' }],
      blocksReads: false,
      blocksWrites: false,
      transactional: false,
      table: { name: 'AuditLog', rows: 1000 },
    });
    // DROP INDEX names only the index: the CREATE INDEX of the other script says which table.
    expect(analysis.down!.statements[0].locks).toEqual([{ table: 'AuditLog', lock: 'SHARE UPDATE EXCLUSIVE', object: 'table', conditional: false, onNewTable: false }]);
  });

  it('a table the change creates holds no rows: it does not make the impact unknown', async () => {
    const analysis = await analyzeMigration({
      sql: 'CREATE TABLE "Coupon" ("id" SERIAL NOT NULL, "code" TEXT NOT NULL, CONSTRAINT "Coupon_pkey" PRIMARY KEY ("id"));\nCREATE UNIQUE INDEX "Coupon_code_key" ON "Coupon"("code");',
      downSql: 'DROP TABLE "Coupon";',
    });
    expect(analysis.impact.approach).toBe('direct migration');
    expect(analysis.impactReason).toBe('touches only tables this change creates');
    expect(analysis.up.statements[1].work[0]).toMatchObject({ kind: 'index-build', rows: 0 });
    expect(analysis.up.statements[1].onNewTablesOnly).toBe(true);
    expect(analysis.up.longestLock).toBeNull();
  });

  it('holds a lock taken in a transaction until the commit: the longest lock spans the statements after it', async () => {
    const analysis = await analyzeMigration({
      sql: "SET LOCAL lock_timeout = '5s';\nALTER TABLE \"Order\" ADD COLUMN \"note\" TEXT;\nUPDATE \"Order\" SET \"note\" = 'x';",
      downSql: null,
      stats: rowsStats(100_000),
    });
    const [, add, update] = analysis.up.statements;
    expect(analysis.up.longestLock).toMatchObject({ lock: 'ACCESS EXCLUSIVE', table: 'Order', statement: 1, heldToCommit: true });
    expect(analysis.up.longestLock!.estimateMs).toBeCloseTo(add.estimateMs! + update.estimateMs!, 6);
    expect(analysis.rollbackEstimateMs).toBeNull();
    expect(analysis.down).toBeNull();
  });
});

describe('analyzeChange', () => {
  /** The shape of remove-column: a backup table filled by a data migration, then the drop; rollback restores. */
  const backup = '"_forge_backup"."Order__note__20250101000000"';
  const migrations = [
    {
      name: '20250101000000_remove_note_backup',
      sql: `CREATE SCHEMA IF NOT EXISTS "_forge_backup";\nCREATE TABLE ${backup} AS SELECT "id", "note" FROM "Order" WITH NO DATA;\nALTER TABLE ${backup} ADD PRIMARY KEY ("id");`,
      downSql: `DROP TABLE IF EXISTS ${backup};`,
      dataMigration: { name: 'remove_note_backup', up: [{ kind: 'batch-copy' as const, table: 'Order', into: '_forge_backup.Order__note__20250101000000' }], down: [] },
    },
    {
      name: '20250101000001_remove_note',
      sql: `INSERT INTO ${backup} AS b ("id", "note") SELECT "id", "note" FROM "Order" ON CONFLICT ("id") DO UPDATE SET "note" = EXCLUDED."note";\nALTER TABLE "Order" DROP COLUMN "note";`,
      downSql: `ALTER TABLE "Order" ADD COLUMN "note" TEXT;\nUPDATE "Order" AS t SET "note" = b."note" FROM ${backup} AS b WHERE t."id" = b."id";`,
    },
  ];

  it('follows the tables through the change: the backup starts empty, is filled, and the rollback reads the table', async () => {
    const change = await analyzeChange({ migrations, stats: rowsStats(50_000) });
    const [first, second] = change.migrations;
    expect(first.up.statements[2].work[0]).toMatchObject({ kind: 'index-build', table: '_forge_backup.Order__note__20250101000000', rows: 0 });
    expect(first.dataMigration!.up[0]).toMatchObject({ kind: 'batch-copy', table: 'Order', rows: 50_000 });
    expect(second.up.statements[0].work[0]).toMatchObject({ kind: 'copy', table: 'Order', rows: 50_000 });
    expect(second.down!.statements[1].work[0]).toMatchObject({ kind: 'update', table: 'Order', rows: 50_000 });
    // Batched copy, then a DROP COLUMN that touches the catalog only: online, at any size.
    expect(first.impact).toMatchObject({ approach: 'online migration', needsWindow: false });
    expect(first.impactReason).toBe('Order: 50,000 rows; writes go on: its write-blocking locks cover catalog changes only');
    expect(change.impact).toMatchObject({ approach: 'online migration', needsWindow: false });
    expect(change.estimateMs).toBeCloseTo(first.estimateMs! + second.estimateMs!, 6);
    expect(change.rollbackEstimateMs).toBeCloseTo(first.rollbackEstimateMs! + second.rollbackEstimateMs!, 6);
    expect(first.estimateMs!).toBeGreaterThan(first.up.estimateMs!); // the data migration counts
  });

  it('a table renamed by the change counts once, under the name it had', async () => {
    const change = await analyzeChange({
      migrations: [{ name: 'rename', sql: 'ALTER TABLE "Product" RENAME TO "Item";\nALTER INDEX "Product_sku_key" RENAME TO "Item_sku_key";', downSql: 'ALTER TABLE "Item" RENAME TO "Product";' }],
    });
    expect(change.impactReason).toBe('size of Product unknown; writes go on: its write-blocking locks cover catalog changes only');
    expect(change.migrations[0].up.statements[1].locks[0]).toMatchObject({ object: 'index', table: 'Product_sku_key' });
  });
});

describe('tables through a change with foreign keys', () => {
  const schema = async () =>
    schemaFactsFromSql('CREATE TABLE "User" ("id" int PRIMARY KEY, "name" text);\nCREATE TABLE "Log" ("id" int PRIMARY KEY, "userId" int REFERENCES "User"("id"));');

  it('DROP TABLE locks the table its key references, but only the dropped table is gone', async () => {
    const analysis = await analyzeMigration({ sql: `DROP TABLE "Log";\nUPDATE "User" SET "name" = 'x';`, downSql: null, stats: rowsStats(1000), schema: await schema() });
    expect(analysis.up.statements[0].locks.map((l) => [l.table, l.lock])).toEqual([
      ['Log', 'ACCESS EXCLUSIVE'],
      ['User', 'ACCESS EXCLUSIVE'],
    ]);
    expect(analysis.up.statements[1].work[0]).toMatchObject({ kind: 'update', table: 'User', rows: 1000 });
  });

  it('a table a DO block moves back from the backup schema keeps its size', async () => {
    const analysis = await analyzeChange({
      migrations: [
        {
          name: 'park',
          sql: 'CREATE SCHEMA IF NOT EXISTS "_forge_backup";\nALTER TABLE "Log" RENAME TO "Log__removed__1";\nALTER TABLE "Log__removed__1" SET SCHEMA "_forge_backup";',
          downSql: `DO $$ BEGIN EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', '_forge_backup', 'Log__removed__1', current_schema()); END $$;\nALTER TABLE "Log__removed__1" RENAME TO "Log";\nALTER TABLE "Log" ADD CONSTRAINT "c" CHECK ("id" > 0);`,
        },
      ],
      stats: { ...UNKNOWN_STATS, tableSizes: async (tables) => new Map(tables.filter((t) => t === 'Log').map((t) => [t, { rows: 7000 }])) },
      schema: await schema(),
    });
    expect(analysis.migrations[0].down!.statements[2].work[0]).toMatchObject({ kind: 'check-validate', table: 'Log', rows: 7000 });
  });
});

describe('transactions: a script is one, a down.sql in steps one per step', () => {
  const add = 'ALTER TABLE "Order" ADD CONSTRAINT "k" FOREIGN KEY ("userId") REFERENCES "User"("id") NOT VALID;';
  const validate = 'ALTER TABLE "Order" VALIDATE CONSTRAINT "k";';
  const rollback = (downSql: string) => analyzeMigration({ sql: 'SELECT 1;', downSql, stats: rowsStats(1_000_000) });

  it('in one transaction, VALIDATE keeps the ADD\'s SHARE ROW EXCLUSIVE for its whole scan', async () => {
    const { down } = await rollback(`${add}\n${validate}`);
    expect(down!.statements.map((s) => s.transaction)).toEqual([0, 0]);
    expect(down!.longestLock).toMatchObject({ lock: 'SHARE ROW EXCLUSIVE', statement: 0, heldToCommit: true });
    expect(down!.longestLock!.estimateMs).toBeGreaterThan(10);
    expect(down!.statements[1].notes.join('\n')).toMatch(/\nVALIDATE CONSTRAINT "k" runs in the transaction that added it: the ADD's SHARE ROW EXCLUSIVE on Order and SHARE ROW EXCLUSIVE on User stay held/);
  });

  it('in steps, the ADD commits first: its lock is brief and VALIDATE scans under SHARE UPDATE EXCLUSIVE', async () => {
    const { down } = await rollback(`-- forge:step 1 of 2: the key back\n${add}\n-- forge:data-step restore\n-- forge:step 2 of 2: validate\n${validate}`);
    expect(down!.statements.map((s) => s.transaction)).toEqual([1, 3]);
    expect(down!.longestLock).toMatchObject({ lock: 'SHARE ROW EXCLUSIVE', statement: 0 });
    expect(down!.longestLock!.estimateMs).toBeLessThan(1);
    expect(down!.statements[1].notes.join(' ')).not.toMatch(/runs in the transaction that added it/);
  });
});

describe('batchPassesOf', () => {
  it('reads the batched passes of generated data-migration bodies', () => {
    expect(
      batchPassesOf(
        'await ctx.batchCopy({ table: "Product", key: "id", columns: ["sku"], into: "\\"_forge_backup\\".\\"Product__sku__1\\"", batchSize: 5000, name: "backup" });\n' +
          'await ctx.batchUpdate({ table: "Product", key: "id", set: "\\"x\\" = 1", where: "\\"x\\" IS NULL" });',
        'Product',
      ),
    ).toEqual([
      { kind: 'batch-copy', table: 'Product', into: '_forge_backup.Product__sku__1' },
      { kind: 'backfill', table: 'Product' },
    ]);
    expect(batchPassesOf('// Nothing to undo here.', 'Product')).toEqual([]);
  });
});

describe('statistics options', () => {
  it.each([
    ['50000', 50_000],
    ['50k', 50_000],
    ['2M', 2_000_000],
    ['1_000_000', 1_000_000],
    [0, 0],
  ])('--rows %p is %d rows', (value, rows) => {
    expect(parseRowsOption(value)).toBe(rows);
  });

  it('refuses a --rows that is not a row count', () => {
    expect(() => parseRowsOption('lots')).toThrow(/Invalid --rows "lots".*e\.g\. --rows 50000/);
    expect(() => parseRowsOption(-5)).toThrow(/Invalid --rows/);
  });

  it('uses --rows without a database, and nothing without either', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      expect(await withStats({ rows: '50k' }, () => undefined, async (s) => s.label)).toMatch(/^--rows 50,000/);
      expect(await withStats({}, () => undefined, async (s) => s)).toBe(UNKNOWN_STATS);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });
});
