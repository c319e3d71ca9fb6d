import type { Tree } from '@nx/devkit';
import { SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, splitSampleSchema } from '../../testing/sample-tree';
import { LOCK_TIMEOUT_LINE, modelBlock, readScript, type ScriptFile } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { addTableGenerator } from './generator';

/** Statements of a migration file, one entry each (multi-line CREATE TABLE kept whole), comments left out. */
function statements(tree: Tree, folder: string, file: ScriptFile = 'migration.sql'): string[] {
  return readScript(tree, folder, file)
    .split(/;\n/)
    .map((s) => s.split('\n').filter((l) => !l.startsWith('--') && l.trim()).join('\n'))
    .filter(Boolean)
    .map((s) => (s.endsWith(';') ? s : `${s};`));
}

describe('add-table generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('creates a table with an autoincrement id and checked fields, in one transaction; down drops it', async () => {
    await addTableGenerator(tree, {
      name: 'Coupon',
      fields: '[{"name":"code","type":"String","unique":true,"dbType":"VarChar(40)"},{"name":"percentOff","type":"Int","default":10},{"name":"note","type":"String","optional":true}]',
    });
    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/\n\}\n\nmodel Coupon \{\n[\s\S]*\}\n$/);
    expect(modelBlock(tree, 'Coupon')).toBe(
      [
        'model Coupon {',
        '  id         Int     @id @default(autoincrement())',
        '  code       String  @unique @db.VarChar(40)',
        '  percentOff Int     @default(10)',
        '  note       String?',
        '}',
      ].join('\n'),
    );
    const [folder, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(folder).toMatch(/^\d{14}_add_table_coupon$/);
    expect(statements(tree, folder)).toEqual([
      LOCK_TIMEOUT_LINE,
      [
        'CREATE TABLE "Coupon" (',
        '    "id" SERIAL NOT NULL,',
        '    "code" VARCHAR(40) NOT NULL,',
        '    "percentOff" INTEGER NOT NULL DEFAULT 10,',
        '    "note" TEXT,',
        '    CONSTRAINT "Coupon_pkey" PRIMARY KEY ("id")',
        ');',
      ].join('\n'),
      'CREATE UNIQUE INDEX "Coupon_code_key" ON "Coupon"("code");',
    ]);
    expect(statements(tree, folder, 'down.sql')).toEqual([LOCK_TIMEOUT_LINE, 'DROP TABLE "Coupon";']);
  });

  it('adds relations (foreign-key columns, back-relations, indexes on them), indexes and @@map next to the related model', async () => {
    await addTableGenerator(tree, {
      name: 'Invoice',
      id: 'uuid',
      fields: [
        { name: 'number', type: 'String', unique: true },
        { name: 'createdAt', type: 'DateTime', default: 'now()' },
      ],
      relations: '[{"field":"order","references":"Order","onDelete":"Cascade"},{"field":"approver","references":"User","optional":true}]',
      indexes: '[{"fields":["createdAt"]},{"fields":["orderId","number"],"unique":true,"name":"invoice_order_number"}]',
      map: 'invoices',
    });
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(schema.indexOf('model Invoice {')).toBeGreaterThan(schema.indexOf('model Order {'));
    expect(schema.indexOf('model Invoice {')).toBeLessThan(schema.indexOf('model OrderItem {'));
    expect(modelBlock(tree, 'Invoice')).toBe(
      [
        'model Invoice {',
        '  id         String   @id @default(uuid()) @db.Uuid',
        '  number     String   @unique',
        '  createdAt  DateTime @default(now())',
        '  orderId    Int',
        '  order      Order    @relation(fields: [orderId], references: [id], onDelete: Cascade)',
        '  approverId Int?',
        '  approver   User?    @relation(fields: [approverId], references: [id])',
        '',
        '  @@unique([orderId, number], map: "invoice_order_number")',
        '  @@index([createdAt], map: "idx_invoices_createdAt")',
        '  @@index([approverId], map: "idx_invoices_approverId")',
        '  @@map("invoices")',
        '}',
      ].join('\n'),
    );
    expect(modelBlock(tree, 'Order')).toContain('  invoices   Invoice[]\n');
    expect(modelBlock(tree, 'User')).toContain('  invoices  Invoice[]\n');

    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/_add_table_invoices$/);
    const up = statements(tree, folder);
    expect(up[0]).toBe(LOCK_TIMEOUT_LINE);
    expect(up[1]).toMatch(/^CREATE TABLE "invoices" \(\n    "id" UUID NOT NULL,[\s\S]*"orderId" INTEGER NOT NULL,\n    "approverId" INTEGER,[\s\S]*CONSTRAINT "invoices_pkey" PRIMARY KEY \("id"\)\n\);$/);
    expect(up.slice(2)).toEqual([
      'CREATE UNIQUE INDEX "invoices_number_key" ON "invoices"("number");',
      'CREATE INDEX "idx_invoices_createdAt" ON "invoices"("createdAt");',
      'CREATE INDEX "idx_invoices_approverId" ON "invoices"("approverId");',
      'CREATE UNIQUE INDEX "invoice_order_number" ON "invoices"("orderId", "number");',
      'ALTER TABLE "invoices" ADD CONSTRAINT "invoices_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;',
      'ALTER TABLE "invoices" ADD CONSTRAINT "invoices_approverId_fkey" FOREIGN KEY ("approverId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;',
    ]);
    expect(statements(tree, folder, 'down.sql')).toEqual([
      LOCK_TIMEOUT_LINE,
      'ALTER TABLE "invoices" DROP CONSTRAINT "invoices_orderId_fkey";',
      'ALTER TABLE "invoices" DROP CONSTRAINT "invoices_approverId_fkey";',
      'DROP TABLE "invoices";',
    ]);
  });

  it('uses a foreign-key column given in --fields, names two relations to one model, and skips an index on request', async () => {
    await addTableGenerator(tree, {
      name: 'Review',
      id: 'BigInt',
      fields: '[{"name":"authorId","type":"Int"},{"name":"stars","type":"Int"}]',
      relations: [
        { field: 'author', references: 'User', fields: ['authorId'] },
        { field: 'editor', references: 'User', optional: true, index: false },
      ],
    });
    expect(modelBlock(tree, 'Review')).toBe(
      [
        'model Review {',
        '  id       BigInt @id @default(autoincrement())',
        '  authorId Int',
        '  stars    Int',
        '  author   User   @relation(fields: [authorId], references: [id])',
        '  editorId Int?',
        '  editor   User?  @relation("ReviewEditor", fields: [editorId], references: [id])',
        '',
        '  @@index([authorId], map: "idx_Review_authorId")',
        '}',
      ].join('\n'),
    );
    expect(modelBlock(tree, 'User')).toContain('  reviews       Review[]\n');
    expect(modelBlock(tree, 'User')).toContain('  editorReviews Review[]   @relation("ReviewEditor")\n');
  });

  it('takes the id as a shorthand or a JSON field', async () => {
    await addTableGenerator(tree, { name: 'Token', id: 'gen_random_uuid' });
    expect(modelBlock(tree, 'Token')).toContain('id String @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid');
    await addTableGenerator(tree, { name: 'Country', id: '{"name":"code","type":"String","dbType":"Char(2)"}', fields: '[{"name":"name","type":"String"}]' });
    expect(modelBlock(tree, 'Country')).toContain('code String @id @db.Char(2)');
    const [token, country] = newMigrationFolders(tree);
    expect(statements(tree, token)[1]).toContain('"id" UUID NOT NULL DEFAULT gen_random_uuid(),');
    expect(statements(tree, country)[1]).toContain('"code" CHAR(2) NOT NULL,');
  });

  it('works on a multi-file schema: the model goes next to the model it references', async () => {
    const { main, part, mainContent } = splitSampleSchema(tree, 'product.prisma', 'model Product {', '/// An order;');
    await addTableGenerator(tree, { name: 'Price', fields: '[{"name":"cents","type":"Int"}]', relations: '[{"field":"product","references":"Product"}]' });
    const products = tree.read(part, 'utf-8')!;
    expect(products).toContain('model Price {');
    expect(products).toContain('  prices     Price[]\n');
    expect(tree.read(main, 'utf-8')).toBe(mainContent);
    await addTableGenerator(tree, { name: 'Setting', fields: '[{"name":"key","type":"String"}]' });
    expect(tree.read(main, 'utf-8')).toContain('model Setting {');
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof addTableGenerator>[1], RegExp][] = [
      ['model that exists', { name: 'Order' }, /A model named Order already exists in packages\/prisma\/prisma\/schema\.prisma\. Choose another --name/],
      ['same name in another case', { name: 'auditlog' }, /A model named AuditLog exists \(model AuditLog: Prisma Client would give both the same name\)/],
      ['invalid model name', { name: '1nvoice' }, /Invalid model name "1nvoice"/],
      ['table name taken', { name: 'Bill', map: 'Order' }, /Model Order already uses the table name Order\. Pass another --map/],
      ['invalid table name', { name: 'Bill', map: 'bad name' }, /Invalid table name \(--map\) "bad name"/],
      ['bad field type', { name: 'Bill', fields: '[{"name":"total","type":"Integer"}]' }, /Invalid type "Integer"\..*A column type is one of String, Boolean, Int/],
      ['a model as field type', { name: 'Bill', fields: '[{"name":"order","type":"Order"}]' }, /Field order has the type Order, a model: relate the models with --relations/],
      ['bad default', { name: 'Bill', fields: '[{"name":"total","type":"Int","default":"ten"}]' }, /Invalid --default "ten" for a Int column: expected an integer/],
      ['bad native type', { name: 'Bill', fields: '[{"name":"total","type":"Int","dbType":"VarChar(10)"}]' }, /VarChar/],
      ['field twice', { name: 'Bill', fields: '[{"name":"id","type":"Int"}]' }, /The field "id" is given twice/],
      ['relation field clashes with a field', { name: 'Bill', fields: '[{"name":"order","type":"String"}]', relations: '[{"field":"order","references":"Order"}]' }, /The field "order" is given twice/],
      ['unknown relation target', { name: 'Bill', relations: '[{"field":"coupon","references":"Coupon"}]' }, /Unknown model "Coupon" \(--references\)/],
      ['foreign-key type mismatch', { name: 'Bill', fields: '[{"name":"orderId","type":"String"}]', relations: '[{"field":"order","references":"Order"}]' }, /Type mismatch: Bill\.orderId is String but Order\.id is Int/],
      ['back-relation clash', { name: 'Bill', relations: '[{"field":"order","references":"Order","backRelationField":"items"}]' }, /Model Order already has a field named "items"/],
      ['index on an unknown field', { name: 'Bill', fields: '[{"name":"total","type":"Int"}]', indexes: '[{"fields":["totl"]}]' }, /Model Bill has no field "totl"\. Did you mean "total"\?/],
      ['invalid id shorthand', { name: 'Bill', id: 'serial' }, /Invalid --id "serial": use one of int, autoincrement, bigint, uuid, gen_random_uuid, cuid/],
      ['unsupported id type', { name: 'Bill', id: { type: 'DateTime' } }, /Invalid --id type "DateTime"/],
      ['fields not JSON', { name: 'Bill', fields: '[{name:"x"}]' }, /--fields is not valid JSON/],
      ['fields not an array of fields', { name: 'Bill', fields: '{"name":"x","type":"Int"}' }, /--fields must be a JSON array like/],
      ['relations without references', { name: 'Bill', relations: '[{"field":"order"}]' }, /--relations must be a JSON array like/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => addTableGenerator(tree, options), message));
  });
});
