import { analyzeMigration } from './analyze';
import { COST_COEFFICIENTS, estimateWork, sqlTypeOf, type CostKind } from './cost-model';
import { parseMigration } from './parse';
import { rowsStats } from './stats-source';

const PER_ROW_KINDS: CostKind[] = ['index-build', 'index-build-concurrently', 'rewrite', 'check-validate', 'fk-validate', 'set-not-null', 'scan', 'update', 'delete', 'copy', 'backfill', 'batch-copy'];

describe('cost model', () => {
  it('has a measured coefficient for every kind (written by bench/calibrate.mjs)', () => {
    expect(COST_COEFFICIENTS.generatedBy).toMatch(/bench\/calibrate\.mjs/);
    expect(COST_COEFFICIENTS.calibration.sizes.length).toBeGreaterThanOrEqual(3);
    for (const kind of PER_ROW_KINDS) expect(COST_COEFFICIENTS.kinds[kind].perRowMs).toBeGreaterThan(0);
    expect(COST_COEFFICIENTS.kinds.catalog.perRowMs).toBe(0);
  });

  it.each(PER_ROW_KINDS)('%s grows with the table size', (kind) => {
    const [none, small, large, huge] = [0, 50_000, 2_000_000, 20_000_000].map((rows) => estimateWork(kind, { rows })!);
    expect(none).toBeLessThan(small);
    expect(small).toBeLessThan(large);
    expect(large).toBeLessThan(huge);
    // Linear in rows: ten times the rows costs about ten times as much once the constant is amortized.
    expect(huge / large).toBeGreaterThan(8);
    expect(huge / large).toBeLessThan(10.5);
  });

  it('catalog-only statements cost the same on any table', () => {
    expect(estimateWork('catalog', { rows: 0 })).toBe(estimateWork('catalog', { rows: 50_000_000 }));
    expect(estimateWork('catalog', null)).toBe(COST_COEFFICIENTS.kinds.catalog.constantMs);
  });

  it('is unknown (null) when the size is, except for catalog-only statements', () => {
    expect(estimateWork('index-build', { rows: null })).toBeNull();
    expect(estimateWork('index-build', null)).toBeNull();
    expect(estimateWork('catalog', { rows: null })).not.toBeNull();
  });

  it('scans and rewrites grow with the bytes a database reports (never below per row), sorts with rows', () => {
    const { rowWidthBytes, indexWidthBytes } = COST_COEFFICIENTS.calibration;
    const rows = 1_000_000;
    const narrow = { rows, tableBytes: rows * rowWidthBytes, indexBytes: rows * indexWidthBytes };
    const wide = { rows, tableBytes: rows * rowWidthBytes * 5, indexBytes: rows * indexWidthBytes * 5 };
    expect(estimateWork('scan', narrow)).toBeCloseTo(estimateWork('scan', { rows })!, 3);
    expect(estimateWork('scan', wide)! / estimateWork('scan', narrow)!).toBeGreaterThan(4);
    expect(estimateWork('rewrite', wide)! / estimateWork('rewrite', narrow)!).toBeGreaterThan(4);
    // An UPDATE writes an entry in every index: more index bytes, more time.
    expect(estimateWork('update', { ...narrow, indexBytes: narrow.indexBytes * 4 })!).toBeGreaterThan(estimateWork('update', narrow)! * 1.4);
    expect(estimateWork('index-build', wide)).toBe(estimateWork('index-build', narrow));
    // Narrower rows than the calibration table's: still at least the per-row cost.
    const thin = { rows, tableBytes: (rows * rowWidthBytes) / 4, indexBytes: (rows * indexWidthBytes) / 4 };
    expect(estimateWork('scan', thin)).toBe(estimateWork('scan', { rows }));
  });

  it.each([
    ['VARCHAR(64)', 'ALTER TABLE t ALTER COLUMN c SET DATA TYPE VARCHAR(64)'],
    ['TEXT', 'ALTER TABLE t ALTER COLUMN c SET DATA TYPE TEXT'],
    ['DECIMAL(12,2)', 'ALTER TABLE t ALTER COLUMN c SET DATA TYPE DECIMAL(12,2)'],
    ['TIMESTAMP(3)', 'ALTER TABLE t ALTER COLUMN c SET DATA TYPE TIMESTAMP(3)'],
    ['INTEGER[]', 'ALTER TABLE t ALTER COLUMN c SET DATA TYPE INTEGER[]'],
    ['"Status"', 'ALTER TABLE t ALTER COLUMN c SET DATA TYPE "Status" USING c::"Status"'],
    ['DOUBLE PRECISION', 'ALTER TABLE t ALTER COLUMN c SET DATA TYPE DOUBLE PRECISION'],
  ])('reads the SQL type %s back from the parser', async (expected, sql) => {
    const [statement] = await parseMigration(sql);
    const cmd = (statement.node as { cmds: { AlterTableCmd: { def: { ColumnDef: { typeName: unknown } } } }[] }).cmds[0].AlterTableCmd;
    expect(sqlTypeOf(cmd.def.ColumnDef.typeName as never)).toBe(expected);
  });

  it('a binary-coercible type change is catalog-only, its narrowing reverse a rewrite (the reverse script says the old type)', async () => {
    const analysis = await analyzeMigration({
      sql: 'ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64);',
      downSql: 'ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(32);',
      stats: rowsStats(2_000_000),
    });
    expect(analysis.up.statements[0].work).toEqual([expect.objectContaining({ kind: 'catalog', note: expect.stringMatching(/binary-coercible/) })]);
    expect(analysis.down!.statements[0].work).toEqual([expect.objectContaining({ kind: 'rewrite', rows: 2_000_000 })]);
    expect(analysis.rollbackEstimateMs!).toBeGreaterThan(analysis.estimateMs! * 100);
  });

  it('SET NOT NULL skips its scan after a validated CHECK (c IS NOT NULL), and scans without one', async () => {
    const withCheck = await analyzeMigration({
      sql: [
        'ALTER TABLE "User" ADD CONSTRAINT "User_locale_not_null" CHECK ("locale" IS NOT NULL) NOT VALID;',
        'ALTER TABLE "User" VALIDATE CONSTRAINT "User_locale_not_null";',
        'ALTER TABLE "User" ALTER COLUMN "locale" SET NOT NULL;',
      ].join('\n'),
      downSql: null,
      stats: rowsStats(1_000_000),
    });
    expect(withCheck.up.statements.map((s) => s.work[0].kind)).toEqual(['catalog', 'check-validate', 'catalog']);
    const without = await analyzeMigration({ sql: 'ALTER TABLE "User" ALTER COLUMN "locale" SET NOT NULL;', downSql: null, stats: rowsStats(1_000_000) });
    expect(without.up.statements[0].work[0]).toMatchObject({ kind: 'set-not-null', rows: 1_000_000 });
  });

  it('VALIDATE CONSTRAINT costs a foreign-key check when the change added one, and assumes one when it does not know', async () => {
    const known = await analyzeMigration({
      sql: 'ALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") NOT VALID;\nALTER TABLE "Order" VALIDATE CONSTRAINT "Order_userId_fkey";',
      downSql: null,
      stats: rowsStats(10),
    });
    expect(known.up.statements[1].work[0]).toMatchObject({ kind: 'fk-validate', note: undefined });
    const unknown = await analyzeMigration({ sql: 'ALTER TABLE "Order" VALIDATE CONSTRAINT "c";', downSql: null, stats: rowsStats(10) });
    expect(unknown.up.statements[0].work[0]).toMatchObject({ kind: 'fk-validate', note: expect.stringMatching(/assumed a foreign key/) });
  });
});
