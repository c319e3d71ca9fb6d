import type { Tree } from '@nx/devkit';
import { SAMPLE_MIGRATIONS, SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, snapshotTree } from '../../testing/sample-tree';
import { addColumnGenerator } from './generator';

function sqlLines(script: string): string[] {
  return script.split('\n').filter((l) => l.trim() && !l.startsWith('--'));
}

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
    expect(sqlLines(tree.read(`${SAMPLE_MIGRATIONS}/${folder}/migration.sql`, 'utf-8')!)).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "User" ADD COLUMN     "preferences" JSONB;',
    ]);
    expect(sqlLines(tree.read(`${SAMPLE_MIGRATIONS}/${folder}/down.sql`, 'utf-8')!)).toEqual([
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
    const up = tree.read(`${SAMPLE_MIGRATIONS}/${folder}/migration.sql`, 'utf-8')!;
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
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    const auditStart = schema.indexOf('/// Append-only');
    tree.delete(SAMPLE_SCHEMA);
    tree.write('packages/prisma/prisma/schema/schema.prisma', schema.slice(0, auditStart));
    tree.write('packages/prisma/prisma/schema/audit.prisma', schema.slice(auditStart));
    tree.write('packages/prisma/prisma.config.ts', "export default { schema: 'prisma/schema', migrations: { path: 'prisma/migrations' } };\n");
    const main = tree.read('packages/prisma/prisma/schema/schema.prisma', 'utf-8');

    await addColumnGenerator(tree, { targetTable: 'AuditLog', name: 'ip', type: 'String', optional: true });
    expect(tree.read('packages/prisma/prisma/schema/audit.prisma', 'utf-8')).toMatch(/ip +String\?/);
    expect(tree.read('packages/prisma/prisma/schema/schema.prisma', 'utf-8')).toBe(main);
    const [folder] = newMigrationFolders(tree);
    expect(tree.read(`${SAMPLE_MIGRATIONS}/${folder}/migration.sql`, 'utf-8')).toContain('ALTER TABLE "AuditLog" ADD COLUMN     "ip" TEXT;');
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
      ['required without default', { targetTable: 'User', name: 'age', type: 'Int' }, /required and has no database default.*--optional/],
      ['client-side default', { targetTable: 'User', name: 'token', type: 'String', default: 'uuid()' }, /filled in by Prisma Client/],
      ['volatile default', { targetTable: 'User', name: 'r', type: 'Float', default: 'dbgenerated("random()")' }, /volatile/],
      ['default of the wrong type', { targetTable: 'User', name: 'age', type: 'Int', default: 'ten' }, /Invalid --default "ten" for a Int column/],
      ['native type that does not fit', { targetTable: 'User', name: 'n', type: 'Int', dbType: 'VarChar(10)', optional: true }, /VarChar.*(not compatible|Int)/],
      ['bad --columns JSON', { targetTable: 'User', columns: '[{name:' }, /--columns is not valid JSON/],
      ['missing --type', { targetTable: 'User', name: 'x' }, /Missing --type/],
      ['bad lock timeout', { targetTable: 'User', name: 'x', type: 'Json', optional: true, lockTimeout: '5 seconds' }, /Invalid --lockTimeout/],
    ];
    it.each(cases)('%s', async (_label, options, message) => {
      const before = snapshotTree(tree);
      await expect(addColumnGenerator(tree, options)).rejects.toThrow(message);
      expect(snapshotTree(tree)).toEqual(before);
    });
  });
});
