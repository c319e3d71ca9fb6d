import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { compileTypeScript } from './ts-loader';

const pgServer = useEmbeddedPostgres();
const FROM_SOURCE = join(__dirname, 'run-from-source.cjs');
const RUNTIME = __dirname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forge-ts-loader-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Runs a TypeScript script in a fresh `node` process (cwd: the temp dir, outside any workspace). */
function runNode(script: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  writeFileSync(join(dir, 'main.ts'), script);
  const result = spawnSync(process.execPath, [FROM_SOURCE, join(dir, 'main.ts')], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const USER_MIGRATION = `import type { DataMigrationContext } from '@forge/migration/runtime';

enum Locale { English = 'en' }
type Row = { missing: string };

export async function up(ctx: DataMigrationContext): Promise<void> {
  await ctx.batchUpdate({ table: 'User', set: \`locale = '\${Locale.English}'\`, where: 'locale IS NULL', batchSize: 7 });
}

export async function down(ctx: DataMigrationContext): Promise<void> {
  await ctx.batchUpdate({ table: 'User', set: 'locale = NULL', where: 'locale IS NOT NULL' });
}

export async function validate(ctx: DataMigrationContext): Promise<boolean> {
  const [row] = await ctx.query<Row>('SELECT count(*)::text AS missing FROM "User" WHERE locale IS NULL');
  return row?.missing === '0';
}
`;

const INDEX = (entries: Record<string, string>, extension = '') => `import type { DataMigrationRegistry } from '@forge/migration/runtime';

export const dataMigrations: DataMigrationRegistry = {
${Object.entries(entries)
  .map(([folder, file]) => `  '${folder}': () => import('./${file}${extension}'),`)
  .join('\n')}
};
`;

describe('ts-loader and the registry in a plain node process', () => {
  it('loads the registry and runs a TypeScript data migration from source, no build step (TypeScript from ts-morph: the temp dir has none)', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE "User" (id serial PRIMARY KEY, locale text); INSERT INTO "User" (locale) SELECT CASE WHEN g % 4 = 0 THEN 'fr' END FROM generate_series(1, 40) g;`);
    write({
      'src/migrations/index.ts': INDEX({ '20250101120000_add_user_locale': 'add_user_locale' }),
      'src/migrations/add_user_locale.ts': USER_MIGRATION,
    });
    const { status, stdout, stderr } = runNode(
      `import { projectDataMigrations } from ${JSON.stringify(join(RUNTIME, 'runner'))};
       import { registerTsLoader } from ${JSON.stringify(join(RUNTIME, 'ts-loader'))};
       async function main() {
         const lines: string[] = [];
         const runner = projectDataMigrations({ url: process.env.DATABASE_URL!, dataMigrationsDir: 'src/migrations', logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) } });
         const before = await runner.validate('20250101120000_add_user_locale');
         const { rows } = await runner.up('20250101120000_add_user_locale');
         const after = await runner.validate('20250101120000_add_user_locale');
         console.log(JSON.stringify({ folders: runner.folders(), before, rows, after, state: await runner.state('20250101120000_add_user_locale'), registeredAgain: registerTsLoader(), lines }));
       }
       main().catch((e) => { console.error(e.message); process.exit(1); });`,
      { DATABASE_URL: url },
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ folders: ['20250101120000_add_user_locale'], before: false, rows: 30, after: true, state: 'applied', registeredAgain: false });
    expect(out.lines.at(-1)).toMatch(/^"User": done, 30 rows in 5 batches/);
    expect(await query(url, `SELECT locale, count(*)::int AS n FROM "User" GROUP BY 1 ORDER BY 1`)).toEqual([
      { locale: 'en', n: 30 },
      { locale: 'fr', n: 10 },
    ]);
  });

  it('takes `./name.js` for `./name.ts`, as TypeScript requires under module nodenext/node16 (a real .js file still wins)', () => {
    write({
      'src/migrations/index.ts': INDEX({ '20250101120000_a': 'a', '20250101120000_b': 'b' }, '.js'),
      'src/migrations/a.ts': USER_MIGRATION,
      'src/migrations/b.ts': `export const from = 'ts';\n`,
      'src/migrations/b.js': `exports.from = 'js'; exports.up = exports.down = exports.validate = async () => true;\n`,
    });
    const { status, stdout, stderr } = runNode(
      `import { loadDataMigrations } from ${JSON.stringify(join(RUNTIME, 'registry'))};
       const loaders = loadDataMigrations('src/migrations');
       Promise.all([loaders.get('20250101120000_a')!(), loaders.get('20250101120000_b')!()]).then(([a, b]) =>
         console.log(JSON.stringify({ a: typeof a.up, b: (b as unknown as { from: string }).from })),
       );`,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ a: 'function', b: 'js' });
  });

  it('names the file and the export when a registered module lacks up, down or validate', () => {
    write({
      'src/migrations/index.ts': INDEX({ '20250101120000_incomplete': 'incomplete' }),
      'src/migrations/incomplete.ts': `export async function up() {}\nexport const down = 'not a function';\n`,
      'empty/readme.md': 'no index.ts here',
    });
    const { status, stdout, stderr } = runNode(
      `import { loadDataMigrations } from ${JSON.stringify(join(RUNTIME, 'registry'))};
       const none = loadDataMigrations('empty');
       loadDataMigrations('src/migrations').get('20250101120000_incomplete')!().then(
         () => console.log('loaded?!'),
         (e: Error) => console.log(JSON.stringify({ none: none.size, message: e.message })),
       );`,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      none: 0,
      message:
        'Data migration src/migrations/incomplete.ts does not export down(ctx), validate(ctx). ' +
        'A data migration exports async functions up(ctx), down(ctx) and validate(ctx).',
    });
  });

  it('reports a syntax error with the file, line and column', () => {
    write({
      'src/migrations/index.ts': INDEX({ '20250101120000_broken': 'broken' }),
      'src/migrations/broken.ts': `export async function up(ctx) {\n  await ctx.query('SELECT 1'\n}\n`,
    });
    const { status, stderr } = runNode(
      `import { loadDataMigrations } from ${JSON.stringify(join(RUNTIME, 'registry'))};
       loadDataMigrations('src/migrations').get('20250101120000_broken')!().catch((e: Error) => { console.error(e.message); process.exit(3); });`,
    );
    expect(status).toBe(3);
    expect(stderr.trim()).toBe(`Cannot compile the data migration ${join(dir, 'src/migrations/broken.ts')}:\n  ${join(dir, 'src/migrations/broken.ts')}:3:1 - ',' expected.`);
  });

  it('refuses a registry without the dataMigrations export or with an entry that is not a loader', () => {
    write({ 'a/index.ts': `export const migrations = {};\n`, 'b/index.ts': `export const dataMigrations = { '20250101120000_x': './x' };\n` });
    const { status, stdout } = runNode(
      `import { loadDataMigrations } from ${JSON.stringify(join(RUNTIME, 'registry'))};
       const messages = ['a', 'b'].map((d) => { try { loadDataMigrations(d); return 'loaded'; } catch (e) { return (e as Error).message; } });
       console.log(JSON.stringify(messages));`,
    );
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      `${join(dir, 'a/index.ts')} must export the registry: export const dataMigrations: DataMigrationRegistry = { … };`,
      `${join(dir, 'b/index.ts')}: the entry "20250101120000_x" must be a loader, e.g. () => import('./my_migration.js').`,
    ]);
  });
});

describe('compileTypeScript', () => {
  it('emits CommonJS with type-only imports erased and import() as require()', () => {
    const js = compileTypeScript(
      `import type { DataMigrationRegistry } from '@forge/migration/runtime';\nexport const dataMigrations: DataMigrationRegistry = { a: () => import('./a') };\n`,
      '/p/index.ts',
    );
    expect(js).not.toContain('@forge/migration/runtime');
    expect(js).toContain(`require('./a')`);
    expect(js).toContain('exports.dataMigrations');
  });
});
