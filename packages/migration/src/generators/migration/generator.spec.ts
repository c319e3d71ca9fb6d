import type { Tree } from '@nx/devkit';
import { createSampleTree, snapshotTree } from '../../testing/sample-tree';
import { expectRefusedUntouched } from '../../testing/refusal';
import { loadChangeGenerator, type ChangeType } from './change-types';
import { migrationGenerator } from './generator';

/** Files as written, with migration timestamps blanked (two runs can straddle a second). */
function written(tree: Tree): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [path, content] of snapshotTree(tree)) {
    files[path.replace(/\/\d{14}_/, '/<ts>_')] = content.replace(/\d{14}/g, '<ts>').replace(/@generated-at .*/, '@generated-at <time>');
  }
  return files;
}

const EXAMPLES: [ChangeType, string, Record<string, unknown>][] = [
  ['add_column', 'User', { columns: [{ name: 'preferences', type: 'Json', optional: true }] }],
  ['remove_column', 'Order', { column: 'note', confirmDataLoss: true }],
  ['modify_column', 'Product', { column: 'sku', dbType: 'VarChar(64)' }],
  ['add_index', 'AuditLog', { fields: ['tenantId', 'createdAt'] }],
  ['remove_index', 'Order', { fields: ['tenantId', 'createdAt'] }],
  ['add_table', 'Coupon', { fields: [{ name: 'code', type: 'String', unique: true }] }],
  ['remove_table', 'AuditLog', { confirmDataLoss: true }],
  ['add_relation', 'Product', { field: 'tenant', references: 'Tenant', optional: true }],
  ['remove_relation', 'AuditLog', { field: 'user' }],
  ['rename', 'User', { field: 'name', to: 'displayName' }],
];

describe('migration generator (the seed interface)', () => {
  it.each(EXAMPLES)('%s on %s writes exactly what its own generator writes', async (changeType, targetTable, changes) => {
    const viaMigration = createSampleTree();
    await migrationGenerator(viaMigration, { migrationName: 'the_change', changeType, targetTable, changes: JSON.stringify(changes) });

    const direct = createSampleTree();
    const table = changeType === 'add_table' ? { name: targetTable } : { targetTable };
    await loadChangeGenerator(changeType)(direct, { ...changes, ...table, migrationName: 'the_change' });

    const files = written(viaMigration);
    expect(files).toEqual(written(direct));
    expect(Object.keys(files).some((p) => p.includes('/<ts>_the_change'))).toBe(true);
  });

  describe('rejects what does not fit, showing the expected shape, and leaves the tree untouched', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['unknown change type', { changeType: 'add_colum', targetTable: 'User' }, /Unknown --changeType "add_colum"\. Did you mean "add_column"\?.*rename/s],
      ['changes not JSON', { changeType: 'add_index', targetTable: 'AuditLog', changes: '{fields:' }, /--changes is not valid JSON/],
      ['changes not an object', { changeType: 'add_index', targetTable: 'AuditLog', changes: '["tenantId"]' }, /must be a JSON object.*"fields": string \| array \(required\)/s],
      ['unknown key', { changeType: 'add_index', targetTable: 'AuditLog', changes: '{"field":["tenantId"]}' }, /unknown key "field".*Did you mean "fields"\?.*Expected --changes for add_index/s],
      ['missing required key', { changeType: 'rename', targetTable: 'User', changes: '{"field":"name"}' }, /lacks "to" for rename/],
      ['wrong type', { changeType: 'add_index', targetTable: 'AuditLog', changes: '{"fields":["tenantId"],"unique":"yes"}' }, /"unique" must be boolean, got string/],
      ['missing target table', { changeType: 'add_index', changes: '{"fields":["tenantId"]}' }, /Missing --targetTable/],
      ['a generator refusal', { changeType: 'add_index', targetTable: 'AuditLog', changes: '{"fields":["nope"]}' }, /has no field "nope"/],
    ];
    it.each(cases)('%s', async (_label, options, message) => {
      const tree = createSampleTree();
      await expectRefusedUntouched(tree, () => migrationGenerator(tree, { migrationName: 'x', ...options } as never), message);
    });
  });
});
