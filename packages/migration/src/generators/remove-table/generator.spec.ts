import type { Tree } from '@nx/devkit';
import { withCoupon } from '../../testing/coupon-schema';
import { SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, splitSampleSchema } from '../../testing/sample-tree';
import { parkedStamp, readScript, scriptStatements } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { removeTableGenerator } from './generator';

function read(tree: Tree, path: string): string {
  return tree.read(path, 'utf-8')!;
}

describe('remove-table generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('parks the table, its join table and its enum in _forge_backup instead of dropping them; the rollback moves them back and re-adds the foreign keys', async () => {
    tree.write(SAMPLE_SCHEMA, withCoupon(read(tree, SAMPLE_SCHEMA)));
    await removeTableGenerator(tree, { targetTable: 'Coupon', confirmDataLoss: true });

    const schema = read(tree, SAMPLE_SCHEMA);
    expect(schema).not.toMatch(/Coupon|A discount code|The coupon applied/);
    expect(schema).toMatch(/  items +OrderItem\[\]\n  couponId +Int\?\n\n  @@index\(\[tenantId, createdAt\]\)/);
    expect(schema).toMatch(/model Tag \{\n  id +Int +@id @default\(autoincrement\(\)\)\n  label String\n\}/);

    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/^\d{14}_remove_table_coupon$/);
    const stamp = parkedStamp(tree, folder);
    expect(readScript(tree, folder)).toContain("SET LOCAL lock_timeout = '5s';");
    expect(scriptStatements(tree, folder, 'migration.sql')).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "_forge_backup"',
      'ALTER TABLE "Order" DROP CONSTRAINT "Order_couponId_fkey"',
      'ALTER TABLE "Coupon" DROP CONSTRAINT "Coupon_tenantId_fkey"',
      'ALTER TABLE "_CouponToTag" DROP CONSTRAINT "_CouponToTag_B_fkey"',
      `ALTER TABLE "Coupon" RENAME TO "Coupon__removed__${stamp}"`,
      `ALTER INDEX "Coupon_pkey" RENAME TO "Coupon_pkey__${stamp}"`,
      `ALTER INDEX "Coupon_code_key" RENAME TO "Coupon_code_key__${stamp}"`,
      `ALTER INDEX "Coupon_tenantId_idx" RENAME TO "Coupon_tenantId_idx__${stamp}"`,
      `ALTER SEQUENCE "Coupon_id_seq" RENAME TO "Coupon_id_seq__${stamp}"`,
      `ALTER TABLE "Coupon__removed__${stamp}" SET SCHEMA "_forge_backup"`,
      `ALTER TABLE "_CouponToTag" RENAME TO "_CouponToTag__removed__${stamp}"`,
      `ALTER INDEX "_CouponToTag_AB_pkey" RENAME TO "_CouponToTag_AB_pkey__${stamp}"`,
      `ALTER INDEX "_CouponToTag_B_index" RENAME TO "_CouponToTag_B_index__${stamp}"`,
      `ALTER TABLE "_CouponToTag__removed__${stamp}" SET SCHEMA "_forge_backup"`,
      `ALTER TYPE "CouponKind" RENAME TO "CouponKind__removed__${stamp}"`,
      `ALTER TYPE "CouponKind__removed__${stamp}" SET SCHEMA "_forge_backup"`,
    ]);
    const up = readScript(tree, folder);
    // Foreign keys among moved tables (the join table's key to Coupon, Coupon's self-relation) move along untouched.
    expect(up).not.toMatch(/DROP TABLE|DROP TYPE|_CouponToTag_A_fkey|Coupon_parentId_fkey/);
    expect(readScript(tree, folder, 'down.sql')).not.toMatch(/_CouponToTag_A_fkey|Coupon_parentId_fkey/);

    const down = scriptStatements(tree, folder, 'down.sql');
    expect(down[0]).toBe(
      `DO $forge$ BEGIN ` +
        `EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', '_forge_backup', 'Coupon__removed__${stamp}', current_schema()); ` +
        `EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', '_forge_backup', '_CouponToTag__removed__${stamp}', current_schema()); ` +
        `EXECUTE format('ALTER TYPE %I.%I SET SCHEMA %I', '_forge_backup', 'CouponKind__removed__${stamp}', current_schema()); END $forge$`,
    );
    expect(down.slice(1, 10)).toEqual([
      `ALTER TYPE "CouponKind__removed__${stamp}" RENAME TO "CouponKind"`,
      `ALTER TABLE "Coupon__removed__${stamp}" RENAME TO "Coupon"`,
      `ALTER INDEX "Coupon_pkey__${stamp}" RENAME TO "Coupon_pkey"`,
      `ALTER INDEX "Coupon_code_key__${stamp}" RENAME TO "Coupon_code_key"`,
      `ALTER INDEX "Coupon_tenantId_idx__${stamp}" RENAME TO "Coupon_tenantId_idx"`,
      `ALTER SEQUENCE "Coupon_id_seq__${stamp}" RENAME TO "Coupon_id_seq"`,
      `ALTER TABLE "_CouponToTag__removed__${stamp}" RENAME TO "_CouponToTag"`,
      `ALTER INDEX "_CouponToTag_AB_pkey__${stamp}" RENAME TO "_CouponToTag_AB_pkey"`,
      `ALTER INDEX "_CouponToTag_B_index__${stamp}" RENAME TO "_CouponToTag_B_index"`,
    ]);
    // Each dropped foreign key comes back NOT VALID with the move; then, step by step, its orphan check and VALIDATE.
    const restores = down.slice(10);
    expect(restores).toHaveLength(9);
    expect(restores.slice(0, 3).map((s) => /^ALTER TABLE "[^"]+" ADD CONSTRAINT "([^"]+)" FOREIGN KEY .* NOT VALID$/.exec(s)?.[1])).toEqual([
      'Order_couponId_fkey',
      'Coupon_tenantId_fkey',
      '_CouponToTag_B_fkey',
    ]);
    expect(restores[0]).toBe('ALTER TABLE "Order" ADD CONSTRAINT "Order_couponId_fkey" FOREIGN KEY ("couponId") REFERENCES "Coupon"("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID');
    expect(restores[3]).toMatch(
      /^DO \$forge\$ DECLARE orphans bigint; BEGIN SELECT count\(\*\) INTO orphans FROM "Order" AS c WHERE c."couponId" IS NOT NULL AND NOT EXISTS \(SELECT 1 FROM "Coupon" AS p WHERE p."id" = c."couponId"\);/,
    );
    expect(restores[3]).toContain(`RAISE EXCEPTION 'Cannot validate the restored foreign key "Order_couponId_fkey": % row(s) of "Order" have "couponId" values with no matching row in "Coupon" (written while Coupon was removed).`);
    expect(restores[4]).toBe('ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_couponId_fkey"');
    expect(restores.filter((s) => / VALIDATE CONSTRAINT /.test(s)).map((s) => /CONSTRAINT "([^"]+)"/.exec(s)![1])).toEqual([
      'Order_couponId_fkey',
      'Coupon_tenantId_fkey',
      '_CouponToTag_B_fkey',
    ]);
    expect(readScript(tree, folder, 'down.sql').match(/^-- forge:step /gm)).toHaveLength(4);
  });

  it('parks a table with outgoing foreign keys and a BIGSERIAL key (AuditLog); Tenant and User lose their back-relation fields', async () => {
    await removeTableGenerator(tree, { targetTable: 'AuditLog', confirmDataLoss: true, lockTimeout: '3s', migrationName: 'drop audit' });
    const schema = read(tree, SAMPLE_SCHEMA);
    expect(schema).not.toMatch(/AuditLog|auditLogs|Append-only/);
    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/_drop_audit$/);
    const stamp = parkedStamp(tree, folder);
    expect(readScript(tree, folder)).toContain("SET LOCAL lock_timeout = '3s';");
    expect(scriptStatements(tree, folder, 'migration.sql')).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "_forge_backup"',
      'ALTER TABLE "AuditLog" DROP CONSTRAINT "AuditLog_tenantId_fkey"',
      'ALTER TABLE "AuditLog" DROP CONSTRAINT "AuditLog_userId_fkey"',
      `ALTER TABLE "AuditLog" RENAME TO "AuditLog__removed__${stamp}"`,
      `ALTER INDEX "AuditLog_pkey" RENAME TO "AuditLog_pkey__${stamp}"`,
      `ALTER SEQUENCE "AuditLog_id_seq" RENAME TO "AuditLog_id_seq__${stamp}"`,
      `ALTER TABLE "AuditLog__removed__${stamp}" SET SCHEMA "_forge_backup"`,
    ]);
    expect(scriptStatements(tree, folder, 'down.sql').filter((s) => /^ALTER TABLE "AuditLog" (ADD|VALIDATE)/.test(s))).toEqual([
      // Every key back NOT VALID with the move (one step), then each validated in a step of its own.
      'ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID',
      'ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID',
      'ALTER TABLE "AuditLog" VALIDATE CONSTRAINT "AuditLog_tenantId_fkey"',
      'ALTER TABLE "AuditLog" VALIDATE CONSTRAINT "AuditLog_userId_fkey"',
    ]);
  });

  it('keeps an enum another model still uses, and fits parked names of a long @@map table into 63 bytes', async () => {
    const long = 'a_rather_long_table_name_for_discount_codes_v2';
    tree.write(
      SAMPLE_SCHEMA,
      withCoupon(read(tree, SAMPLE_SCHEMA))
        .replace('  @@index([tenantId])\n}\n\nmodel Tag', `  @@index([tenantId])\n  @@map("${long}")\n}\n\nmodel Tag`)
        .replace('  label   String\n', '  label   String\n  kind    CouponKind?\n'),
    );
    await removeTableGenerator(tree, { targetTable: 'Coupon', confirmDataLoss: true });
    expect(read(tree, SAMPLE_SCHEMA)).toContain('enum CouponKind {');
    const [folder] = newMigrationFolders(tree);
    const up = scriptStatements(tree, folder, 'migration.sql');
    expect(up.some((s) => s.startsWith('ALTER TYPE'))).toBe(false);
    const names = up.flatMap((s) => [...s.matchAll(/RENAME TO "([^"]+)"/g)].map((m) => m[1]));
    expect(names.length).toBeGreaterThan(4);
    for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    // Cut, then a hash of the whole name: unique even against another table alike in its first bytes.
    expect(names[0]).toMatch(new RegExp(`^${long.slice(0, 63 - 25 - 9)}_[0-9a-f]{8}__removed__${parkedStamp(tree, folder)}$`));
    expect(new Set(names).size).toBe(names.length);
  });

  it('edits every file of a multi-file schema that refers to the model', async () => {
    tree.write(SAMPLE_SCHEMA, withCoupon(read(tree, SAMPLE_SCHEMA)));
    const { main, part } = splitSampleSchema(tree, 'coupon.prisma', 'enum CouponKind', 'model Tag');
    await removeTableGenerator(tree, { targetTable: 'Coupon', confirmDataLoss: true });
    expect(tree.exists(part)).toBe(false);
    expect(read(tree, main)).not.toContain('Coupon');
    expect(newMigrationFolders(tree)).toHaveLength(1);
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof removeTableGenerator>[1], RegExp][] = [
      [
        'missing --confirmDataLoss',
        { targetTable: 'AuditLog' },
        /removes data: every row of AuditLog \(table "AuditLog"\) leaves the application's schema.*moved, not dropped, to _forge_backup.*moves it back.*--confirmDataLoss/s,
      ],
      ['unknown model', { targetTable: 'Audit', confirmDataLoss: true }, /Unknown model "Audit"/],
      ['misspelt model', { targetTable: 'Tenants', confirmDataLoss: true }, /Unknown model "Tenants".*Did you mean "Tenant"/],
      ['bad lock timeout', { targetTable: 'AuditLog', confirmDataLoss: true, lockTimeout: 'soon' }, /Invalid --lockTimeout/],
      ['bad migration name', { targetTable: 'AuditLog', confirmDataLoss: true, migrationName: '---' }, /Invalid --migrationName/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => removeTableGenerator(tree, options), message));

    it('names the many-to-many links in the data-loss refusal', async () => {
      tree.write(SAMPLE_SCHEMA, withCoupon(read(tree, SAMPLE_SCHEMA)));
      await expectRefusedUntouched(
        tree,
        () => removeTableGenerator(tree, { targetTable: 'Coupon' }),
        /every row of Coupon \(table "Coupon"\) and every link of its many-to-many relation with Tag/,
      );
    });
  });
});
