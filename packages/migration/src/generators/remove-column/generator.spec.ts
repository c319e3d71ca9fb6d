import type { Tree } from '@nx/devkit';
import { extendSampleBaseline } from '../../testing/extend-baseline';
import { SAMPLE_ROOT, SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, splitSampleSchema } from '../../testing/sample-tree';
import { readScript, scriptStatements } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { removeColumnGenerator } from './generator';

function read(tree: Tree, path: string): string {
  return tree.read(path, 'utf-8')!;
}

/** The stamp in the backup table's name (the change's generation time, which is also its first folder's timestamp but across a second boundary). */
function stampOf(tree: Tree, folder: string): string {
  return /CREATE TABLE "_forge_backup"\."[^"]*__(\d{14})"/.exec(readScript(tree, folder))![1];
}

describe('remove-column generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('removes a nullable column in two migrations: a batched backup, then the drop; the rollback restores every value', async () => {
    await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true });

    const schema = read(tree, SAMPLE_SCHEMA);
    expect(schema).not.toMatch(/^\s+name\s+String\?/m);
    expect(schema).toMatch(/\/\/\/ A person who signs in\.\nmodel User \{\n  id +Int +@id @default\(autoincrement\(\)\)\n  tenantId/);
    expect(schema).toContain('  @@index([tenantId])\n}');

    const [backup, removal] = newMigrationFolders(tree);
    expect(backup).toMatch(/^\d{14}_remove_column_user_name_backup$/);
    expect(removal).toMatch(/^\d{14}_remove_column_user_name$/);
    const stamp = stampOf(tree, backup);
    const table = `"_forge_backup"."User__name__${stamp}"`;

    expect(readScript(tree, backup)).toContain("SET LOCAL lock_timeout = '5s';");
    const capture = `"_forge"."User__name__${stamp}__capture"`;
    expect(scriptStatements(tree, backup, 'migration.sql')).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "_forge"',
      'CREATE SCHEMA IF NOT EXISTS "_forge_backup"',
      `CREATE TABLE ${table} AS SELECT "id", "name" FROM "User" WITH NO DATA`,
      `ALTER TABLE ${table} ADD PRIMARY KEY ("id")`,
      // Every write of the column from now on is copied into the backup, until the drop.
      `CREATE OR REPLACE FUNCTION ${capture}() RETURNS trigger LANGUAGE plpgsql AS $forge$ BEGIN INSERT INTO ${table} AS kept ("id", "name") VALUES (NEW."id", NEW."name") ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name" WHERE kept."name" IS DISTINCT FROM EXCLUDED."name"; RETURN NULL; END $forge$`,
      `CREATE TRIGGER "name__forge_backup" AFTER INSERT OR UPDATE OF "name" ON "User" FOR EACH ROW EXECUTE FUNCTION ${capture}()`,
    ]);
    const dropCapture = ['DROP TRIGGER IF EXISTS "name__forge_backup" ON "User"', `DROP FUNCTION IF EXISTS ${capture}()`];
    expect(scriptStatements(tree, backup, 'down.sql')).toEqual([...dropCapture, `DROP TABLE IF EXISTS ${table}`]);
    expect(scriptStatements(tree, removal, 'migration.sql')).toEqual([...dropCapture, 'ALTER TABLE "User" DROP COLUMN "name"']);
    // The rollback: the column back with the capture trigger (one short step), then the data
    // migration's down() restores the values in batches.
    expect(scriptStatements(tree, removal, 'down.sql')).toEqual(['ALTER TABLE "User" ADD COLUMN "name" TEXT', ...scriptStatements(tree, backup, 'migration.sql').slice(-2)]);
    expect(readScript(tree, removal, 'down.sql')).toMatch(
      /-- forge:step 1 of 1: name back, nullable \(catalog only\); writes reach the backup again\nSET LOCAL lock_timeout = '5s';\nALTER TABLE "User" ADD COLUMN "name" TEXT;[\s\S]*\n-- forge:data-step every value back from the backup, in batches/,
    );
    const restore = read(tree, `${SAMPLE_ROOT}/src/migrations/remove_column_user_name.ts`);
    expect(restore).toContain(
      `await ctx.batchUpdate({ table: "User", key: "id", set: ${JSON.stringify(`"name" = (SELECT b."name" FROM ${table} b WHERE b."id" = "User"."id")`)}, where: ${JSON.stringify(`(SELECT "User"."name"::text IS DISTINCT FROM b."name"::text FROM ${table} b WHERE b."id" = "User"."id")`)}, name: "restore", lockRowsFirst: true });`,
    );

    // The data migration runs right after the backup migration: a checkpointed batch copy, checked by validate().
    const dataMigration = read(tree, `${SAMPLE_ROOT}/src/migrations/remove_column_user_name_backup.ts`);
    expect(dataMigration).toContain(`Migration: ${backup}`);
    expect(dataMigration).toContain(
      `await ctx.batchCopy({\n    table: "User",\n    key: "id",\n    columns: ["name"],\n    into: ${JSON.stringify(table)},\n    // The capture trigger wrote rows changed since the copy began: theirs are the newer values.\n    keepExisting: true,\n  });`,
    );
    expect(dataMigration).toContain('t.\\"name\\"::text IS DISTINCT FROM b.\\"name\\"::text');
    expect(dataMigration).toMatch(/export async function down\(ctx: DataMigrationContext\): Promise<void> \{\n  \/\/ Nothing to restore/);
    expect(read(tree, `${SAMPLE_ROOT}/src/migrations/index.ts`)).toContain(`'${backup}': () => import('./remove_column_user_name_backup.js')`);
  });

  it('removes a unique NOT NULL column and a NOT NULL column with a default: expand makes the one without a default optional; values back first, then NOT NULL, then the unique index', async () => {
    await removeColumnGenerator(tree, { targetTable: 'User', columns: 'email, role', confirmDataLoss: true, lockTimeout: '2s', batchSize: 1000 });
    const [backupFolder, removal] = newMigrationFolders(tree);
    expect(removal).toMatch(/_remove_column_user_email_role$/);
    expect(read(tree, SAMPLE_SCHEMA)).not.toMatch(/email|  role /);

    // Expand: the application version without the fields must be able to insert; role has a default, email gets none.
    expect(readScript(tree, backupFolder).split('\n')[0]).toBe('-- forge:phase expand');
    expect(scriptStatements(tree, backupFolder, 'migration.sql').at(-1)).toBe('ALTER TABLE "User" ALTER COLUMN "email" DROP NOT NULL');
    const expandDown = scriptStatements(tree, backupFolder, 'down.sql');
    expect(expandDown[0]).toMatch(/^DO \$forge\$ DECLARE missing bigint; BEGIN SELECT count\(\*\) INTO missing FROM "User" WHERE "email" IS NULL;/);
    expect(expandDown[0]).toContain(`RAISE EXCEPTION 'Cannot make "User"."email" NOT NULL again: % row(s) have no value, inserted by the application version without the field after the expand.`);
    expect(expandDown.slice(1, 5)).toEqual([
      'ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID',
      'ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_not_null"',
      'ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL',
      'ALTER TABLE "User" DROP CONSTRAINT "User_email_not_null"',
    ]);

    expect(readScript(tree, removal).split('\n')[0]).toBe('-- forge:phase contract');
    expect(scriptStatements(tree, removal, 'migration.sql').slice(2)).toEqual(['DROP INDEX "User_email_key"', 'ALTER TABLE "User" DROP COLUMN "email", DROP COLUMN "role"']);
    const down = scriptStatements(tree, removal, 'down.sql');
    // The contract's rollback brings back the state after expand: email optional (rows the version
    // without it inserted have none, and need none), role NOT NULL with its default.
    expect(down[0]).toBe(`ALTER TABLE "User" ADD COLUMN "email" TEXT, ADD COLUMN "role" TEXT DEFAULT 'member'`);
    expect(down.slice(3)).toEqual([
      'ALTER TABLE "User" ADD CONSTRAINT "User_role_not_null" CHECK ("role" IS NOT NULL) NOT VALID',
      'ALTER TABLE "User" VALIDATE CONSTRAINT "User_role_not_null"',
      'ALTER TABLE "User" ALTER COLUMN "role" SET NOT NULL',
      'ALTER TABLE "User" DROP CONSTRAINT "User_role_not_null"',
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User"("email")',
    ]);
    const script = readScript(tree, removal, 'down.sql');
    expect(script.match(/^-- forge:step \d of 5: .*/gm)).toEqual([
      '-- forge:step 1 of 5: email, role back, nullable (catalog only); writes reach the backup again',
      '-- forge:step 2 of 5: NOT NULL, 1 of 3: refuse rows without a value, then CHECK (… IS NOT NULL) NOT VALID (brief lock, no scan)',
      '-- forge:step 3 of 5: NOT NULL, 2 of 3: VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)',
      '-- forge:step 4 of 5: NOT NULL, 3 of 3: SET NOT NULL (uses the validated check: no scan), drop the check',
      '-- forge:step 5 of 5: an index back, built CONCURRENTLY (writes go on)',
    ]);
    expect(script).toContain("SET LOCAL lock_timeout = '2s';");
    expect(read(tree, `${SAMPLE_ROOT}/src/migrations/remove_column_user_email_role_backup.ts`)).toContain('batchSize: 1000,');
  });

  it('removes the @@index that lists the column (PostgreSQL drops it with the column) and re-creates it on rollback', async () => {
    await removeColumnGenerator(tree, { targetTable: 'Order', column: 'createdAt', confirmDataLoss: true, migrationName: 'drop order created at' });
    const schema = read(tree, SAMPLE_SCHEMA);
    expect(schema).not.toContain('@@index([tenantId, createdAt])');
    expect(schema).toContain('model Order {');
    const [backup, removal] = newMigrationFolders(tree);
    expect([backup, removal].map((f) => f.slice(15))).toEqual(['drop_order_created_at_backup', 'drop_order_created_at']);
    expect(scriptStatements(tree, removal, 'migration.sql').slice(2)).toEqual(['DROP INDEX "Order_tenantId_createdAt_idx"', 'ALTER TABLE "Order" DROP COLUMN "createdAt"']);
    const down = scriptStatements(tree, removal, 'down.sql');
    expect(down[0]).toBe('ALTER TABLE "Order" ADD COLUMN "createdAt" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP');
    expect(down.slice(3)).toEqual([
      'ALTER TABLE "Order" ADD CONSTRAINT "Order_createdAt_not_null" CHECK ("createdAt" IS NOT NULL) NOT VALID',
      'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_createdAt_not_null"',
      'ALTER TABLE "Order" ALTER COLUMN "createdAt" SET NOT NULL',
      'ALTER TABLE "Order" DROP CONSTRAINT "Order_createdAt_not_null"',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Order_tenantId_createdAt_idx" ON "Order"("tenantId", "createdAt")',
    ]);
  });

  it('keys the backup by a composite primary key, keeps enums as text and casts them back', async () => {
    await extendSampleBaseline(tree, (schema) =>
      schema.replace(
        'model Product {',
        'enum Level {\n  low\n  high\n}\n\nmodel Membership {\n  tenantId Int\n  userId Int\n  level Level @default(low)\n  perks Level[]\n\n  @@id([tenantId, userId])\n}\n\nmodel Product {',
      ),
    );
    await removeColumnGenerator(tree, { targetTable: 'Membership', columns: ['level', 'perks'], confirmDataLoss: true });
    expect(read(tree, SAMPLE_SCHEMA)).toContain('enum Level {');
    const [backup, removal] = newMigrationFolders(tree);
    const table = `"_forge_backup"."Membership__level_perks__${stampOf(tree, backup)}"`;
    expect(scriptStatements(tree, backup, 'migration.sql').slice(2)).toEqual([
      `CREATE TABLE ${table} AS SELECT "tenantId", "userId", "level"::text AS "level", "perks"::text[] AS "perks" FROM "Membership" WITH NO DATA`,
      `ALTER TABLE ${table} ADD PRIMARY KEY ("tenantId", "userId")`,
      expect.stringContaining(`VALUES (NEW."tenantId", NEW."userId", NEW."level"::text, NEW."perks"::text[]) ON CONFLICT ("tenantId", "userId") DO UPDATE SET "level" = EXCLUDED."level", "perks" = EXCLUDED."perks"`),
      expect.stringMatching(/^CREATE TRIGGER "level_perks__forge_backup" AFTER INSERT OR UPDATE OF "level", "perks" ON "Membership"/),
    ]);
    const down = scriptStatements(tree, removal, 'down.sql');
    expect(down[0]).toBe(`ALTER TABLE "Membership" ADD COLUMN "level" "Level" DEFAULT 'low', ADD COLUMN "perks" "Level"[]`);
    expect(read(tree, `${SAMPLE_ROOT}/src/migrations/${removal.slice(15)}.ts`)).toContain(
      JSON.stringify(`("level", "perks") = (SELECT b."level"::"Level", b."perks"::"Level"[] FROM ${table} b WHERE b."tenantId" = "Membership"."tenantId" AND b."userId" = "Membership"."userId")`),
    );
    const dataMigration = read(tree, `${SAMPLE_ROOT}/src/migrations/${backup.slice(15)}.ts`);
    expect(dataMigration).toContain('The primary key (tenantId, userId) has several columns');
    expect(dataMigration).toContain('WHERE (\\"tenantId\\", \\"userId\\") > ($1, $2) ORDER BY \\"tenantId\\", \\"userId\\" LIMIT 5000');
    expect(dataMigration).not.toContain('batchCopy');
  });

  it('works on a schema split over several files', async () => {
    const { main, part, mainContent } = splitSampleSchema(tree, 'audit.prisma', '/// Append-only');
    await removeColumnGenerator(tree, { targetTable: 'AuditLog', column: 'payload', confirmDataLoss: true });
    expect(read(tree, part)).not.toContain('payload');
    expect(read(tree, main)).toBe(mainContent);
    const [, removal] = newMigrationFolders(tree);
    expect(scriptStatements(tree, removal, 'down.sql')[0]).toBe('ALTER TABLE "AuditLog" ADD COLUMN "payload" JSONB');
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof removeColumnGenerator>[1], RegExp][] = [
      ['missing --confirmDataLoss', { targetTable: 'User', column: 'name' }, /removes data: the values of User\.name in every row of User.*copied to _forge_backup.*restores every value.*--confirmDataLoss/s],
      ['unknown model', { targetTable: 'Users', column: 'name', confirmDataLoss: true }, /Unknown model "Users".*Did you mean "User"/],
      ['unknown column', { targetTable: 'User', column: 'nme', confirmDataLoss: true }, /Model User has no field "nme"\. Did you mean "name"\?/],
      ['primary key', { targetTable: 'User', column: 'id', confirmDataLoss: true }, /User\.id is the primary key \(@id\)/],
      ['relation field', { targetTable: 'Order', column: 'user', confirmDataLoss: true }, /Order\.user is a relation field.*remove-relation --targetTable Order --field user/],
      ['foreign-key column', { targetTable: 'Order', column: 'userId', confirmDataLoss: true }, /Order\.userId is the foreign key of the relation Order\.user\. Remove the relation first with `nx g @forge\/migration:remove-relation --targetTable Order --field user`/],
      ['no column given', { targetTable: 'User', confirmDataLoss: true }, /Missing --column/],
      ['both --column and --columns', { targetTable: 'User', column: 'name', columns: 'role', confirmDataLoss: true }, /either --column or --columns/],
      ['a column twice', { targetTable: 'User', columns: 'name,name', confirmDataLoss: true }, /lists name twice/],
      ['bad lock timeout', { targetTable: 'User', column: 'name', confirmDataLoss: true, lockTimeout: '5 seconds' }, /Invalid --lockTimeout/],
      ['bad batch size', { targetTable: 'User', column: 'name', confirmDataLoss: true, batchSize: 0 }, /Invalid --batchSize/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => removeColumnGenerator(tree, options), message));

    it('a part of a composite primary key, a column another relation references, a model without primary key', async () => {
      tree.write(
        SAMPLE_SCHEMA,
        read(tree, SAMPLE_SCHEMA)
          .replace('  auditLogs AuditLog[]\n\n  @@index([tenantId])', '  auditLogs AuditLog[]\n  badges    Badge[]\n\n  @@index([tenantId])')
          .concat(
            '\nmodel Badge {\n  userEmail String\n  user      User   @relation(fields: [userEmail], references: [email])\n  label     String\n\n  @@id([userEmail, label])\n}\n',
            '\nmodel Setting {\n  key   String  @unique\n  value String?\n}\n',
          ),
      );
      await expectRefusedUntouched(tree, () => removeColumnGenerator(tree, { targetTable: 'Badge', column: 'label', confirmDataLoss: true }), /Badge\.label is part of the primary key \(@@id\)/);
      await expectRefusedUntouched(
        tree,
        () => removeColumnGenerator(tree, { targetTable: 'User', column: 'email', confirmDataLoss: true }),
        /User\.email is referenced by the relation Badge\.user \(references: \[email\]\).*remove-relation --targetTable Badge --field user/,
      );
      // Without @id, the backup is keyed by a required @unique field (Prisma requires one), but not by the one removed.
      await expectRefusedUntouched(
        tree,
        () => removeColumnGenerator(tree, { targetTable: 'Setting', column: 'key', confirmDataLoss: true }),
        /Model Setting has no primary key \(@id or @@id\) and no unique key of required fields \(@unique, @@unique\) besides what is removed.*Add a primary key or a required @unique field first/,
      );
    });
  });
});
