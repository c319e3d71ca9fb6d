import { addColumnGenerator } from '../generators/add-column/generator';
import { addTableGenerator } from '../generators/add-table/generator';
import { removeTableGenerator } from '../generators/remove-table/generator';
import { SAMPLE_SCHEMA, createSampleTree } from '../testing/sample-tree';
import { topLevelBlocks } from './quiet-print';

/**
 * The sample schema as real projects write it, not as Prisma's printer would: `@unique()` and
 * `@id()` spelled with parentheses, a comment glued to the block below it and one right after a
 * closing brace, blank lines where the author wanted them, and a block comment (Prisma accepts
 * them; Trigger.dev's schema has several).
 */
function userWrittenTree() {
  const tree = createSampleTree();
  const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!
    .replace('  slug      String     @unique', '  slug      String     @unique()')
    .replace('  sku        String      @unique @db.VarChar(32)', '  sku        String      @unique() @db.VarChar(32)')
    .replace('/// A customer organisation; every other row belongs to one.\n', '/**\n * Tenants: one per customer organisation.\n */\n// Allow username reuse across tenants\n/// A customer organisation; every other row belongs to one.\n')
    .replace(/\n\nmodel Product \{/, '\n\n\n// Products are global, not per tenant\nmodel Product {');
  tree.write(SAMPLE_SCHEMA, schema);
  return { tree, schema };
}

/** The file with one block cut out: what must stay byte-identical around a change. */
function without(text: string, key: string): string {
  const block = topLevelBlocks(text)!.find((b) => b.key === key)!;
  return text.slice(0, block.start) + text.slice(block.end);
}

describe('quiet diffs: a generator changes only the blocks it touches', () => {
  it('add-column rewrites the touched model only; every other byte, comments and spellings included, stays', async () => {
    const { tree, schema } = userWrittenTree();
    await addColumnGenerator(tree, { targetTable: 'Order', name: 'memo', type: 'String', optional: true });
    const after = tree.read(SAMPLE_SCHEMA, 'utf-8')!;

    expect(after).toMatch(/model Order \{[^}]*\n  memo +String\?\n/);
    expect(without(after, 'model Order')).toBe(without(schema, 'model Order'));
    expect(after).toContain('@unique()');
    expect(after).toContain('/**\n * Tenants: one per customer organisation.\n */\n// Allow username reuse across tenants\n/// A customer organisation');
  });

  it('add-table puts the new model where Prisma would and leaves the rest as written', async () => {
    const { tree, schema } = userWrittenTree();
    await addTableGenerator(tree, { name: 'Invoice', fields: [{ name: 'number', type: 'String' }], relations: [{ field: 'order', references: 'Order' }] });
    const after = tree.read(SAMPLE_SCHEMA, 'utf-8')!;

    const blocks = topLevelBlocks(after)!.map((b) => b.key);
    expect(blocks.indexOf('model Invoice')).toBe(blocks.indexOf('model Order') + 1);
    expect(without(without(after, 'model Invoice'), 'model Order').replace(/\n{3,}/g, '\n\n')).toBe(without(schema, 'model Order').replace(/\n{3,}/g, '\n\n'));
    expect(after).toContain('@unique()');
  });

  it('remove-table takes the model with its documentation and leaves the comments of others', async () => {
    const { tree, schema } = userWrittenTree();
    await removeTableGenerator(tree, { targetTable: 'AuditLog', confirmDataLoss: true });
    const after = tree.read(SAMPLE_SCHEMA, 'utf-8')!;

    expect(after).not.toMatch(/model AuditLog|AuditLog\[\]/);
    expect(after).toContain('// Products are global, not per tenant\nmodel Product {');
    expect(after).toContain('sku        String      @unique() @db.VarChar(32)');
    expect(after.length).toBeLessThan(schema.length);
  });
});
