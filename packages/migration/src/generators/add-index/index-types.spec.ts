import type { Tree } from '@nx/devkit';
import { corpusRoot, createCorpusTree } from '../../testing/corpus-tree';
import { modelBlock, readScript } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { createSampleTree, newMigrationFolders, SAMPLE_MIGRATIONS } from '../../testing/sample-tree';
import { addIndexGenerator } from './generator';

const report = (tree: Tree, folder: string, migrationsDir = SAMPLE_MIGRATIONS) => tree.read(`${migrationsDir}/${folder}/report.md`, 'utf-8')!;

describe('add-index: access methods, operator classes, redundant indexes', () => {
  it('indexes a list column with GIN by default, the way has/hasSome filters can use it (Langfuse prompts.labels)', async () => {
    const tree = createCorpusTree('langfuse');
    const schemaPath = `${corpusRoot('langfuse')}/prisma/schema.prisma`;
    const migrations = `${corpusRoot('langfuse')}/prisma/migrations`;
    await addIndexGenerator(tree, { project: 'langfuse', targetTable: 'Prompt', fields: 'labels' });

    expect(modelBlock(tree, 'Prompt', schemaPath)).toContain('@@index([labels], type: Gin, map: "idx_prompts_labels")');
    const [folder] = newMigrationFolders(tree, migrations);
    const sql = tree.read(`${migrations}/${folder}/migration.sql`, 'utf-8')!;
    expect(sql).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_prompts_labels" ON "prompts" USING GIN ("labels");');
    expect(report(tree, folder, migrations)).toMatch(/Prompt\.labels is a list: a GIN index/);
  });

  it('writes --type and --ops as Prisma does: named operator classes as they are, PostgreSQL ones through raw()', async () => {
    const tree = createSampleTree();
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'payload', type: 'gin', ops: 'JsonbPathOps' });
    await addIndexGenerator(tree, { targetTable: 'User', fields: 'email', ops: 'text_pattern_ops', name: 'idx_User_email_prefix' });
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action', type: 'Hash' });

    expect(modelBlock(tree, 'AuditLog')).toContain('@@index([payload(ops: JsonbPathOps)], type: Gin, map: "idx_AuditLog_payload")');
    expect(modelBlock(tree, 'User')).toContain('@@index([email(ops: raw("text_pattern_ops"))], map: "idx_User_email_prefix")');
    expect(modelBlock(tree, 'AuditLog')).toContain('@@index([action], type: Hash, map: "idx_AuditLog_action")');
    const [gin, pattern, hash] = newMigrationFolders(tree);
    expect(readScript(tree, gin)).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_AuditLog_payload" ON "AuditLog" USING GIN ("payload" jsonb_path_ops);');
    expect(readScript(tree, pattern)).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_User_email_prefix" ON "User"("email" text_pattern_ops);');
    expect(readScript(tree, hash)).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_AuditLog_action" ON "AuditLog" USING HASH ("action");');
  });

  it('says when an existing index becomes a redundant leading part of the new one', async () => {
    const tree = createSampleTree();
    await addIndexGenerator(tree, { targetTable: 'Order', fields: 'tenantId,createdAt,status' });

    const [folder] = newMigrationFolders(tree);
    expect(report(tree, folder)).toMatch(/The index Order_tenantId_createdAt_idx on \(tenantId, createdAt\) is a leading part of the new one/);
  });

  describe('refuses, writing nothing', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['an unknown type', { targetTable: 'AuditLog', fields: 'action', type: 'Bloom' }, /Unknown index --type "Bloom"\. Use one of BTree, Hash, Gist, Gin, SpGist, Brin/],
      ['a unique GIN index', { targetTable: 'AuditLog', fields: 'payload', type: 'Gin', unique: true }, /A unique index must be a B-tree/],
      ['a Hash index on two columns', { targetTable: 'AuditLog', fields: 'action,createdAt', type: 'Hash' }, /A Hash index covers one column/],
      ['operator classes that do not match the fields', { targetTable: 'AuditLog', fields: 'action,createdAt', ops: 'a_ops,b_ops,c_ops' }, /--ops gives 3 operator classes for 2 fields/],
      ['an operator class that is no name', { targetTable: 'AuditLog', fields: 'action', ops: 'x); DROP TABLE y' }, /is not an operator class/],
    ];
    it.each(cases)('%s', async (_label, options, message) => {
      const tree = createSampleTree();
      await expectRefusedUntouched(tree, () => addIndexGenerator(tree, options as never), message);
    });
  });
});
