import type { Tree } from '@nx/devkit';
import { modelBlock, readScript, scriptLines } from '../../testing/generated-sql';
import { SAMPLE_SCHEMA, createSampleTree, newMigrationFolders } from '../../testing/sample-tree';
import { addTableGenerator } from '../add-table/generator';
import { removeRelationGenerator } from '../remove-relation/generator';
import { addRelationGenerator } from './generator';

/** The sample schema as a PlanetScale-era or serverless project keeps it: relations emulated by Prisma Client. */
function relationModePrismaTree(): Tree {
  const tree = createSampleTree();
  const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
  tree.write(SAMPLE_SCHEMA, schema.replace('provider = "postgresql"', 'provider     = "postgresql"\n  relationMode = "prisma"'));
  return tree;
}

const allSql = (tree: Tree) => newMigrationFolders(tree).flatMap((f) => [readScript(tree, f), readScript(tree, f, 'down.sql')]).join('\n');

describe('relation generators under relationMode = "prisma"', () => {
  it('add-relation: the new column, then the index Prisma asks for built CONCURRENTLY; no foreign key anywhere', async () => {
    const tree = relationModePrismaTree();
    await addRelationGenerator(tree, { targetTable: 'Order', field: 'product', references: 'Product', optional: true });

    expect(modelBlock(tree, 'Order')).toContain('product    Product?    @relation(fields: [productId], references: [id])');
    expect(modelBlock(tree, 'Order')).toContain('@@index([productId], map: "idx_Order_productId")');
    const [column, index, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(column).toMatch(/_add_relation_order_product$/);
    expect(index).toMatch(/_add_relation_order_product_index$/);
    expect(scriptLines(tree, column).slice(1)).toEqual(['ALTER TABLE "Order" ADD COLUMN "productId" INTEGER;']);
    expect(scriptLines(tree, column, 'down.sql').slice(1)).toEqual(['ALTER TABLE "Order" DROP COLUMN "productId";']);
    expect(scriptLines(tree, index)).toEqual(['CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_Order_productId" ON "Order"("productId");']);
    expect(scriptLines(tree, index, 'down.sql')).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS "idx_Order_productId";']);
    expect(allSql(tree)).not.toMatch(/FOREIGN KEY|CONSTRAINT/);
  });

  it('remove-relation: only the schema changes; no migration, the column and its index stay', async () => {
    const tree = relationModePrismaTree();
    await removeRelationGenerator(tree, { targetTable: 'OrderItem', field: 'product' });

    expect(modelBlock(tree, 'OrderItem')).not.toMatch(/\bproduct\s+Product/);
    expect(modelBlock(tree, 'OrderItem')).toMatch(/productId\s+Int/);
    expect(newMigrationFolders(tree)).toEqual([]);
  });

  it('add-table with a relation: CREATE TABLE and the relation scalar index, no foreign key', async () => {
    const tree = relationModePrismaTree();
    await addTableGenerator(tree, {
      name: 'Invoice',
      fields: [{ name: 'number', type: 'String' }],
      relations: [{ field: 'order', references: 'Order', onDelete: 'Cascade' }],
    });

    const [folder, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(readScript(tree, folder)).toMatch(/CREATE TABLE "Invoice"/);
    expect(readScript(tree, folder)).toMatch(/CREATE INDEX "idx_Invoice_orderId" ON "Invoice"\("orderId"\);/);
    expect(allSql(tree)).not.toMatch(/FOREIGN KEY/);
  });
});
