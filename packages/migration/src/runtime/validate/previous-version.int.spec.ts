import { addColumnGenerator } from '../../generators/add-column/generator';
import { renameGenerator } from '../../generators/rename/generator';
import { extendSampleBaseline } from '../../testing/extend-baseline';
import { useEmbeddedPostgres } from '../../testing/database';
import { proveGeneratedMigrations } from '../../testing/round-trip';
import { seedSampleData } from '../../testing/sample-data';
import { SAMPLE_MIGRATIONS, createSampleTree, newMigrationFolders } from '../../testing/sample-tree';

const pg = useEmbeddedPostgres();

describe('migrate-validate: the previous application version after an expand migration', () => {
  it('fails a hand-written RENAME COLUMN left unphased (expand), naming the model, the query and the error; the same migration marked contract passes', async () => {
    const tree = createSampleTree();
    await renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName', inPlace: true });
    const [folder] = newMigrationFolders(tree);
    const path = `${SAMPLE_MIGRATIONS}/${folder}/migration.sql`;
    const contract = tree.read(path, 'utf-8')!;
    expect(contract.split('\n')[0]).toBe('-- forge:phase contract');
    tree.write(path, contract.split('\n').slice(1).join('\n'));

    const unphased = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u) });
    expect(unphased.report.migrations.map((m) => m.verdict)).toEqual(['fail']);
    const problems = unphased.report.migrations[0].problems.join('\n');
    expect(problems).toMatch(/the previous application version's read of User \(.*\bname\b.*\) fails after this migration: column "name" does not exist/);
    expect(problems).toMatch(/the previous application version's insert into User fails after this migration: column "name" of relation "User" does not exist/);
    expect(problems).toMatch(/the previous application version's update of User\.name fails after this migration: column (s\.)?"?name"? does not exist/);
    // Only what the rename broke: the other columns' updates, and the delete of the row it inserted, are no problem.
    expect(problems).not.toMatch(/update of User\.(email|role)|delete from User/);
    expect(problems).toContain('This migration is marked expand (no "-- forge:phase contract" first line), so the previous version must keep working after it: mark it contract');

    tree.write(path, contract);
    const marked = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u) });
    expect(marked.report.migrations.map((m) => [m.verdict, m.problems])).toEqual([['pass', []]]);
  }, 400_000);

  it('passes what the recipes mark expand, under traffic: a rename\'s expand', async () => {
    const tree = createSampleTree();
    await renameGenerator(tree, { targetTable: 'Product', field: 'title', to: 'name' });
    // Under traffic, the workload writes both names between the rename's expand and contract: an
    // UPDATE of one is stored in both by the sync trigger (RETURNING shows it), and the rollback of
    // the expand keeps what the new name was given last in the old one.
    const { report } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { traffic: true, seed: (u) => seedSampleData(u) });
    expect(report.migrations.map((m) => [m.migration.replace(/^\d+_/, ''), m.verdict, m.problems])).toEqual([
      ['rename_product_title_to_name_expand', 'pass', []],
      ['rename_product_title_to_name', 'pass', []],
    ]);
  }, 400_000);

  it('passes what the recipes mark expand: a required column with its fill trigger', async () => {
    const tree = createSampleTree();
    await addColumnGenerator(tree, { targetTable: 'Order', name: 'channel', type: 'String', backfillSql: `'web'` });
    // Quiet for now, as the other required-column round trips: a NULL the application inserts while
    // the fill trigger is on is not yet told from the trigger's value (issue 10).
    const { report } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { traffic: false, seed: (u) => seedSampleData(u) });
    expect(report.migrations.map((m) => [m.migration.replace(/^\d+_/, ''), m.verdict, m.problems])).toEqual([
      ['add_column_order_channel', 'pass', []],
      ['add_column_order_channel_check', 'pass', []],
      ['add_column_order_channel_not_null', 'pass', []],
    ]);
  }, 400_000);

  it('flags a value added to an enum the previous version knows (its Prisma Client fails on rows holding it); marked contract, it passes', async () => {
    const tree = createSampleTree();
    await extendSampleBaseline(tree, (schema) => schema.replace('  role      String     @default("member")\n', '  role      String     @default("member")\n  tier      Tier       @default(free)\n') + '\nenum Tier {\n  free\n  pro\n}\n');
    const folder = `${SAMPLE_MIGRATIONS}/20300101000000_add_tier_team`;
    const up = `ALTER TYPE "Tier" ADD VALUE 'team';\n`;
    tree.write(`${folder}/migration.sql`, up);
    tree.write(
      `${folder}/down.sql`,
      `ALTER TYPE "Tier" RENAME TO "Tier_old";\nCREATE TYPE "Tier" AS ENUM ('free', 'pro');\n` +
        `ALTER TABLE "User" ALTER COLUMN "tier" DROP DEFAULT, ALTER COLUMN "tier" TYPE "Tier" USING "tier"::text::"Tier", ALTER COLUMN "tier" SET DEFAULT 'free';\nDROP TYPE "Tier_old";\n`,
    );
    const flagged = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u) });
    expect(flagged.report.migrations.map((m) => m.verdict)).toEqual(['fail']);
    expect(flagged.report.migrations[0].problems.join('\n')).toContain(
      `enum Tier gains "team", which the previous application version's Prisma Client does not know: it fails reading any row that holds it once the new version writes it. This migration is marked expand`,
    );
    tree.write(`${folder}/migration.sql`, `-- forge:phase contract\n${up}`);
    const marked = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u) });
    expect(marked.report.migrations.map((m) => [m.verdict, m.problems])).toEqual([['pass', []]]);
  }, 400_000);
});
