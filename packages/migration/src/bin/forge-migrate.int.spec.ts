import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addColumnGenerator } from '../generators/add-column/generator';
import { capturedOutput } from '../testing/captured-output';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { createSampleTree, SAMPLE_ROOT } from '../testing/sample-tree';
import { main } from './forge-migrate';

async function withoutDatabaseUrl<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    return await fn();
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
}

const pg = useEmbeddedPostgres();
const FROM_SOURCE = join(__dirname, '../runtime/data-migrations/run-from-source.cjs');

/**
 * A deploy image: the project folder alone (schema, migrations, TypeScript data migrations), no
 * Nx workspace around it, and nx made unloadable: any require of nx or @nx/* fails the run.
 */
let image: DiskWorkspace;
let projectDir: string;
beforeAll(async () => {
  const tree = createSampleTree();
  await addColumnGenerator(tree, { targetTable: 'User', name: 'handle', type: 'String', backfillSql: 'lower("email")' });
  image = writeDiskWorkspace(tree, 'forge-image-');
  projectDir = join(image.root, SAMPLE_ROOT);
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: '@acme/db', private: true }));
  writeFileSync(join(image.root, 'main.ts'), `import { main } from ${JSON.stringify(join(__dirname, 'forge-migrate'))};\nmain(process.argv.slice(2)).then((code) => process.exit(code));\n`);
  writeFileSync(
    join(image.root, 'no-nx.cjs'),
    `const Module = require('node:module');\nconst resolve = Module._resolveFilename;\nModule._resolveFilename = function (request, ...rest) {\n  if (/^(nx|@nx\\/)/.test(request)) throw new Error('forge-migrate loaded ' + request);\n  return resolve.call(this, request, ...rest);\n};\n`,
  );
}, 120_000);
afterAll(() => image?.remove());

function forgeMigrate(args: string[], env: Record<string, string | undefined> = {}): { code: number | null; out: string; err: string } {
  const childEnv = { ...process.env, NODE_OPTIONS: `--require ${join(image.root, 'no-nx.cjs')}`, DATABASE_URL: undefined, ...env };
  const result = spawnSync(process.execPath, [FROM_SOURCE, join(image.root, 'main.ts'), ...args], { cwd: projectDir, encoding: 'utf8', env: childEnv as NodeJS.ProcessEnv });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('forge-migrate: the runtime targets without Nx', () => {
  it('prints its help, and refuses an unknown command or option with exit 2', async () => {
    const help = await capturedOutput(() => main(['--help']));
    expect(help.result).toBe(0);
    expect(help.output).toMatch(/^Usage: forge-migrate <command> \[options\]/);
    expect(help.output).toMatch(/^ {2}migrate +Apply pending/m);
    expect(await capturedOutput(() => main(['deploy']))).toMatchObject({ result: 2, output: expect.stringMatching(/Unknown command "deploy"\. Commands: migrate, status, down, resolve, uninstall/) });
    expect(await capturedOutput(() => main(['migrate', '--force']))).toMatchObject({ result: 2, output: expect.stringMatching(/Unknown option '--force'/) });
    expect(await capturedOutput(() => main(['resolve', '--project-dir', projectDir, '--database-url', 'postgresql://u@127.0.0.1:1/x']))).toMatchObject({
      result: 1,
      output: expect.stringMatching(/Give exactly one migration: `forge-migrate resolve --rolled-back NAME` for a failed migration .*`forge-migrate resolve --applied NAME`/),
    });
    expect(await capturedOutput(() => main(['down', '--count', 'two', '--project-dir', projectDir, '--database-url', 'postgresql://u@127.0.0.1:1/x']))).toMatchObject({
      result: 1,
      output: expect.stringMatching(/--count must be a whole number \(got "two"\)/),
    });
  });

  it('refuses a --database-url carrying a password (visible to every user and kept in shell history), and reads one from --database-url-env', async () => {
    const refused = await capturedOutput(() => main(['status', '--project-dir', projectDir, '--database-url', 'postgresql://app:s3cret-pw@127.0.0.1:1/app']));
    expect(refused.result).toBe(1);
    expect(refused.output).toMatch(/--database-url carries a password \(postgresql:\/\/app:\*\*\*\*@127\.0\.0\.1:1\/app\).*--database-url-env STAGING_DATABASE_URL/);
    process.env.FORGE_BIN_TEST_URL = 'postgresql://app:s3cret-pw@127.0.0.1:1/app';
    try {
      const fromVariable = await withoutDatabaseUrl(() => capturedOutput(() => main(['status', '--project-dir', projectDir, '--database-url-env', 'FORGE_BIN_TEST_URL'])));
      expect(fromVariable.result).toBe(1);
      expect(fromVariable.output).toMatch(/Cannot connect to the database.*ECONNREFUSED/s);
      for (const run of [refused, fromVariable]) expect(run.output).not.toContain('s3cret-pw');
    } finally {
      delete process.env.FORGE_BIN_TEST_URL;
    }
  });

  it('refuses to run without a database rather than migrate an embedded one', async () => {
    const run = await withoutDatabaseUrl(() => capturedOutput(() => main(['migrate', '--project-dir', projectDir])));
    expect(run.result).toBe(1);
    expect(run.output).toMatch(/No database given: set DATABASE_URL .* or pass --database-url-env NAME or --database-url\. forge-migrate never falls back to an embedded database/);
  });

  it('migrates (SQL and TypeScript data migrations), reports status, rolls back and uninstalls, suggesting its own commands and never loading nx', async () => {
    const url = await pg.freshDatabase();
    const env = { DATABASE_URL: url };
    const migrated = forgeMigrate(['migrate'], env);
    expect(migrated.err).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.out).toMatch(/Database: 127\.0\.0\.1:\d+\/test_\w+ \(DATABASE_URL\)/);
    expect(migrated.out).toMatch(/_add_column_user_handle +data +applied/);
    expect(migrated.out).toMatch(/Applied 4 migration\(s\); 0 were already applied\./);

    const status = forgeMigrate(['status', '--format', 'json'], env);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.out.slice(status.out.indexOf('{')));
    expect(report.rows.map((r: { state: string }) => r.state)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(report.drift).toEqual({ checked: true, sql: '' });

    const down = forgeMigrate(['down', '--count', '3'], env);
    expect(down.code).toBe(0);
    expect(down.out).toMatch(/Rolled back 3 migration\(s\); `forge-migrate migrate` applies them again\./);
    expect(await query(url, `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'handle'`)).toEqual([{ n: 0 }]);

    // uninstall: names what it drops, drops it only with --yes, leaves the application and _prisma_migrations
    const dry = forgeMigrate(['uninstall'], env);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/Would drop _forge with:\n {2}_forge\.backups \(0 rows\)\n[\s\S]*_forge\.data_migrations \(1 rows\)[\s\S]*Nothing was changed; run again with --yes/);
    expect(forgeMigrate(['uninstall', '--yes'], env).out).toMatch(/Dropped _forge \(\d+ table\(s\)\)/);
    expect(await query(url, `SELECT nspname FROM pg_namespace WHERE nspname LIKE '\\_forge%'`)).toEqual([]);
    expect(await query(url, `SELECT migration_name FROM _prisma_migrations WHERE rolled_back_at IS NULL`)).toEqual([{ migration_name: '20250101000000_baseline' }]);
    expect(await query(url, `SELECT count(*)::int AS n FROM "User"`)).toEqual([{ n: 0 }]);
  });
});
