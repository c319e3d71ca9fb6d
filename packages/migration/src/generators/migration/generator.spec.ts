import type { Tree } from '@nx/devkit';
import { createSampleTree, snapshotTree } from '../../testing/sample-tree';
import { expectRefusedUntouched } from '../../testing/refusal';
import type { Answer, Ask, Question } from './change-questions';
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

  describe('interactive, without --changes: asks what the change type needs', () => {
    /** Answers by question key; a select's answer must be one of its choices. Records what was asked. */
    function scripted(answers: Record<string, Answer>): Ask & { asked: Question[] } {
      const asked: Question[] = [];
      const ask = async (question: Question) => {
        asked.push(question);
        if (!(question.key in answers)) throw new Error(`unexpected question ${question.key}: ${question.message}`);
        const answer = answers[question.key];
        if (question.kind === 'select') expect(question.choices.map((c) => c.value)).toContain(answer);
        if (question.kind === 'text') expect(question.validate?.(String(answer))).toBeUndefined();
        return answer;
      };
      return Object.assign(ask, { asked });
    }

    const INTERVIEWS: [ChangeType, string, Record<string, Answer>, Record<string, unknown>][] = [
      ['add_column', 'User', { name: 'locale', type: 'String', optional: false, default: '', backfillValue: 'en' }, { name: 'locale', type: 'String', backfillValue: 'en' }],
      ['remove_column', 'Order', { column: 'note', confirmDataLoss: true }, { column: 'note', confirmDataLoss: true }],
      ['modify_column', 'Order', { column: 'note', change: 'required', backfillValue: 'none' }, { column: 'note', required: true, backfillValue: 'none' }],
      ['add_index', 'AuditLog', { fields: 'tenantId, createdAt', unique: false }, { fields: ['tenantId', 'createdAt'] }],
      ['remove_index', 'Order', { fields: 'tenantId,createdAt' }, { fields: ['tenantId', 'createdAt'] }],
      ['add_table', 'Coupon', { fields: 'code:String, note:String?' }, { fields: [{ name: 'code', type: 'String' }, { name: 'note', type: 'String', optional: true }] }],
      ['remove_table', 'AuditLog', { confirmDataLoss: true }, { confirmDataLoss: true }],
      ['add_relation', 'Product', { field: 'tenant', references: 'Tenant', optional: true }, { field: 'tenant', references: 'Tenant', optional: true }],
      ['remove_relation', 'AuditLog', { field: 'user' }, { field: 'user' }],
      ['rename', 'User', { field: 'name', to: 'displayName' }, { field: 'name', to: 'displayName' }],
    ];

    it.each(INTERVIEWS)('%s on %s: the answers write what --changes would', async (changeType, targetTable, answers, changes) => {
      const interactive = createSampleTree();
      const ask = scripted(answers);
      await migrationGenerator(interactive, { migrationName: 'the_change', changeType, targetTable }, ask);
      expect(ask.asked.map((q) => q.key)).toEqual(Object.keys(answers));

      const flags = createSampleTree();
      await migrationGenerator(flags, { migrationName: 'the_change', changeType, targetTable, changes });
      expect(written(interactive)).toEqual(written(flags));
    });

    it('offers the model’s own fields and the schema’s types as choices', async () => {
      const removal = scripted({ column: 'note', confirmDataLoss: true });
      await migrationGenerator(createSampleTree(), { migrationName: 'x', changeType: 'remove_column', targetTable: 'Order' }, removal);
      const column = removal.asked[0];
      expect(column.kind === 'select' && column.choices.map((c) => c.value)).toEqual(['tenantId', 'userId', 'status', 'totalCents', 'note', 'createdAt']);

      const addition = scripted({ name: 'score', type: 'Int', optional: true, default: '' });
      await migrationGenerator(createSampleTree(), { migrationName: 'x', changeType: 'add_column', targetTable: 'User' }, addition);
      const type = addition.asked[1];
      expect(type.kind === 'select' && type.choices.map((c) => c.value)).toEqual(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes']);
    });

    it('generates nothing when a removal is not confirmed', async () => {
      const tree = createSampleTree();
      await expectRefusedUntouched(
        tree,
        () => migrationGenerator(tree, { migrationName: 'x', changeType: 'remove_table', targetTable: 'AuditLog' }, scripted({ confirmDataLoss: false })),
        /Nothing was generated: the change removes data and was not confirmed/,
      );
    });

    it('asks nothing when --changes is given', async () => {
      const ask = scripted({});
      await migrationGenerator(createSampleTree(), { migrationName: 'x', changeType: 'add_index', targetTable: 'AuditLog', changes: { fields: ['action'] } }, ask);
      expect(ask.asked).toEqual([]);
    });
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
