import { readDatamodel } from '../prisma-schema/prisma-fmt';
import { classify, type ClassifyInput } from './classify';

const HEADER = 'datasource db {\n  provider = "postgresql"\n}\n';

const BEFORE = `${HEADER}
model Customer {
  id     Int     @id @default(autoincrement())
  email  String  @unique
  note   String?
  legacy Int?
  orders Order[]
}

model Order {
  id         Int      @id @default(autoincrement())
  customerId Int
  customer   Customer @relation(fields: [customerId], references: [id])
  total      Int
}
`;

function input(after: string, extra: Partial<ClassifyInput> = {}): ClassifyInput {
  const datamodel = (content: string) => readDatamodel([{ path: 'schema.prisma', content }]);
  return { before: datamodel(BEFORE), after: datamodel(after), renames: new Map(), backfills: new Map(), confirmDataLoss: false, ...extra };
}

describe('classify: Prisma datamodel before/after → the ten generators’ options, in an order that applies', () => {
  it('a field gone and one of the same type added is a candidate rename, not a guess', () => {
    const result = classify(input(BEFORE.replace('  note   String?\n', '  remark String?\n')));
    expect(result.undecided).toEqual([{ from: 'Customer.note', to: 'remark' }]);
    expect(result.changes.map((c) => c.type)).toEqual(['add_column', 'remove_column']);
  });

  it('a field gone and one of another type added is no candidate', () => {
    expect(classify(input(BEFORE.replace('  note   String?\n', '  score  Int?\n'))).undecided).toEqual([]);
  });

  it('orders renames, tables, columns, type changes, relations, indexes, then removals', () => {
    const after = `${HEADER}
model Customer {
  id       Int       @id @default(autoincrement())
  email    String    @unique
  remark   String?
  tier     String?
  orders   Order[]
  invoices Invoice[]
}

model Order {
  id         Int      @id @default(autoincrement())
  customerId Int
  customer   Customer @relation(fields: [customerId], references: [id])
  total      BigInt

  @@index([total])
}

model Invoice {
  id         Int      @id @default(autoincrement())
  customerId Int
  customer   Customer @relation(fields: [customerId], references: [id])

  @@index([customerId])
}
`;
    const result = classify(input(after, { renames: new Map([['Customer.note', 'remark']]), confirmDataLoss: true }));
    expect(result.undecided).toEqual([]);
    expect(result.changes.map((c) => [c.type, c.options])).toEqual([
      ['rename', { targetTable: 'Customer', field: 'note', to: 'remark' }],
      [
        'add_table',
        {
          name: 'Invoice',
          fields: [],
          id: { name: 'id', type: 'Int', default: 'autoincrement()' },
          relations: [{ field: 'customer', references: 'Customer', fields: ['customerId'], referencedFields: ['id'], backRelationField: 'invoices' }],
          indexes: [{ fields: ['customerId'], name: 'Invoice_customerId_idx' }],
        },
      ],
      ['add_column', { targetTable: 'Customer', name: 'tier', type: 'String', optional: true }],
      ['modify_column', { targetTable: 'Order', column: 'total', type: 'BigInt', confirmDataLoss: true }],
      ['add_index', { targetTable: 'Order', fields: ['total'], name: 'Order_total_idx' }],
      ['remove_column', { targetTable: 'Customer', column: 'legacy', confirmDataLoss: true }],
    ]);
    expect(result.changes.find((c) => c.type === 'remove_column')?.loss).toBe('column Customer.legacy and its values');
  });

  it('a required field without a default needs a backfill; --backfill value or sql: fills it', () => {
    const after = BEFORE.replace('  legacy Int?\n', '  legacy Int?\n  locale String\n');
    expect(classify(input(after)).changes[0].needsBackfill).toBe('Customer.locale');
    expect(classify(input(after, { backfills: new Map([['Customer.locale', 'en']]) })).changes[0].options).toMatchObject({ backfillValue: 'en' });
    expect(classify(input(after, { backfills: new Map([['Customer.locale', 'sql:lower(email)']]) })).changes[0].options).toMatchObject({ backfillSql: 'lower(email)' });
  });

  it('an existing field that becomes required takes a --backfill value; sql: is refused, not dropped', () => {
    const after = BEFORE.replace('  note   String?\n', '  note   String\n');
    expect(classify(input(after, { backfills: new Map([['Customer.note', '-']]) })).changes[0].options).toMatchObject({ required: true, backfillValue: '-' });
    expect(() => classify(input(after, { backfills: new Map([['Customer.note', 'sql:lower(email)']]) }))).toThrow(
      /--backfill Customer\.note=sql:… cannot fill an existing column that becomes required: modify-column takes a value \(--backfill Customer\.note=<value>\)/,
    );
  });

  it('names what no generator makes instead of dropping it: a changed referential action, enum values', () => {
    const after = `${BEFORE.replace('references: [id])\n  total', 'references: [id], onDelete: Cascade)\n  total')}\nenum Tier {\n  GOLD\n}\n`;
    expect(classify(input(after)).unsupported).toEqual([
      'relation Order.customer changed (Customer(customerId→id) onDelete default onUpdate default → Customer(customerId→id) onDelete Cascade onUpdate default)',
      'new enum Tier (GOLD)',
    ]);
  });
});
