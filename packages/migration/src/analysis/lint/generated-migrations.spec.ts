import { addColumnGenerator } from '../../generators/add-column/generator';
import { addIndexGenerator } from '../../generators/add-index/generator';
import { modifyColumnGenerator } from '../../generators/modify-column/generator';
import { removeColumnGenerator } from '../../generators/remove-column/generator';
import { renameGenerator } from '../../generators/rename/generator';
import { treeView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { CHANGE_CASES, generateChange, type GeneratedChange } from '../../testing/change-corpus';
import { SAMPLE_BASELINE } from '../../testing/lint';
import { createSampleTree, SAMPLE_MIGRATIONS } from '../../testing/sample-tree';
import { lintMigrations } from './lint';
import type { StatementEffect } from '../effects';
import { parserWords } from '../../testing/parser-words';
import type { LintFinding, LintRule } from './types';

/**
 * Every warning our generated migrations may raise, and why it is acceptable. Anything else — and
 * any error — fails the test.
 */
const JUSTIFIED_WARNINGS: Record<string, string[]> = {
  // The unique index is built CONCURRENTLY in its own migration, after the column was added
  // nullable; the application may have written duplicates in between. A failed build stops the
  // migration and leaves an INVALID index, which `migrate` drops before it builds again.
  'add-column-unique': ['_unique/migration.sql unique-index-on-existing-data'],
  // Existing rows may hold duplicates; the generator cannot see the data. migrate-validate builds
  // it on seeded rows, a failed build stops clearly, and `migrate` drops the INVALID index it leaves.
  'add-index-unique': ['migration.sql unique-index-on-existing-data'],
  // The rollback rebuilds the unique index dropped by the migration; rows written meanwhile may
  // collide. The build fails (nothing else changes) and says which index, as in the case above.
  'remove-index-unique': ['remove_index_user_email_key/down.sql unique-index-on-existing-data'],
};

/** Which rules must flag Prisma's own SQL for the change (its migration.sql, after the baseline). */
const NAIVE_FLAGGED: Record<string, string[]> = {
  'add-column-nullable': ['require-lock-timeout'],
  'add-column-constant-default': ['require-lock-timeout'],
  'add-column-required-backfill-value': ['require-lock-timeout', 'adding-required-field'],
  'add-column-required-backfill-sql': ['require-lock-timeout', 'adding-required-field'],
  'add-column-volatile-default': ['require-lock-timeout', 'volatile-default'],
  'add-column-unique': ['require-lock-timeout', 'require-concurrent-index-creation'],
  // Widening is catalog-only (Prisma's statement is the right one): only the missing lock_timeout.
  'modify-column-widen-varchar': ['require-lock-timeout'],
  'modify-column-varchar-to-text': ['require-lock-timeout'],
  'modify-column-int-to-decimal': ['require-lock-timeout', 'changing-column-type'],
  'modify-column-enum-map': ['require-lock-timeout', 'drop-column-without-backup', 'rename-as-drop-and-add'],
  'modify-column-string-to-int': ['require-lock-timeout', 'drop-column-without-backup', 'rename-as-drop-and-add'],
  'modify-column-optional-to-required': ['require-lock-timeout', 'set-not-null-without-validated-check'],
  'modify-column-required-to-optional': ['require-lock-timeout'],
  'modify-column-default': ['require-lock-timeout'],
  'remove-column': ['require-lock-timeout', 'drop-column-without-backup'],
  'remove-columns-indexed': ['require-lock-timeout', 'drop-column-without-backup'],
  'add-index': ['require-lock-timeout', 'require-concurrent-index-creation'],
  'add-index-unique': ['require-lock-timeout', 'require-concurrent-index-creation', 'unique-index-on-existing-data'],
  'remove-index': ['require-lock-timeout', 'require-concurrent-index-deletion'],
  'remove-index-unique': ['require-lock-timeout', 'require-concurrent-index-deletion'],
  // A new table is safe as Prisma writes it.
  'add-table': [],
  // … but its foreign key locks the existing Product table, with no lock_timeout.
  'add-table-with-relations': ['require-lock-timeout'],
  'remove-table': ['require-lock-timeout', 'drop-table-without-backup'],
  'add-relation': ['require-lock-timeout', 'require-concurrent-index-creation', 'foreign-key-not-valid'],
  'add-relation-self': ['require-lock-timeout', 'require-concurrent-index-creation', 'foreign-key-not-valid'],
  'remove-relation': ['require-lock-timeout'],
  'rename-model': ['require-lock-timeout', 'drop-table-without-backup', 'rename-as-drop-and-add', 'foreign-key-not-valid'],
  'rename-field': ['require-lock-timeout', 'drop-column-without-backup', 'rename-as-drop-and-add'],
};

/** A rule that flags nothing and collects the name of every statement it sees (and of what DO blocks run). */
function namesOf(into: string[]): LintRule {
  const collect = (effect: StatementEffect): void => {
    into.push(effect.action);
    for (const inner of effect.inner ?? []) collect(inner.effect);
  };
  return { id: 'names', severity: 'warning', summary: '', peers: {}, check: (context) => (context.script.statements.forEach((s) => collect(s.effect)), []) };
}

/** `<folder without timestamp>/<script> <rule>`, shortened to the part after the change's own name. */
function describe_(finding: LintFinding, change: GeneratedChange): string {
  const folder = finding.migration.replace(/^\d{14}_/, '');
  const base = change.generated[0].name.replace(/^\d{14}_/, '');
  const suffix = folder.startsWith(base) ? folder.slice(base.length) : folder;
  return `${suffix ? `${suffix}/` : ''}${finding.script} ${finding.rule}`;
}

describe('our generated migrations pass the lint rules; Prisma’s naive SQL does not', () => {
  const changes = new Map<string, GeneratedChange>();
  beforeAll(async () => {
    for (const change of CHANGE_CASES) changes.set(change.id, await generateChange(change));
  }, 120_000);

  it('covers every case of the corpus (the ten change types, several variants each)', () => {
    expect(Object.keys(NAIVE_FLAGGED).sort()).toEqual(CHANGE_CASES.map((c) => c.id).sort());
    expect(new Set(CHANGE_CASES.map((c) => c.generator)).size).toBe(10);
  });

  it.each(CHANGE_CASES.map((c) => [c.id]))('%s: every migration.sql and down.sql, in folder order, has no error', async (id) => {
    const change = changes.get(id)!;
    expect(change.generated.length).toBeGreaterThan(0);
    const report = await lintMigrations(change.migrations, { only: change.generated.map((m) => m.name) });
    expect(report.migrations).toEqual(change.generated.map((m) => m.name));
    const errors = report.findings.filter((f) => f.severity === 'error').map((f) => `${describe_(f, change)}: ${f.message}`);
    expect(errors).toEqual([]);
    const warnings = report.findings.filter((f) => f.severity === 'warning').map((f) => describe_(f, change));
    expect(warnings).toEqual(JUSTIFIED_WARNINGS[id] ?? []);
  });

  it('every statement they run (DO blocks included) is named by its SQL, never by a parser node name', async () => {
    const names: string[] = [];
    for (const change of changes.values()) {
      const report = await lintMigrations(change.migrations, { only: change.generated.map((m) => m.name), rules: [namesOf(names)] });
      expect(report.findings).toEqual([]);
    }
    expect(names.length).toBeGreaterThan(200);
    expect(names.filter((name) => parserWords(name).length)).toEqual([]);
  });

  it.each(CHANGE_CASES.map((c) => [c.id]))('%s: Prisma’s SQL is flagged by the relevant rules', async (id) => {
    const { naive } = changes.get(id)!;
    const report = await lintMigrations(
      [
        { name: '20250101000000_baseline', up: SAMPLE_BASELINE, down: null },
        { name: '20250201000000_prisma', up: naive.up, down: null },
      ],
      { only: ['20250201000000_prisma'] },
    );
    const flagged = [...new Set(report.findings.filter((f) => f.severity === 'error' || f.rule === 'unique-index-on-existing-data').map((f) => f.rule))];
    expect(flagged.sort()).toEqual([...NAIVE_FLAGGED[id]].sort());
  });

  it('a history of several changes on one project lints clean, each folder knowing what the ones before did', async () => {
    const tree = createSampleTree();
    await addColumnGenerator(tree, { targetTable: 'User', name: 'handle', type: 'String', backfillSql: 'lower("email")' });
    await addIndexGenerator(tree, { targetTable: 'User', fields: 'handle' });
    await modifyColumnGenerator(tree, { targetTable: 'Product', column: 'sku', dbType: 'VarChar(64)' });
    await modifyColumnGenerator(tree, { targetTable: 'Product', column: 'sku', dbType: 'Text' });
    await removeColumnGenerator(tree, { targetTable: 'Order', column: 'note', confirmDataLoss: true });
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item' });
    await removeColumnGenerator(tree, { targetTable: 'Item', column: 'sku', confirmDataLoss: true });
    const migrations = readMigrationsDirectory(treeView(tree), SAMPLE_MIGRATIONS).migrations.map((m) => ({ name: m.name, up: m.sql, down: m.downSql }));
    const generated = migrations.filter((m) => !m.name.endsWith('_baseline')).map((m) => m.name);
    const report = await lintMigrations(migrations, { only: generated });
    expect(report.migrations).toHaveLength(generated.length);
    expect(generated.length).toBeGreaterThanOrEqual(10);
    expect(report.findings.map((f) => `${f.migration}/${f.script}:${f.line} ${f.rule}`)).toEqual([]);
  });
});
