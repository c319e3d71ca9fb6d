import type { Tree } from '@nx/devkit';
import { createSampleTree, ORDER_STATUS_MAP, SAMPLE_ROOT, SAMPLE_SCHEMA, splitSampleSchema } from '../../testing/sample-tree';
import { newMigrations, readScript } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { modifyColumnGenerator } from './generator';

const DATA_MIGRATIONS = `${SAMPLE_ROOT}/src/migrations`;
const STATUS_MAP = JSON.stringify(ORDER_STATUS_MAP);

describe('modify-column generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  describe("the seed's example: Order.status (free text) → a new enum OrderStatus", () => {
    beforeEach(async () => {
      await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: STATUS_MAP });
    });

    it('creates the enum next to the model and converts the field with its default', () => {
      const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
      expect(schema).toMatch(/\n  status +OrderStatus +@default\(PENDING\)\n/);
      expect(schema).toContain('  @@index([tenantId, createdAt])\n}\n\nenum OrderStatus {\n  PENDING\n  PAID\n  SHIPPED\n  CANCELLED\n}\n\nmodel OrderItem {');
      expect(schema).toContain('/// An order; `status` is free text today (pending, paid, shipped, cancelled).\nmodel Order {');
    });

    it('writes expand (+ data migration), the NOT NULL check, and the swap', () => {
      const [expand, check, swap] = newMigrations(tree);
      expect(newMigrations(tree).map((m) => m.name)).toEqual(['modify_column_order_status', 'modify_column_order_status_check', 'modify_column_order_status_swap']);
      const stamp = expand.folder.slice(0, 14);
      const fn = (suffix: string) => `"_forge"."Order__status__${stamp}__${suffix}"`;
      const backup = `"_forge_backup"."Order__status__${stamp}"`;

      // The seed hint comes first, so migrate-validate generates convertible rows.
      // The phase first (migrate --phase reads it), then the seed hint.
      expect(readScript(tree, expand.folder).split('\n').slice(0, 2)).toEqual(['-- forge:phase expand', `-- @forge-seed "Order"."status" IN ('pending', 'paid', 'shipped', 'cancelled')`]);
      expect(expand.up).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;',
        `CREATE TYPE "OrderStatus" AS ENUM ('PENDING', 'PAID', 'SHIPPED', 'CANCELLED');`,
        'CREATE SCHEMA IF NOT EXISTS "_forge";',
        'CREATE SCHEMA IF NOT EXISTS "_forge_backup";',
        `CREATE TABLE ${backup} AS SELECT "id", "status" FROM "Order" WITH NO DATA;`,
        `ALTER TABLE ${backup} ADD PRIMARY KEY ("id");`,
        `CREATE OR REPLACE FUNCTION ${fn('to_new')}("status" TEXT) RETURNS "OrderStatus" LANGUAGE plpgsql STABLE AS $forge$`,
        'DECLARE',
        '  forge_value "OrderStatus";',
        'BEGIN',
        `  forge_value := CASE WHEN "status" = 'pending'::TEXT THEN 'PENDING'::"OrderStatus" WHEN "status" = 'paid'::TEXT THEN 'PAID'::"OrderStatus" WHEN "status" = 'shipped'::TEXT THEN 'SHIPPED'::"OrderStatus" WHEN "status" = 'cancelled'::TEXT THEN 'CANCELLED'::"OrderStatus" ELSE NULL END;`,
        '  RETURN forge_value;',
        'END $forge$;',
        `CREATE OR REPLACE FUNCTION ${fn('to_old')}("status" "OrderStatus") RETURNS TEXT LANGUAGE plpgsql STABLE AS $forge$`,
        'DECLARE',
        '  forge_value TEXT;',
        'BEGIN',
        `  forge_value := CASE WHEN "status" = 'PENDING'::"OrderStatus" THEN 'pending'::TEXT WHEN "status" = 'PAID'::"OrderStatus" THEN 'paid'::TEXT WHEN "status" = 'SHIPPED'::"OrderStatus" THEN 'shipped'::TEXT WHEN "status" = 'CANCELLED'::"OrderStatus" THEN 'cancelled'::TEXT ELSE "status"::text::TEXT END;`,
        '  RETURN forge_value;',
        'END $forge$;',
        `CREATE OR REPLACE FUNCTION ${fn('sync')}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
        'BEGIN',
        '  -- The rollback restoring the old column writes what the new one and the backup already say.',
        "  IF current_setting('forge.rolling_back', true) = 'on' THEN",
        '    RETURN NEW;',
        '  END IF;',
        `  NEW."status__forge_new" := ${fn('to_new')}(NEW."status");`,
        '  -- A write that does not convert is refused (the application gets the error): once committed,',
        '  -- it could slip between the checks and the swap and become NULL.',
        '  IF NEW."status__forge_new" IS NULL THEN',
        `    RAISE EXCEPTION 'Order.status is being converted to "OrderStatus", and % does not convert. The write was refused.', coalesce(quote_literal(NEW."status"), 'NULL') USING ERRCODE = 'check_violation', HINT = 'Write a value that converts to "OrderStatus", or roll the change back (migrate-down) before writing such values again.';`,
        '  END IF;',
        `  INSERT INTO ${backup} ("id", "status") VALUES (NEW."id", NEW."status")`,
        '    ON CONFLICT ("id") DO UPDATE SET "status" = EXCLUDED."status";',
        '  RETURN NEW;',
        'END $forge$;',
        'ALTER TABLE "Order" ADD COLUMN     "status__forge_new" "OrderStatus";',
        `CREATE TRIGGER "status__forge_sync" BEFORE INSERT OR UPDATE OF "status" ON "Order" FOR EACH ROW EXECUTE FUNCTION ${fn('sync')}();`,
      ]);
      expect(expand.down).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;',
        'DROP TRIGGER "status__forge_sync" ON "Order";',
        'ALTER TABLE "Order" DROP COLUMN "status__forge_new";',
        `DROP FUNCTION ${fn('sync')}();`,
        `DROP FUNCTION ${fn('to_old')}("OrderStatus");`,
        `DROP FUNCTION ${fn('to_new')}(TEXT);`,
        `DROP TABLE ${backup};`,
        'DROP TYPE "OrderStatus";',
      ]);

      expect(check.up).toEqual(["SET LOCAL lock_timeout = '5s';", 'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;', 'ALTER TABLE "Order" ADD CONSTRAINT "Order_status__forge_new_not_null" CHECK ("status__forge_new" IS NOT NULL) NOT VALID;']);
      expect(check.down).toEqual(["SET LOCAL lock_timeout = '5s';", 'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;', 'ALTER TABLE "Order" DROP CONSTRAINT "Order_status__forge_new_not_null";']);

      const guardEnd = swap.up.indexOf('END $forge$;');
      expect(swap.up.slice(0, 3)).toEqual(["SET LOCAL lock_timeout = '5s';", 'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;', 'DO $forge$']);
      expect(swap.up.slice(2, guardEnd + 1).join('\n')).toMatch(/SELECT count\(\*\) INTO unconverted FROM "Order" WHERE "status__forge_new" IS NULL;[\s\S]*RAISE EXCEPTION 'Order\.status: % row\(s\) hold a value that does not convert: %\. Nothing was changed\.'/);
      expect(swap.up.slice(guardEnd + 1)).toEqual([
        'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_status__forge_new_not_null";',
        'ALTER TABLE "Order" ALTER COLUMN "status__forge_new" SET NOT NULL;',
        'ALTER TABLE "Order" DROP CONSTRAINT "Order_status__forge_new_not_null";',
        'DROP TRIGGER "status__forge_sync" ON "Order";',
        'ALTER TABLE "Order" DROP COLUMN "status";',
        'ALTER TABLE "Order" RENAME COLUMN "status__forge_new" TO "status";',
        `ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'PENDING';`,
        `DROP FUNCTION ${fn('sync')}();`,
        `DROP FUNCTION ${fn('to_old')}("OrderStatus");`,
        `DROP FUNCTION ${fn('to_new')}(TEXT);`,
      ]);
      // The rollback of the swap, in steps: functions back, the new column renamed back, the old
      // one re-added nullable with its default and kept in step; the data migration's down()
      // restores its values from the backup (else the reverse map) in batches; then NOT NULL
      // through a validated check.
      const afterFunctions = swap.down.slice(swap.down.lastIndexOf('END $forge$;') + 1);
      expect(afterFunctions).toEqual([
        'ALTER TABLE "Order" ALTER COLUMN "status" DROP DEFAULT;',
        'ALTER TABLE "Order" RENAME COLUMN "status" TO "status__forge_new";',
        'ALTER TABLE "Order" ADD COLUMN     "status" TEXT;',
        `ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'pending';`,
        'ALTER TABLE "Order" ALTER COLUMN "status__forge_new" DROP NOT NULL;',
        'ALTER TABLE "Order" ADD CONSTRAINT "Order_status__forge_new_not_null" CHECK ("status__forge_new" IS NOT NULL) NOT VALID;',
        `CREATE TRIGGER "status__forge_sync" BEFORE INSERT OR UPDATE OF "status" ON "Order" FOR EACH ROW EXECUTE FUNCTION ${fn('sync')}();`,
        "SET LOCAL lock_timeout = '5s';",
        'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;',
        'ALTER TABLE "Order" ADD CONSTRAINT "Order_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;',
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_status_not_null";',
        "SET LOCAL lock_timeout = '5s';",
        'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;',
        'ALTER TABLE "Order" ALTER COLUMN "status" SET NOT NULL;',
        'ALTER TABLE "Order" DROP CONSTRAINT "Order_status_not_null";',
      ]);
      expect(readScript(tree, swap.folder, 'down.sql')).toMatch(/\n-- forge:data-step the original values back from .*, in batches \(the data migration down\(\)\)\n/);
      const restore = tree.read(`${DATA_MIGRATIONS}/modify_column_order_status_swap.ts`, 'utf-8')!;
      expect(restore).toContain(
        JSON.stringify(
          `"status" = (SELECT CASE WHEN b."id" IS NOT NULL AND ${fn('to_new')}(b."status") IS NOT DISTINCT FROM "Order"."status__forge_new" THEN b."status" ELSE ${fn('to_old')}("Order"."status__forge_new") END ` +
            `FROM (SELECT 1) AS one LEFT JOIN ${backup} b ON b."id" = "Order"."id")`,
        ),
      );
      expect(swap.down.filter((l) => l.startsWith('CREATE OR REPLACE FUNCTION'))).toHaveLength(3);
    });

    it('registers a data migration that refuses unconvertible values, backs up, converts in batches and validates', () => {
      const [expand] = newMigrations(tree);
      const stamp = expand.folder.slice(0, 14);
      const data = tree.read(`${DATA_MIGRATIONS}/modify_column_order_status.ts`, 'utf-8')!;
      expect(data).toContain(`Migration: ${expand.folder}`);
      expect(data).toContain(`WHERE \\"_forge\\".\\"Order__status__${stamp}__to_new\\"(\\"status\\") IS NULL GROUP BY 1`);
      expect(data).toMatch(/if \(unconverted\.length > 0\) \{[\s\S]*throw new Error\(/);
      expect(data).toContain(`await ctx.batchCopy({ table: "Order", key: "id", columns: ["status"], into: "\\"_forge_backup\\".\\"Order__status__${stamp}\\"", name: "backup" });`);
      expect(data).toContain(`set: "\\"status__forge_new\\" = \\"_forge\\".\\"Order__status__${stamp}__to_new\\"(\\"status\\")"`);
      expect(data).toMatch(/export async function validate[\s\S]*return \(await ctx\.count\("Order", "\\"status__forge_new\\" IS DISTINCT FROM/);
      expect(data.indexOf('ctx.query')).toBeLessThan(data.indexOf('ctx.batchCopy'));
      expect(data.indexOf('ctx.batchCopy')).toBeLessThan(data.indexOf('ctx.batchUpdate'));
      expect(tree.read(`${DATA_MIGRATIONS}/index.ts`, 'utf-8')).toContain(`'${expand.folder}': () => import('./modify_column_order_status.js')`);
    });
  });

  it('a binary-coercible widening is Prisma’s single ALTER COLUMN TYPE under lock_timeout; its rollback narrows back online, through a column of the old type', async () => {
    await modifyColumnGenerator(tree, { targetTable: 'Product', column: 'sku', dbType: 'VarChar(64)', lockTimeout: '2s' });
    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/sku +String +@unique @db\.VarChar\(64\)/);
    const [widen] = newMigrations(tree);
    expect(widen.name).toBe('modify_column_product_sku');
    expect(widen.up).toEqual(["SET LOCAL lock_timeout = '2s';", 'LOCK TABLE "Product" IN SHARE UPDATE EXCLUSIVE MODE;', 'ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64);']);
    // ALTER COLUMN TYPE back to VARCHAR(32) would rewrite Product under ACCESS EXCLUSIVE.
    expect(widen.down.join('\n')).not.toContain('SET DATA TYPE');
    const steps = readScript(tree, widen.folder, 'down.sql')
      .split('\n')
      .filter((l) => l.startsWith('-- forge:'));
    expect(steps).toEqual([
      '-- forge:step 1 of 5: sku__forge_old VARCHAR(32) beside sku (catalog only), kept in step by a trigger that refuses writes that do not fit',
      '-- forge:data-step sku copied into sku__forge_old in batches; values that do not fit VARCHAR(32) stop the rollback, listed (the data migration down())',
      '-- forge:step 2 of 5: NOT NULL for sku__forge_old: CHECK (… IS NOT NULL) NOT VALID (brief lock, no scan)',
      '-- forge:step 3 of 5: VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)',
      '-- forge:step 4 of 5: Product_sku_key rebuilt on sku__forge_old, CONCURRENTLY (writes go on)',
      '-- forge:step 5 of 5: the swap: sku__forge_old becomes sku (brief lock, no scan)',
    ]);
    expect(widen.down).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Product_sku_key__forge_old" ON "Product" ("sku__forge_old");');
    expect(widen.down.slice(widen.down.lastIndexOf('END $forge$;') + 1, widen.down.lastIndexOf('END $forge$;') + 7)).toEqual([
      'ALTER TABLE "Product" ALTER COLUMN "sku__forge_old" SET NOT NULL;',
      'ALTER TABLE "Product" DROP CONSTRAINT "Product_sku__forge_old_not_null";',
      'DROP TRIGGER "sku__forge_sync_old" ON "Product";',
      'ALTER TABLE "Product" DROP COLUMN "sku";',
      'ALTER TABLE "Product" RENAME COLUMN "sku__forge_old" TO "sku";',
      'ALTER INDEX "Product_sku_key__forge_old" RENAME TO "Product_sku_key";',
    ]);
    const data = tree.read(`${DATA_MIGRATIONS}/modify_column_product_sku.ts`, 'utf-8')!;
    expect(data).toContain('does not fit VARCHAR(32), so the rollback stopped before copying anything (values are never truncated):');
    expect(data).toContain('await ctx.batchUpdate({ table: "Product", key: "id", set: ');
  });

  it('a widening whose column is in an index that is not plain keeps the one ALTER COLUMN TYPE back', async () => {
    tree.write(SAMPLE_SCHEMA, tree.read(SAMPLE_SCHEMA, 'utf-8')!.replace('sku        String      @unique @db.VarChar(32)', 'sku        String      @unique(sort: Desc) @db.VarChar(32)'));
    await modifyColumnGenerator(tree, { targetTable: 'Product', column: 'sku', dbType: 'VarChar(64)' });
    const [widen] = newMigrations(tree);
    expect(widen.down).toContain('ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(32);');
  });

  it('varchar → text, and a Decimal precision increase at the same scale, are binary-coercible too', async () => {
    await modifyColumnGenerator(tree, { targetTable: 'Product', column: 'sku', dbType: 'Text' });
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    tree.write(SAMPLE_SCHEMA, schema.replace('priceCents Int', 'priceCents Decimal @db.Decimal(10, 2)'));
    await modifyColumnGenerator(tree, { targetTable: 'Product', column: 'priceCents', dbType: 'Decimal(12, 2)', migrationName: 'wider price' });
    expect(newMigrations(tree).map((m) => m.up[2])).toEqual([
      'ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE TEXT;',
      'ALTER TABLE "Product" ALTER COLUMN "priceCents" SET DATA TYPE DECIMAL(12,2);',
    ]);
  });

  it('narrowing is refused without --confirmDataLoss; confirmed, it converts expand/contract and lists what does not fit', async () => {
    const options = { targetTable: 'Tenant', column: 'name', dbType: 'VarChar(16)' };
    await expectRefusedUntouched(
      tree,
      () => modifyColumnGenerator(tree, options),
      /This change removes data: Tenant\.name: VARCHAR\(16\) holds less than TEXT.*_forge_backup\.Tenant__name__\d{14}.*--confirmDataLoss/,
    );
    await modifyColumnGenerator(tree, { ...options, confirmDataLoss: true });
    const [expand, , swap] = newMigrations(tree);
    expect(expand.up).toContain('  forge_value VARCHAR(16);');
    expect(expand.up).toContain('  forge_value := "name"::VARCHAR;');
    expect(expand.up).toContain('EXCEPTION WHEN others THEN');
    expect(expand.up).toContain('ALTER TABLE "Tenant" ADD COLUMN     "name__forge_new" VARCHAR(16);');
    expect(swap.up).toContain('ALTER TABLE "Tenant" RENAME COLUMN "name__forge_new" TO "name";');
  });

  it('Int → String: expand/contract with PostgreSQL’s casts both ways', async () => {
    await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'totalCents', type: 'String' });
    const [expand] = newMigrations(tree);
    expect(expand.up).toContain('  forge_value := "totalCents"::TEXT;');
    expect(expand.up).toContain('  forge_value := "totalCents"::INTEGER;');
    expect(readScript(tree, expand.folder)).not.toContain('@forge-seed');
  });

  it('the same column changed twice: each data migration gets a file of its own, named after its migration', async () => {
    await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'totalCents', type: 'String' });
    await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'totalCents', type: 'Int', cast: `"totalCents"::integer` });
    // The second change's migrations are named `…_2` (folder names stay unique), so its data migrations are too.
    const expands = newMigrations(tree).filter((m) => /^modify_column_order_total_cents(_2)?$/.test(m.name));
    expect(expands.map((m) => m.name)).toEqual(['modify_column_order_total_cents', 'modify_column_order_total_cents_2']);
    const [first, second] = expands;
    const registry = tree.read(`${DATA_MIGRATIONS}/index.ts`, 'utf-8')!;
    expect(registry).toContain(`'${first.folder}': () => import('./modify_column_order_total_cents.js')`);
    expect(registry).toContain(`'${second.folder}': () => import('./modify_column_order_total_cents_2.js')`);
    expect(tree.read(`${DATA_MIGRATIONS}/modify_column_order_total_cents_2.ts`, 'utf-8')).toContain(`Migration: ${second.folder}`);
    expect(tree.read(`${DATA_MIGRATIONS}/modify_column_order_total_cents.ts`, 'utf-8')).toContain(`Migration: ${first.folder}`);
  });

  it('String → Int with --cast: the cast runs trapped (failures are listed, not errors in writes); text gets a convertible seed hint only without a cast', async () => {
    await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', type: 'Int', cast: `nullif(trim("note"), '')::integer` });
    const [expand, swap] = newMigrations(tree);
    expect(newMigrations(tree)).toHaveLength(2);
    expect(expand.up).toContain(`  forge_value := (nullif(trim("note"), '')::integer);`);
    expect(expand.up).toContain('  forge_value := "note"::TEXT;');
    expect(swap.up.join('\n')).toContain(`WHERE "note" IS NOT NULL AND "note__forge_new" IS NULL;`);
    expect(swap.up.join('\n')).not.toContain('VALIDATE');

    const other = createSampleTree();
    await modifyColumnGenerator(other, { targetTable: 'Order', column: 'note', type: 'Int' });
    expect(readScript(other, newMigrations(other)[0].folder).split('\n')[1]).toBe(`-- @forge-seed "Order"."note" IN ('0', '1', '42')`);
  });

  it('enum → String, and a map merging values (confirmed): the reverse map takes the first key', async () => {
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    tree.write(SAMPLE_SCHEMA, `${schema.replace(/plan +String +@default\("free"\)/, 'plan Plan @default(FREE)')}\nenum Plan {\n  FREE\n  PRO\n  TEAM\n}\n`);
    const merge = { targetTable: 'Tenant', column: 'plan', type: 'String', map: { FREE: 'free', PRO: 'paid', TEAM: 'paid' } };
    await expect(modifyColumnGenerator(tree, merge)).rejects.toThrow(/--map sends several values to one \(PRO, TEAM → paid\).*--confirmDataLoss/);
    await modifyColumnGenerator(tree, { ...merge, confirmDataLoss: true });
    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/plan +String +@default\("free"\)/);
    const [expand] = newMigrations(tree);
    expect(expand.up).toContain(
      `  forge_value := CASE WHEN "plan" = 'free'::TEXT THEN 'FREE'::"Plan" WHEN "plan" = 'paid'::TEXT THEN 'PRO'::"Plan" ELSE "plan"::text::"Plan" END;`,
    );
    expect(readScript(tree, expand.folder)).toContain(`-- @forge-seed "Tenant"."plan" IN ('FREE', 'PRO', 'TEAM')`);
  });

  it('a new enum from --enumValues converts by name', async () => {
    await modifyColumnGenerator(tree, { targetTable: 'User', column: 'role', type: 'Role', enumValues: 'member,admin' });
    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/role +Role +@default\(member\)[\s\S]*enum Role \{\n  member\n  admin\n\}/);
    const [expand] = newMigrations(tree);
    expect(expand.up).toContain(`CREATE TYPE "Role" AS ENUM ('member', 'admin');`);
    expect(expand.up).toContain('  forge_value := "role"::text::"Role";');
    expect(readScript(tree, expand.folder)).toContain(`-- @forge-seed "User"."role" IN ('member', 'admin')`);
  });

  describe('nullability and defaults: catalog only, NOT NULL through a validated CHECK', () => {
    it('required → optional: DROP NOT NULL; its reverse, NOT NULL again, goes through a validated check', async () => {
      await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', optional: true });
      expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/status +String\? +@default\("pending"\)/);
      const [optional] = newMigrations(tree);
      expect(optional.up).toEqual(["SET LOCAL lock_timeout = '5s';", 'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;', 'ALTER TABLE "Order" ALTER COLUMN "status" DROP NOT NULL;']);
      // SET NOT NULL alone would scan Order under ACCESS EXCLUSIVE.
      const lines = optional.down.filter((l) => !l.startsWith('SET LOCAL') && !l.startsWith('LOCK TABLE'));
      expect(lines[0]).toBe('ALTER TABLE "Order" ADD CONSTRAINT "Order_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;');
      expect(lines.join('\n')).toMatch(/RAISE EXCEPTION 'Order\.status: % row\(s\) are NULL \(%\), written since the change, so NOT NULL cannot come back\./);
      expect(lines.slice(-3)).toEqual([
        'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_status_not_null";',
        'ALTER TABLE "Order" ALTER COLUMN "status" SET NOT NULL;',
        'ALTER TABLE "Order" DROP CONSTRAINT "Order_status_not_null";',
      ]);
      expect(readScript(tree, optional.folder, 'down.sql').match(/^-- forge:step \d of \d/gm)).toEqual(['-- forge:step 1 of 3', '-- forge:step 2 of 3', '-- forge:step 3 of 3']);
    });

    it('--default and --dropDefault: SET / DROP DEFAULT', async () => {
      await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', default: 'new' });
      await modifyColumnGenerator(tree, { targetTable: 'Tenant', column: 'plan', dropDefault: true, migrationName: 'no plan default' });
      expect(newMigrations(tree).map(({ up, down }) => [up[2], down[2]])).toEqual([
        [`ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'new';`, `ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'pending';`],
        ['ALTER TABLE "Tenant" ALTER COLUMN "plan" DROP DEFAULT;', `ALTER TABLE "Tenant" ALTER COLUMN "plan" SET DEFAULT 'free';`],
      ]);
    });

    it('optional → required without --backfillValue: a guard refuses (listing NULL rows) before the CHECK; then VALIDATE + SET NOT NULL + DROP CHECK', async () => {
      await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', required: true });
      const [check, enforce] = newMigrations(tree);
      expect(newMigrations(tree).map((m) => m.name)).toEqual(['modify_column_order_note', 'modify_column_order_note_not_null']);
      expect(check.up.join('\n')).toMatch(
        /DO \$forge\$[\s\S]*SELECT count\(\*\) INTO null_rows FROM "Order" WHERE "note" IS NULL;[\s\S]*RAISE EXCEPTION 'Order\.note: % row\(s\) are NULL \(%\), so it cannot become required\. Nothing was changed\.'[\s\S]*--backfillValue[\s\S]*END \$forge\$;\nALTER TABLE "Order" ADD CONSTRAINT "Order_note_not_null" CHECK \("note" IS NOT NULL\) NOT VALID;$/,
      );
      expect(check.down).toEqual(["SET LOCAL lock_timeout = '5s';", 'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;', 'ALTER TABLE "Order" DROP CONSTRAINT "Order_note_not_null";']);
      expect(enforce.up).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_note_not_null";',
        'ALTER TABLE "Order" ALTER COLUMN "note" SET NOT NULL;',
        'ALTER TABLE "Order" DROP CONSTRAINT "Order_note_not_null";',
      ]);
      expect(enforce.down).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE "Order" ALTER COLUMN "note" DROP NOT NULL;',
        'ALTER TABLE "Order" ADD CONSTRAINT "Order_note_not_null" CHECK ("note" IS NOT NULL) NOT VALID;',
      ]);
    });

    it('optional → required with --backfillValue: fill (recording the NULL rows), CHECK NOT VALID, then SET NOT NULL', async () => {
      await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', required: true, backfillValue: 'none' });
      expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/\n  note +String\n/);
      const [fill, check, enforce] = newMigrations(tree);
      const stamp = fill.folder.slice(0, 14);
      expect(fill.up).toContain(`CREATE TABLE "_forge_backup"."Order__note__${stamp}" AS SELECT "id", "note" FROM "Order" WITH NO DATA;`);
      expect(fill.up).toContain(`    SELECT ('none') INTO NEW."note" FROM (SELECT NEW.*) AS "Order";`);
      expect(fill.down).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'LOCK TABLE "Order" IN SHARE UPDATE EXCLUSIVE MODE;',
        'DROP TRIGGER "note__forge_fill" ON "Order";',
        `DROP FUNCTION "_forge"."Order__note__${stamp}__fill"();`,
        `DROP TABLE "_forge_backup"."Order__note__${stamp}";`,
      ]);
      expect(check.up[2]).toBe('ALTER TABLE "Order" ADD CONSTRAINT "Order_note_not_null" CHECK ("note" IS NOT NULL) NOT VALID;');
      expect(enforce.up.slice(-2)).toEqual(['DROP TRIGGER "note__forge_fill" ON "Order";', `DROP FUNCTION "_forge"."Order__note__${stamp}__fill"();`]);
      const data = tree.read(`${DATA_MIGRATIONS}/modify_column_order_note.ts`, 'utf-8')!;
      // The fill writes NULL: the trigger fills and records those rows, as it does the application's NULLs.
      expect(fill.up.join('\n')).toContain(`    INSERT INTO "_forge_backup"."Order__note__${stamp}" ("id") VALUES (NEW."id") ON CONFLICT ("id") DO NOTHING;`);
      expect(data).toContain(`await ctx.batchUpdate({ table: "Order", key: "id", set: "\\"note\\" = NULL", where: "\\"note\\" IS NULL", name: "fill" });`);
      expect(data).toContain('NULLs stay NULL; a value written now is kept by the rollback.');
      expect(data).toContain(`set: "\\"note\\" = NULL", where: "\\"note\\"::text IS NOT DISTINCT FROM (('none')::TEXT)::text AND EXISTS`);
      expect(data).toContain('return (await ctx.count("Order", "\\"note\\" IS NULL")) === 0;');
    });
  });

  it('works on a schema split over several files: the new enum goes next to its model', async () => {
    const { main, part, mainContent } = splitSampleSchema(tree, 'orders.prisma', '/// An order;');
    await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: STATUS_MAP });
    expect(tree.read(part, 'utf-8')).toMatch(/status +OrderStatus +@default\(PENDING\)[\s\S]*enum OrderStatus \{/);
    expect(tree.read(main, 'utf-8')).toBe(mainContent);
    expect(newMigrations(tree)).toHaveLength(3);
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof modifyColumnGenerator>[1], RegExp][] = [
      ['unknown model', { targetTable: 'Orders', column: 'status', optional: true }, /Unknown model "Orders".*Did you mean "Order"/],
      ['unknown column', { targetTable: 'Order', column: 'statu', optional: true }, /Model Order has no field "statu" \(--column\)\. Did you mean "status"\?/],
      ['relation field', { targetTable: 'Order', column: 'user', optional: true }, /Order\.user is a relation, not a column.*userId/],
      ['primary key', { targetTable: 'Order', column: 'id', type: 'BigInt' }, /primary key/],
      ['foreign key type', { targetTable: 'Order', column: 'userId', type: 'BigInt' }, /Order\.userId is a foreign key; its type must match/],
      ['unknown type', { targetTable: 'Order', column: 'status', type: 'Strin' }, /Invalid --type "Strin"\. Did you mean "String"\?.*--map/],
      ['model as type', { targetTable: 'Order', column: 'status', type: 'User' }, /User is a model/],
      ['new enum named like a model', { targetTable: 'Order', column: 'status', type: 'Tenant', map: STATUS_MAP }, /Tenant is a model/],
      ['map missing the schema default', { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: '{"paid":"PAID"}' }, /--map has no entry for the current default "pending".*--default.*--dropDefault/],
      ['map value that is not an enum value', { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: '{"pending":"in progress"}' }, /Invalid enum value "in progress"/],
      ['map value null', { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: '{"pending":null}' }, /must be a OrderStatus value.*never set to NULL/],
      ['map that is not JSON', { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: '{pending:' }, /--map is not valid JSON/],
      ['map that is an array', { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: '["a"]' }, /--map must be a JSON object/],
      ['map without a type change', { targetTable: 'Order', column: 'status', type: 'String', map: '{"a":"b"}' }, /stays String: give a different --type/],
      ['map and cast together', { targetTable: 'Order', column: 'status', type: 'Int', map: '{"a":"1"}', cast: '1' }, /either --map .* or --cast/],
      ['map without --type', { targetTable: 'Order', column: 'status', map: '{"a":"b"}' }, /go with --type/],
      ['map value of the wrong type', { targetTable: 'Order', column: 'status', type: 'Int', map: '{"pending":"one"}', default: '0' }, /--map value "one" is not a Int value/],
      ['enumValues for an existing type', { targetTable: 'Order', column: 'status', type: 'String', enumValues: 'A' }, /already exists/],
      ['cast without a type change', { targetTable: 'Order', column: 'status', cast: 'upper("status")', default: 'x' }, /convert values to another type/],
      ['cast with two statements', { targetTable: 'Order', column: 'note', type: 'Int', cast: `1; DROP TABLE "Order"` }, /Invalid --cast.*";"/],
      ['cast closing the expression inside an E-string', { targetTable: 'Order', column: 'note', type: 'Int', cast: `E'\\''); DROP TABLE "Order" CASCADE; --'` }, /Invalid --cast.*(comment|";"|statements)/],
      ['no change requested', { targetTable: 'Order', column: 'status', type: 'String' }, /No change requested for Order\.status: it already is String @default\(pending\)/],
      ['nothing given', { targetTable: 'Order', column: 'status' }, /No change requested/],
      ['optional and required', { targetTable: 'Order', column: 'note', optional: true, required: true }, /either --optional or --required/],
      ['default and dropDefault', { targetTable: 'Order', column: 'status', default: 'x', dropDefault: true }, /either --default or --dropDefault/],
      ['dropDefault without a default', { targetTable: 'Order', column: 'note', dropDefault: true }, /has no default to drop/],
      ['default that does not fit the type', { targetTable: 'Order', column: 'totalCents', default: 'ten' }, /Invalid --default "ten" for a Int column/],
      ['default that does not carry over', { targetTable: 'Order', column: 'status', type: 'Int' }, /current default "pending" of Order\.status is not a Int value.*--default/],
      ['backfill without becoming required', { targetTable: 'Order', column: 'note', backfillValue: 'x', default: 'y' }, /does not make the column required/],
      ['backfill of the wrong type', { targetTable: 'AuditLog', column: 'payload', required: true, backfillValue: '{oops' }, /Invalid --backfillValue "\{oops": expected a Json value/],
      ['nullability of a foreign key', { targetTable: 'AuditLog', column: 'userId', required: true, backfillValue: '1' }, /AuditLog\.userId is the foreign key of the relation user.*remove-relation/],
      ['lossy change without confirmation', { targetTable: 'Order', column: 'totalCents', type: 'Boolean', dropDefault: false }, /This change removes data: Order\.totalCents: INTEGER → BOOLEAN turns every non-zero number into true.*--confirmDataLoss/],
      ['no cast between the types', { targetTable: 'AuditLog', column: 'payload', type: 'DateTime' }, /no cast from JSONB to TIMESTAMP\(3\).*--cast/],
      ['indexed column needing a new column', { targetTable: 'Product', column: 'sku', type: 'Int' }, /Product\.sku is part of Product_sku_key.*remove-index/],
      ['native type that does not fit', { targetTable: 'Order', column: 'totalCents', dbType: 'VarChar(10)' }, /VarChar.*(not compatible|Int)/],
      ['bad lock timeout', { targetTable: 'Order', column: 'note', required: true, lockTimeout: 'soon' }, /Invalid --lockTimeout/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => modifyColumnGenerator(tree, options), message));
  });
});
