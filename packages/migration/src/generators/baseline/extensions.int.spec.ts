import { migrate } from '../../runtime/migrate';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { projectTarget } from '../../testing/migrations';
import { createSampleTree, SAMPLE_MIGRATIONS, SAMPLE_SCHEMA, SAMPLE_ROOT } from '../../testing/sample-tree';
import { treeView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { baselineGenerator } from './generator';

const pg = useEmbeddedPostgres();

describe('baseline of a schema that uses an extension type', () => {
  it('creates citext before the first citext column (Civitai: username @db.Citext), so a fresh database takes it', async () => {
    const tree = createSampleTree();
    tree.delete(SAMPLE_MIGRATIONS);
    tree.delete(`${SAMPLE_ROOT}/prisma.config.ts`);
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    tree.write(SAMPLE_SCHEMA, schema.replace('  email     String     @unique', '  email     String     @unique @db.Citext'));
    await baselineGenerator(tree, {});

    const directory = readMigrationsDirectory(treeView(tree), SAMPLE_MIGRATIONS);
    expect(directory.migrations[0].sql).toMatch(/CREATE EXTENSION IF NOT EXISTS citext;\n[\s\S]*"email" CITEXT NOT NULL/);
    const url = await pg.freshDatabase();
    expect((await migrate(projectTarget(url, directory))).error).toBeUndefined();
    const [column] = await query<{ type: string }>(url, `SELECT data_type || ':' || udt_name AS type FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'email'`);
    expect(column.type).toBe('USER-DEFINED:citext');
  });
});
