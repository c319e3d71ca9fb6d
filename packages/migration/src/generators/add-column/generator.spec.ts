import type { Tree } from '@nx/devkit';
import { SAMPLE_ROOT, SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, splitSampleSchema } from '../../testing/sample-tree';
import { newMigrations, readScript, sqlLines } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { addColumnGenerator } from './generator';

const DATA_MIGRATIONS = `${SAMPLE_ROOT}/src/migrations`;

describe('add-column generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('adds an optional Json column in one metadata-only statement with its reverse', async () => {
    await addColumnGenerator(tree, { targetTable: 'User', name: 'preferences', type: 'Json', optional: true });

    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(schema).toMatch(/model User \{[^}]*\n  preferences Json\?\n\n  @@index\(\[tenantId\]\)\n\}/);
    expect(schema).toContain('/// A person who signs in.\nmodel User {');

    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/^\d{14}_add_column_user_preferences$/);
    expect(sqlLines(readScript(tree, folder))).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "User" ADD COLUMN     "preferences" JSONB;',
    ]);
    expect(sqlLines(readScript(tree, folder, 'down.sql'))).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "User" DROP COLUMN "preferences";',
    ]);
  });

  it('supports defaults, native types, @map and several columns in one migration', async () => {
    await addColumnGenerator(tree, {
      targetTable: 'Product',
      lockTimeout: '2s',
      migrationName: 'product extras',
      columns: JSON.stringify([
        { name: 'barcode', type: 'String', dbType: 'VarChar(255)', optional: true, map: 'bar_code' },
        { name: 'stock', type: 'Int', default: 0 },
        { name: 'label', type: 'String', default: '' },
        { name: 'tags', type: 'String', list: true },
        { name: 'addedAt', type: 'DateTime', default: 'now()' },
      ]),
    });
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(schema).toMatch(/barcode +String\? +@map\("bar_code"\) @db\.VarChar\(255\)/);
    expect(schema).toMatch(/stock +Int +@default\(0\)/);
    expect(schema).toMatch(/label +String +@default\(""\)/);
    expect(schema).toMatch(/addedAt +DateTime +@default\(now\(\)\)/);
    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/_product_extras$/);
    const up = readScript(tree, folder);
    expect(up).toContain("SET LOCAL lock_timeout = '2s';");
    expect(up).toContain('ADD COLUMN     "bar_code" VARCHAR(255)');
    expect(up).toContain('ADD COLUMN     "stock" INTEGER NOT NULL DEFAULT 0');
    expect(up).toContain(`ADD COLUMN     "label" TEXT NOT NULL DEFAULT ''`);
    expect(up).toContain('ADD COLUMN     "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP');
  });

  it('keeps a Prisma 6 datasource url line and still generates', async () => {
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!.replace('provider = "postgresql"', 'provider = "postgresql"\n  url      = env("DATABASE_URL")');
    tree.write(SAMPLE_SCHEMA, schema);
    await addColumnGenerator(tree, { targetTable: 'User', name: 'nickname', type: 'String', optional: true });
    const after = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(after).toMatch(/url += env\("DATABASE_URL"\)/);
    expect(after).toContain('nickname');
  });

  it('works on a schema split over several files', async () => {
    const { main, part, mainContent } = splitSampleSchema(tree, 'audit.prisma', '/// Append-only');

    await addColumnGenerator(tree, { targetTable: 'AuditLog', name: 'ip', type: 'String', optional: true });
    expect(tree.read(part, 'utf-8')).toMatch(/ip +String\?/);
    expect(tree.read(main, 'utf-8')).toBe(mainContent);
    const [folder] = newMigrationFolders(tree);
    expect(readScript(tree, folder)).toContain('ALTER TABLE "AuditLog" ADD COLUMN     "ip" TEXT;');
  });

  describe('required columns without a database default', () => {
    it('--backfillValue: metadata-only, existing rows read the value; the default goes in a contract migration (the previous version inserts without the column until then)', async () => {
      await addColumnGenerator(tree, { targetTable: 'User', name: 'age', type: 'Int', backfillValue: '18' });
      expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/\n  age +Int\n/);
      expect(newMigrations(tree)).toEqual([
        {
          folder: expect.stringMatching(/^\d{14}_add_column_user_age$/),
          name: 'add_column_user_age',
          up: ["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" ADD COLUMN     "age" INTEGER NOT NULL DEFAULT 18;'],
          down: ["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" DROP COLUMN "age";'],
        },
        {
          folder: expect.stringMatching(/^\d{14}_add_column_user_age_drop_default$/),
          name: 'add_column_user_age_drop_default',
          up: ["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" ALTER COLUMN "age" DROP DEFAULT;'],
          down: ["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" ALTER COLUMN "age" SET DEFAULT 18;'],
        },
      ]);
      const [expand, contract] = newMigrations(tree);
      expect(readScript(tree, expand.folder).split('\n')[0]).toBe('-- forge:phase expand');
      expect(readScript(tree, contract.folder).split('\n')[0]).toBe('-- forge:phase contract');
      expect(tree.exists(`${DATA_MIGRATIONS}/add_column_user_age.ts`)).toBe(false);
    });

    it('--backfillValue is quoted for the type by Prisma (text, dates, enums)', async () => {
      const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
      tree.write(SAMPLE_SCHEMA, `${schema}\nenum Plan {\n  FREE\n  PRO\n}\n`);
      await addColumnGenerator(tree, {
        targetTable: 'Tenant',
        columns: [
          { name: 'motto', type: 'String', backfillValue: "it's fine" },
          { name: 'since', type: 'DateTime', backfillValue: '2024-01-01T00:00:00Z' },
          { name: 'tier', type: 'Plan', backfillValue: 'FREE', default: 'PRO' },
        ],
      });
      const [{ up }, dropDefaults] = newMigrations(tree);
      expect(up[1]).toBe(
        `ALTER TABLE "Tenant" ADD COLUMN     "motto" TEXT NOT NULL DEFAULT 'it''s fine',\n`.trimEnd(),
      );
      expect(up).toContain(`ADD COLUMN     "since" TIMESTAMP(3) NOT NULL DEFAULT '2024-01-01 00:00:00 +00:00',`);
      expect(up).toContain(`ADD COLUMN     "tier" "Plan" NOT NULL DEFAULT 'FREE';`);
      // tier's own default replaces the fill value at once; motto and since keep it until the contract migration.
      expect(up.at(-1)).toBe(`ALTER TABLE "Tenant" ALTER COLUMN "tier" SET DEFAULT 'PRO';`);
      expect(dropDefaults.up.slice(1)).toEqual(['ALTER TABLE "Tenant" ALTER COLUMN "motto" DROP DEFAULT;', 'ALTER TABLE "Tenant" ALTER COLUMN "since" DROP DEFAULT;']);
    });

    it('a volatile default: add nullable + SET DEFAULT, batched backfill, CHECK NOT VALID, then VALIDATE + SET NOT NULL + DROP CHECK', async () => {
      await addColumnGenerator(tree, { targetTable: 'User', name: 'publicId', type: 'String', dbType: 'Uuid', default: 'dbgenerated("gen_random_uuid()")' });
      expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/publicId +String +@default\(dbgenerated\("gen_random_uuid\(\)"\)\) @db\.Uuid/);
      const [add, check, enforce] = newMigrations(tree);
      expect(newMigrations(tree)).toHaveLength(3);
      expect(add.folder).toMatch(/_add_column_user_public_id$/);
      expect(add.up).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE "User" ADD COLUMN     "publicId" UUID;',
        'ALTER TABLE "User" ALTER COLUMN "publicId" SET DEFAULT gen_random_uuid();',
      ]);
      expect(add.down).toEqual(["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" DROP COLUMN "publicId";']);
      expect(check.folder).toMatch(/_add_column_user_public_id_check$/);
      expect(check.up).toEqual(["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" ADD CONSTRAINT "User_publicId_not_null" CHECK ("publicId" IS NOT NULL) NOT VALID;']);
      expect(check.down).toEqual(["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" DROP CONSTRAINT "User_publicId_not_null";']);
      expect(enforce.folder).toMatch(/_add_column_user_public_id_not_null$/);
      expect(enforce.up).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE "User" VALIDATE CONSTRAINT "User_publicId_not_null";',
        'ALTER TABLE "User" ALTER COLUMN "publicId" SET NOT NULL;',
        'ALTER TABLE "User" DROP CONSTRAINT "User_publicId_not_null";',
      ]);
      expect(enforce.down).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE "User" ALTER COLUMN "publicId" DROP NOT NULL;',
        'ALTER TABLE "User" ADD CONSTRAINT "User_publicId_not_null" CHECK ("publicId" IS NOT NULL) NOT VALID;',
      ]);
      const data = tree.read(`${DATA_MIGRATIONS}/add_column_user_public_id.ts`, 'utf-8')!;
      expect(data).toContain(`Migration: ${add.folder}`);
      expect(data).toContain('await ctx.batchUpdate({ table: "User", key: "id", set: "\\"publicId\\" = (gen_random_uuid())", where: "\\"publicId\\" IS NULL", name: "publicId" });');
      expect(data).toContain('return (await ctx.count("User", "\\"publicId\\" IS NULL")) === 0;');
      expect(tree.read(`${DATA_MIGRATIONS}/index.ts`, 'utf-8')).toContain(`'${add.folder}': () => import('./add_column_user_public_id.js')`);
    });

    it('--backfillSql: a fill trigger covers rows inserted meanwhile; it goes with the NOT NULL step and comes back with its reverse', async () => {
      await addColumnGenerator(tree, { targetTable: 'User', name: 'handle', type: 'String', backfillSql: 'lower("email")', migrationName: 'user handle' });
      const [add, , enforce] = newMigrations(tree);
      const fill = expect.stringMatching(/^CREATE OR REPLACE FUNCTION "_forge"\."User__handle__\d{14}__fill"\(\) RETURNS trigger/);
      expect(add.up).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'CREATE SCHEMA IF NOT EXISTS "_forge";',
        'ALTER TABLE "User" ADD COLUMN     "handle" TEXT;',
        fill,
        'BEGIN',
        `  IF NEW."handle" IS NULL AND current_setting('forge.rolling_back', true) IS DISTINCT FROM 'on' THEN`,
        '    SELECT (lower("email")) INTO NEW."handle" FROM (SELECT NEW.*) AS "User";',
        '  END IF;',
        '  RETURN NEW;',
        'END $forge$;',
        expect.stringMatching(/^CREATE TRIGGER "handle__forge_fill" BEFORE INSERT OR UPDATE OF "handle" ON "User" FOR EACH ROW EXECUTE FUNCTION "_forge"\."User__handle__\d{14}__fill"\(\);$/),
      ]);
      expect(add.down).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'DROP TRIGGER "handle__forge_fill" ON "User";',
        expect.stringMatching(/^DROP FUNCTION "_forge"\."User__handle__\d{14}__fill"\(\);$/),
        'ALTER TABLE "User" DROP COLUMN "handle";',
      ]);
      expect(enforce.up.slice(-2)).toEqual(['DROP TRIGGER "handle__forge_fill" ON "User";', expect.stringMatching(/^DROP FUNCTION "_forge"/)]);
      expect(enforce.down).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        fill,
        ...add.up.slice(4, 10),
        add.up[10],
        'ALTER TABLE "User" ALTER COLUMN "handle" DROP NOT NULL;',
        'ALTER TABLE "User" ADD CONSTRAINT "User_handle_not_null" CHECK ("handle" IS NOT NULL) NOT VALID;',
      ]);
      expect(tree.read(`${DATA_MIGRATIONS}/user_handle.ts`, 'utf-8')).toContain('set: "\\"handle\\" = (lower(\\"email\\"))"');
    });

    it('--backfillSql takes any one expression PostgreSQL reads as one: an E-string with an escaped quote', async () => {
      await addColumnGenerator(tree, { targetTable: 'User', name: 'motto', type: 'String', backfillSql: `E'it\\'s'`, migrationName: 'user motto' });
      const [add] = newMigrations(tree);
      expect(add.up).toContain(`    SELECT (E'it\\'s') INTO NEW."motto" FROM (SELECT NEW.*) AS "User";`);
      expect(tree.read(`${DATA_MIGRATIONS}/user_motto.ts`, 'utf-8')).toContain(`set: "\\"motto\\" = (E'it\\\\'s')"`);
    });

    it('an optional column with a volatile default is filled without the NOT NULL steps', async () => {
      await addColumnGenerator(tree, { targetTable: 'Product', name: 'salt', type: 'Float', optional: true, default: 'dbgenerated("random()")' });
      const files = newMigrations(tree);
      expect(files).toHaveLength(1);
      expect(files[0].up).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE "Product" ADD COLUMN     "salt" DOUBLE PRECISION;',
        'ALTER TABLE "Product" ALTER COLUMN "salt" SET DEFAULT random();',
      ]);
      expect(tree.read(`${DATA_MIGRATIONS}/add_column_product_salt.ts`, 'utf-8')).toContain('set: "\\"salt\\" = (random())"');
    });

    it('mixes kinds in one pipeline; a unique column gets its index CONCURRENTLY, alone, last', async () => {
      await addColumnGenerator(tree, {
        targetTable: 'User',
        columns: JSON.stringify([
          { name: 'nick', type: 'String', optional: true },
          { name: 'age', type: 'Int', backfillValue: 0 },
          { name: 'code', type: 'String', default: 'cuid()', unique: true, backfillSql: 'md5("email")' },
        ]),
      });
      const files = newMigrations(tree);
      expect(files.map((f) => f.name)).toEqual([
        'add_column_user_nick_age_code',
        'add_column_user_nick_age_code_check',
        'add_column_user_nick_age_code_not_null',
        'add_column_user_nick_age_code_unique',
        'add_column_user_nick_age_code_drop_default',
      ]);
      expect(files[0].up.slice(1, 4)).toEqual([
        'CREATE SCHEMA IF NOT EXISTS "_forge";',
        'ALTER TABLE "User" ADD COLUMN     "age" INTEGER NOT NULL DEFAULT 0,',
        'ADD COLUMN     "code" TEXT,',
      ]);
      expect(files[0].up[4]).toBe('ADD COLUMN     "nick" TEXT;');
      expect(files[1].up).toEqual(["SET LOCAL lock_timeout = '5s';", 'ALTER TABLE "User" ADD CONSTRAINT "User_code_not_null" CHECK ("code" IS NOT NULL) NOT VALID;']);
      expect(files[3].up).toEqual(['CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_code_key" ON "User"("code");']);
      expect(files[3].down).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS "User_code_key";']);
      expect(files[0].down).toEqual([
        "SET LOCAL lock_timeout = '5s';",
        'DROP TRIGGER "code__forge_fill" ON "User";',
        expect.stringMatching(/^DROP FUNCTION/),
        'ALTER TABLE "User" DROP COLUMN "age", DROP COLUMN "code", DROP COLUMN "nick";',
      ]);
    });

    it('--dry-run style failures leave nothing: a refusal after the schema edit writes no file', async () => {
      await expectRefusedUntouched(
        tree,
        () => addColumnGenerator(tree, { targetTable: 'User', columns: [{ name: 'ok', type: 'Int', optional: true }, { name: 'bad', type: 'Int' }] }),
        /Column bad is required/,
      );
    });
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof addColumnGenerator>[1], RegExp][] = [
      ['unknown model', { targetTable: 'Users', name: 'x', type: 'Json', optional: true }, /Unknown model "Users".*Did you mean "User"/],
      ['existing field', { targetTable: 'User', name: 'email', type: 'String', optional: true }, /already has a field named "email"/],
      ['bad type', { targetTable: 'User', name: 'x', type: 'json', optional: true }, /Invalid type "json".*Did you mean "Json"/],
      ['model as type', { targetTable: 'User', name: 'x', type: 'Order', optional: true }, /Order is a model: use the add-relation generator/],
      ['invalid name', { targetTable: 'User', name: '1abc', type: 'String', optional: true }, /Invalid column name "1abc"/],
      ['injection-like name', { targetTable: 'User', name: 'x"; DROP TABLE "User"; --', type: 'String', optional: true }, /Invalid column name/],
      ['over-long name', { targetTable: 'User', name: 'a'.repeat(64), type: 'String', optional: true }, /64 bytes long/],
      ['required without default nor backfill', { targetTable: 'User', name: 'age', type: 'Int' }, /required and has no database default.*--backfillValue.*--backfillSql.*--optional/],
      ['client-side default without backfill', { targetTable: 'User', name: 'token', type: 'String', default: 'uuid()' }, /filled in by Prisma Client.*--backfillValue/],
      ['backfill value of the wrong type', { targetTable: 'User', name: 'age', type: 'Int', backfillValue: 'ten' }, /Invalid --backfillValue "ten" for a Int column: expected an integer/],
      ['backfill value and SQL together', { targetTable: 'User', name: 'age', type: 'Int', backfillValue: '1', backfillSql: '2' }, /either --backfillValue .* or --backfillSql/],
      ['backfill value that is a function', { targetTable: 'User', name: 'at', type: 'DateTime', backfillValue: 'now()' }, /function call.*--backfillSql/],
      ['backfill SQL with two statements', { targetTable: 'User', name: 'h', type: 'String', backfillSql: "'x'; DROP TABLE \"User\"" }, /Invalid --backfillSql.*";"/],
      ['backfill SQL with a comment', { targetTable: 'User', name: 'h', type: 'String', backfillSql: "'x' -- hi" }, /Invalid --backfillSql.*comment/],
      ['backfill SQL that does not balance', { targetTable: 'User', name: 'h', type: 'String', backfillSql: 'lower("email"' }, /Invalid --backfillSql.*does not read it as one expression/],
      // PostgreSQL reads E'\'' as one quote: what follows is a second statement, whatever a quote-matching regex sees.
      ['backfill SQL closing the expression inside an E-string', { targetTable: 'User', name: 'h', type: 'String', backfillSql: `E'\\''); DROP TABLE "Tenant" CASCADE; --'` }, /Invalid --backfillSql.*(comment|";"|statements)/],
      ['backfill SQL adding clauses to its SELECT', { targetTable: 'User', name: 'h', type: 'String', backfillSql: `1) FROM "Tenant" WHERE (true` }, /Invalid --backfillSql.*more than one expression \(with fromClause, whereClause\)/],
      ['backfill SQL that is a set operation', { targetTable: 'User', name: 'h', type: 'String', backfillSql: `'a') UNION (SELECT 'b'` }, /Invalid --backfillSql.*more than one expression/],
      ['dbgenerated default with a second statement', { targetTable: 'User', name: 'h', type: 'String', optional: true, default: `dbgenerated("1); DROP TABLE \\"Tenant\\"; SELECT (1")` }, /Invalid --default.*";"/],
      ['dbgenerated default that is not a string', { targetTable: 'User', name: 'h', type: 'String', optional: true, default: 'dbgenerated(gen_random_uuid())' }, /Invalid --default dbgenerated\("gen_random_uuid\(\)"\): give the SQL as one double-quoted string/],
      ['huge backfill SQL, clipped in the message', { targetTable: 'User', name: 'h', type: 'String', backfillSql: `'${'x'.repeat(5000)}' -- end` }, /Invalid --backfillSql "'x{119}…" \(5009 characters\): it contains a comment/],
      ['backfill on a list', { targetTable: 'User', name: 'tags', type: 'String', list: true, backfillValue: 'x' }, /is a list/],
      ['unique column with one backfill value', { targetTable: 'User', name: 'code', type: 'String', unique: true, backfillValue: 'x' }, /unique, but --backfillValue gives every existing row/],
      ['default of the wrong type', { targetTable: 'User', name: 'age', type: 'Int', default: 'ten' }, /Invalid --default "ten" for a Int column/],
      ['native type that does not fit', { targetTable: 'User', name: 'n', type: 'Int', dbType: 'VarChar(10)', optional: true }, /VarChar.*(not compatible|Int)/],
      ['bad --columns JSON', { targetTable: 'User', columns: '[{name:' }, /--columns is not valid JSON/],
      ['missing --type', { targetTable: 'User', name: 'x' }, /Missing --type/],
      ['bad lock timeout', { targetTable: 'User', name: 'x', type: 'Json', optional: true, lockTimeout: '5 seconds' }, /Invalid --lockTimeout/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => addColumnGenerator(tree, options), message));
  });
});
