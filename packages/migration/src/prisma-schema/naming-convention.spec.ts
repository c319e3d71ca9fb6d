import { addColumnGenerator } from '../generators/add-column/generator';
import { addRelationGenerator } from '../generators/add-relation/generator';
import { corpusRoot, createCorpusTree } from '../testing/corpus-tree';
import { modelBlock } from '../testing/generated-sql';
import { createSampleTree, newMigrationFolders, SAMPLE_MIGRATIONS } from '../testing/sample-tree';
import { snakeCase } from './naming-convention';

const LANGFUSE_SCHEMA = `${corpusRoot('langfuse')}/prisma/schema.prisma`;
const LANGFUSE_MIGRATIONS = `${corpusRoot('langfuse')}/prisma/migrations`;

describe("new fields follow the model's naming convention", () => {
  it('snake_cases like the schemas that map every field', () => {
    expect(['createdAt', 'sha256Hash', 'isPinned', 'userId', 'name', 'HTTPStatus'].map(snakeCase)).toEqual(['created_at', 'sha256_hash', 'is_pinned', 'user_id', 'name', 'http_status']);
  });

  it('maps a new field to snake_case in a model whose fields are mapped that way (Langfuse)', async () => {
    const tree = createCorpusTree('langfuse');
    await addColumnGenerator(tree, { project: 'langfuse', targetTable: 'Dashboard', name: 'isPinned', type: 'Boolean', default: false });

    expect(modelBlock(tree, 'Dashboard', LANGFUSE_SCHEMA)).toMatch(/\n  isPinned +Boolean +@default\(false\) @map\("is_pinned"\)\n/);
    const [folder] = newMigrationFolders(tree, LANGFUSE_MIGRATIONS);
    expect(tree.read(`${LANGFUSE_MIGRATIONS}/${folder}/migration.sql`, 'utf-8')).toMatch(/ALTER TABLE "dashboards" ADD COLUMN +"is_pinned" BOOLEAN NOT NULL DEFAULT false;/);
  });

  it('keeps an explicit --map, and adds none where the model does not map its fields', async () => {
    const langfuse = createCorpusTree('langfuse');
    await addColumnGenerator(langfuse, { project: 'langfuse', targetTable: 'Dashboard', name: 'pinnedAt', type: 'DateTime', optional: true, map: 'pinned' });
    expect(modelBlock(langfuse, 'Dashboard', LANGFUSE_SCHEMA)).toMatch(/\n  pinnedAt +DateTime\? +@map\("pinned"\)\n/);

    const sample = createSampleTree();
    await addColumnGenerator(sample, { targetTable: 'Order', name: 'internalNote', type: 'String', optional: true });
    expect(modelBlock(sample, 'Order')).toMatch(/\n  internalNote +String\?\n/);
    expect(sample.read(`${SAMPLE_MIGRATIONS}/${newMigrationFolders(sample)[0]}/migration.sql`, 'utf-8')).toMatch(/ADD COLUMN +"internalNote" TEXT;/);
  });

  it('maps a new foreign-key field the same way, and names its constraint and index after the column (Langfuse)', async () => {
    const tree = createCorpusTree('langfuse');
    await addRelationGenerator(tree, { project: 'langfuse', targetTable: 'Dashboard', field: 'owner', references: 'User', optional: true, relationName: 'DashboardOwner', backRelationField: 'ownedDashboards' });

    expect(modelBlock(tree, 'Dashboard', LANGFUSE_SCHEMA)).toMatch(/\n  ownerId +String\? +@map\("owner_id"\)\n/);
    const sql = newMigrationFolders(tree, LANGFUSE_MIGRATIONS)
      .map((f) => tree.read(`${LANGFUSE_MIGRATIONS}/${f}/migration.sql`, 'utf-8'))
      .join('\n');
    expect(sql).toMatch(/ALTER TABLE "dashboards" ADD COLUMN +"owner_id" TEXT;/);
    expect(sql).toContain('ADD CONSTRAINT "dashboards_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id")');
    expect(sql).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_dashboards_owner_id" ON "dashboards"("owner_id");');
  });
});
