import type { Tree } from '@nx/devkit';
import { SAMPLE_SCHEMA, createSampleTree, newMigrationFolders } from '../../testing/sample-tree';
import { readScript, sqlLines } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { addIndexGenerator } from './generator';

describe('add-index generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('adds @@index with the idx_ name and a CONCURRENTLY migration alone in its folder', async () => {
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId,createdAt' });

    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(schema).toContain('@@index([tenantId, createdAt], map: "idx_AuditLog_tenantId_createdAt")');
    expect(schema).toContain('/// Append-only record of what happened, per tenant; the largest table.\nmodel AuditLog {');
    expect(schema).toContain('// Sample application schema');

    const [folder, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(folder).toMatch(/^\d{14}_add_index_audit_log_tenant_id_created_at$/);
    expect(sqlLines(readScript(tree, folder))).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_AuditLog_tenantId_createdAt" ON "AuditLog"("tenantId", "createdAt");',
    ]);
    expect(sqlLines(readScript(tree, folder, 'down.sql'))).toEqual([
      'DROP INDEX CONCURRENTLY IF EXISTS "idx_AuditLog_tenantId_createdAt";',
    ]);
  });

  it('writes a unique index with a custom name', async () => {
    await addIndexGenerator(tree, { targetTable: 'User', fields: ['tenantId', 'name'], unique: true, name: 'user_tenant_name_uq' });
    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toContain('@@unique([tenantId, name], map: "user_tenant_name_uq")');
    const [folder] = newMigrationFolders(tree);
    expect(readScript(tree, folder)).toContain(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "user_tenant_name_uq" ON "User"("tenantId", "name");',
    );
  });

  it('gives each migration of one second a later timestamp', async () => {
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId,createdAt' });
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action' });
    const [first, second] = newMigrationFolders(tree).map((f) => Number(f.slice(0, 14)));
    expect(second).toBeGreaterThan(first);
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof addIndexGenerator>[1], RegExp][] = [
      ['unknown model', { targetTable: 'Audit', fields: 'tenantId' }, /Unknown model "Audit".*Models in the schema: .*AuditLog/],
      ['unknown field', { targetTable: 'AuditLog', fields: 'tenantid' }, /Model AuditLog has no field "tenantid".*tenantId/],
      ['relation field', { targetTable: 'AuditLog', fields: 'tenant' + 'Id,user' }, /AuditLog.user is a relation.*userId/],
      ['index that exists', { targetTable: 'Order', fields: 'tenantId,createdAt' }, /already has an index on \(tenantId, createdAt\)/],
      ['primary key', { targetTable: 'Order', fields: 'id', unique: true }, /already has a primary key/],
      ['invalid identifier', { targetTable: 'AuditLog', fields: 'action', name: 'x"; DROP TABLE y; --' }, /Invalid index name/],
      ['over-long identifier', { targetTable: 'AuditLog', fields: 'action', name: 'i'.repeat(64) }, /64 bytes long.*truncates/],
      ['name clash', { targetTable: 'AuditLog', fields: 'action', name: 'Order_tenantId_createdAt_idx' }, /already exists \(on model Order\)/],
      // One namespace for tables, sequences and indexes: IF NOT EXISTS would otherwise skip the build silently.
      ['name of a table', { targetTable: 'AuditLog', fields: 'action', name: 'Tenant' }, /--name Tenant is taken: it is the table of model Tenant\..*Pass another --name/],
      ['name of a sequence', { targetTable: 'AuditLog', fields: 'action', name: 'User_id_seq' }, /--name User_id_seq is taken: it is the sequence of User\.id/],
      ['name of a primary key', { targetTable: 'AuditLog', fields: 'action', name: 'User_pkey' }, /--name User_pkey is taken: it is the primary key of User/],
      ['no fields', { targetTable: 'AuditLog', fields: '' }, /No field to index/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => addIndexGenerator(tree, options), message));
  });
});
