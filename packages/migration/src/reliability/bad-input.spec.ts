import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import migrateExecutor from '../executors/migrate/executor';
import migrateDownExecutor from '../executors/migrate-down/executor';
import migrateLintExecutor from '../executors/migrate-lint/executor';
import migrateResolveExecutor from '../executors/migrate-resolve/executor';
import migrateStatusExecutor from '../executors/migrate-status/executor';
import migrateValidateExecutor from '../executors/migrate-validate/executor';
import addIndexGenerator from '../generators/add-index/generator';
import { migrationGenerator } from '../generators/migration/generator';
import { migrate } from '../runtime/migrate';
import { capturedOutput } from '../testing/captured-output';
import { query, useEmbeddedPostgres } from '../testing/database';
import { databaseChecksum } from '../testing/database-checksum';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { migrationFolder, projectTarget, sampleDirectory } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree, listFiles, SAMPLE_MIGRATIONS, SAMPLE_ROOT, SAMPLE_SCHEMA, snapshotTree } from '../testing/sample-tree';

/**
 * Bad input, one row per case: each must end in a clear error naming the problem, with nothing
 * written (generators: the tree as before; executors: the database as before, its rows and
 * `_prisma_migrations` included) and no password in anything printed.
 */
const pgServer = useEmbeddedPostgres();
const INJECTION = `User"; DROP TABLE x; --`;
/** The sample's one migration, applied to the sample database. */
const BASELINE = '20250101000000_baseline';
const WRONG_PASSWORD = 'n0t-the-Passw0rd';
/** A wrong password with an unencoded @, as people paste them: masking must cut at the last @. */
const AT_PASSWORD = 'wr0ng@Passw0rd';

let sampleUrl: string;
/** A database nothing was ever applied to. */
let emptyUrl: string;
/** The migrated sample with an INVALID index no migration builds. */
let invalidIndexUrl: string;
/** The sample with one more migration applied, whose down.sql builds an index named like a table. */
let indexDownUrl: string;
const INDEX_DOWN = migrationFolder('20990101000000_drop_action_index', 'SELECT 1;\n', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Tenant" ON "AuditLog"("action");\n');
beforeAll(async () => {
  sampleUrl = await pgServer.freshDatabase();
  const migrated = await migrate(projectTarget(sampleUrl, sampleDirectory()));
  if (migrated.error) throw migrated.error;
  await seedSampleData(sampleUrl, { users: 50, orders: 100, auditLogs: 200 });
  // A relation the schema does not know (made by hand): add-index must ask the database too.
  await query(sampleUrl, `CREATE VIEW "AuditReport" AS SELECT "action", count(*) AS n FROM "AuditLog" GROUP BY 1`);
  emptyUrl = await pgServer.freshDatabase();
  // An INVALID index (a unique build that failed on duplicates): Prisma's drift check cannot see it.
  invalidIndexUrl = await pgServer.freshDatabase();
  const withInvalid = await migrate(projectTarget(invalidIndexUrl, sampleDirectory()));
  if (withInvalid.error) throw withInvalid.error;
  await seedSampleData(invalidIndexUrl, { users: 5, orders: 1, auditLogs: 10 });
  await query(invalidIndexUrl, `CREATE UNIQUE INDEX CONCURRENTLY "AuditLog_action_key" ON "AuditLog"("action")`).catch(() => undefined);
  indexDownUrl = await pgServer.freshDatabase();
  const withIndexDown = await migrate(projectTarget(indexDownUrl, sampleDirectory(INDEX_DOWN)));
  if (withIndexDown.error) throw withIndexDown.error;
}, 120_000);

/** Every password the output must not show: the server's and the wrong ones the cases try. */
function secrets(): string[] {
  return [new URL(pgServer.serverUrl).password, WRONG_PASSWORD, AT_PASSWORD, 'Passw0rd'];
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** Port 1: nothing listens there, the connection is refused at once. */
const unreachableUrl = () => `postgresql://forge:${WRONG_PASSWORD}@127.0.0.1:1/app`;
const wrongPasswordUrl = () => withPassword(sampleUrl, WRONG_PASSWORD);
/** The sample database's URL with its user info written by hand: `postgresql://user:<password>@host…`, unencoded. */
const rawPasswordUrl = (password: string) => sampleUrl.replace(/^(postgresql:\/\/[^:]+):[^@]+@/, `$1:${password}@`);
/** The sample database's URL with the password in the query string instead (psql and pg take it there). */
const queryPasswordUrl = (password: string) => `${rawPasswordUrl('').replace(':@', '@')}?password=${password}`;
/** Executor options naming a variable that holds `url`: how a URL with a password is given. */
const VARIABLE = 'BAD_INPUT_DATABASE_URL';
const inVariable = (url: string, extra: Record<string, unknown> = {}) => ({ databaseUrlEnv: VARIABLE, env: { [VARIABLE]: url }, ...extra });

describe('generators refuse bad input with a clear error, the tree unchanged, no secret printed', () => {
  type Options = Record<string, unknown>;
  const seed = (changeType: string, targetTable: string, changes: Options | string): Options => ({
    migrationName: 'bad_input',
    changeType,
    targetTable,
    changes: typeof changes === 'string' ? changes : JSON.stringify(changes),
  });
  const cases: [string, () => Options, RegExp][] = [
    ['unknown change type', () => seed('drop_everything', 'User', {}), /Unknown --changeType "drop_everything"\..*Change types: add_column/s],
    ['changes not valid JSON', () => seed('add_column', 'User', '{"name": "x", "type": '), /--changes is not valid JSON/],
    ['changes of the wrong shape (an array)', () => seed('add_column', 'User', '[{"name":"x"}]'), /--changes must be a JSON object.*Expected --changes for add_column/s],
    ['changes with a value of the wrong type', () => seed('add_index', 'AuditLog', { fields: ['action'], unique: 'yes' }), /--changes\."unique" must be boolean, got string/],
    ['changes with an unknown key', () => seed('remove_column', 'User', { colum: 'name' }), /unknown key "colum".*Did you mean "column"/s],
    ['changes with an unknown nested key', () => seed('add_column', 'User', { columns: [{ name: 'x', type: 'String', optional: true, uniqe: true }] }), /--changes\."columns"\[0\] has an unknown key "uniqe"\. Did you mean "unique"\? Each item takes: "name", "type", "optional"/],
    ['changes with an unknown key in a relation of a new table', () => seed('add_table', 'Coupon', { relations: [{ field: 'tenant', referneces: 'Tenant' }] }), /--changes\."relations"\[0\] has an unknown key "referneces"\. Did you mean "references"\?/],
    ['changes nested 40,000 levels deep', () => seed('add_index', 'AuditLog', `{"fields":${'['.repeat(40_000)}${']'.repeat(40_000)}}`), /--changes is nested more than 8 levels deep/],
    ['changes of 1 MB', () => seed('add_column', 'User', JSON.stringify({ name: 'x'.repeat(1_000_000), type: 'String' })), /--changes is 1,000,0\d\d characters long; a change takes at most 100,000/],
    ['changes with a 5,000-character key: clipped in the message', () => seed('remove_column', 'User', { ['k'.repeat(5000)]: 'name' }), /^--changes has an unknown key "k{40}…" \(5000 characters\) for remove_column\./],
    ['unknown table', () => seed('add_column', 'Usr', { name: 'x', type: 'String', optional: true }), /Unknown model "Usr".*Did you mean "User"/s],
    ['injection-like table name', () => seed('add_column', INJECTION, { name: 'x', type: 'String', optional: true }), /Unknown model "User\\"; DROP TABLE x; --"/],
    ['unknown field', () => seed('remove_column', 'User', { column: 'nickname', confirmDataLoss: true }), /Model User has no field "nickname"/],
    ['injection-like field name (add)', () => seed('add_column', 'User', { name: INJECTION, type: 'String', optional: true }), /Invalid column name "User\\"; DROP TABLE x; --"/],
    ['injection-like field name (remove)', () => seed('remove_column', 'User', { column: INJECTION, confirmDataLoss: true }), /Model User has no field "User\\"; DROP TABLE x; --"/],
    ['injection-like index name', () => seed('add_index', 'AuditLog', { fields: ['action'], name: INJECTION }), /Invalid index name/],
    ['injection-like new table name', () => seed('add_table', INJECTION, {}), /Invalid model name/],
    ['injection-like rename target', () => seed('rename', 'User', { field: 'name', to: INJECTION }), /Invalid field name/],
    ['over-long column name (64 bytes)', () => seed('add_column', 'User', { name: 'c'.repeat(64), type: 'String', optional: true }), /64 bytes long/],
    ['over-long index name (64 bytes)', () => seed('add_index', 'AuditLog', { fields: ['action'], name: 'i'.repeat(64) }), /64 bytes long/],
    ['over-long table name (64 bytes)', () => seed('add_table', 'T'.repeat(64), {}), /64 bytes long/],
    ['bad type', () => seed('add_column', 'User', { name: 'x', type: 'Strin', optional: true }), /Invalid type "Strin".*Did you mean "String"/s],
    ['native type that does not fit', () => seed('modify_column', 'Order', { column: 'totalCents', dbType: 'VarChar(10)' }), /Native type VarChar is not compatible with declared field type Int/],
    ['unknown native type', () => seed('add_column', 'User', { name: 'x', type: 'String', dbType: 'Varchr(10)', optional: true }), /Native type Varchr is not supported/],
    ['index that exists', () => seed('add_index', 'Order', { fields: ['tenantId', 'createdAt'] }), /already has an index on \(tenantId, createdAt\)/],
    ['removing an index that is not there', () => seed('remove_index', 'AuditLog', { fields: ['action'] }), /AuditLog has no index on \(action\)/],
    ['removing a table that is not there', () => seed('remove_table', 'Coupon', { confirmDataLoss: true }), /Unknown model "Coupon"/],
    ['removing a relation that is not there', () => seed('remove_relation', 'Product', { field: 'tenant' }), /Model Product has no field "tenant"\. Its relation fields: items/],
    ['destructive change without --confirmDataLoss', () => seed('remove_table', 'AuditLog', {}), /--confirmDataLoss/],
    ['relation to an unknown model', () => seed('add_relation', 'Product', { field: 'tenant', references: 'Tenants', optional: true }), /Unknown model "Tenants".*Did you mean "Tenant"/s],
    ['index name of a view only the database has', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'], name: 'AuditReport' }), ...inVariable(sampleUrl) }), /^--name AuditReport is taken: it is a view in the database \(BAD_INPUT_DATABASE_URL \(127\.0\.0\.1:\d+\/test_\w+\)\)\..*Pass another --name/s],
    ['invalid migration name', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), migrationName: '!!!' }), /Invalid --migrationName "!!!"/],
    ['generator --databaseUrlEnv naming an unreachable database', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), ...inVariable(unreachableUrl()) }), /^Cannot read table statistics from BAD_INPUT_DATABASE_URL \(127\.0\.0\.1:1\/app\): .*ECONNREFUSED.*Check the URL in BAD_INPUT_DATABASE_URL \(--databaseUrlEnv\)/s],
    ['generator --databaseUrlEnv naming a URL with a wrong password', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), ...inVariable(wrongPasswordUrl()) }), /Cannot read table statistics .*password authentication failed/],
    ['generator --databaseUrlEnv naming a URL that is not a URL', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), ...inVariable(`postgresql://forge:${WRONG_PASSWORD}@localhost:port/db`) }), /not a valid URL/],
    ['generator --databaseUrlEnv naming a variable that is not set', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrlEnv: 'NO_SUCH_DATABASE_URL' }), /--databaseUrlEnv NO_SUCH_DATABASE_URL: the environment variable NO_SUCH_DATABASE_URL is not set/],
    ['generator --databaseUrl carrying a password', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrl: wrongPasswordUrl() }), /^--databaseUrl carries a password \(postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/test_\w+\), and command lines are printed.*DATABASE_URL.*--databaseUrlEnv STAGING_DATABASE_URL/s],
    ['generator --databaseUrl carrying an unencoded @ password', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrl: rawPasswordUrl(AT_PASSWORD) }), /^--databaseUrl carries a password \(postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\//],
    ['generator --databaseUrl carrying ?password=', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrl: queryPasswordUrl(WRONG_PASSWORD) }), /^--databaseUrl carries a password \(postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+\?password=\*\*\*\*\)/],
    ['generator --databaseUrl carrying a key=value password', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrl: `host=127.0.0.1 user=postgres password=${WRONG_PASSWORD}` }), /^--databaseUrl carries a password \(host=127\.0\.0\.1 user=postgres password=\*\*\*\*\)/],
    ['generator --databaseUrl carrying a password, asked before any question', () => ({ migrationName: 'bad_input', changeType: 'add_index', targetTable: 'AuditLog', databaseUrl: wrongPasswordUrl() }), /^--databaseUrl carries a password/],
  ];

  it.each(cases)('%s', async (_label, options, message) => {
    const tree = createSampleTree();
    const before = snapshotTree(tree);
    const { env = {}, ...given } = options() as Options & { env?: Record<string, string> };
    Object.assign(process.env, env);
    // Without --changes the generator would ask in a terminal: a refusal must come before any question.
    const asked: string[] = [];
    const ask = async (question: { message: string }) => {
      asked.push(question.message);
      throw new Error(`asked: ${question.message}`);
    };
    try {
      const { error, output } = await capturedOutput(() => migrationGenerator(tree, given as never, ask as never));
      expect(error?.message).toMatch(message);
      expect(asked).toEqual([]);
      expect(snapshotTree(tree)).toEqual(before);
      const files = [...snapshotTree(tree).values()].join('\n');
      for (const secret of secrets()) expect(`${error?.message}\n${output}\n${files}`).not.toContain(secret);
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
  });

  it('a migration generated with table sizes from DATABASE_URL: report.md names the source and address, no file holds a URL or password', async () => {
    const tree = createSampleTree();
    const before = snapshotTree(tree);
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = rawPasswordUrl(new URL(sampleUrl).password);
    try {
      const { error, output } = await capturedOutput(() => migrationGenerator(tree, seed('add_index', 'AuditLog', { fields: ['action'] }) as never));
      expect(error).toBeUndefined();
      const written = [...snapshotTree(tree)].filter(([path, content]) => before.get(path) !== content);
      const report = written.find(([path]) => path.endsWith('/report.md'))?.[1];
      expect(report).toMatch(/Table sizes: DATABASE_URL \(127\.0\.0\.1:\d+\/test_\w+\)\./);
      for (const [path, content] of written) expect([path, content.match(/postgres(ql)?:\/\/\S*/)?.[0]]).toEqual([path, undefined]);
      for (const secret of secrets()) expect(`${output}\n${written.map(([, content]) => content).join('\n')}`).not.toContain(secret);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it('a schema.prisma with a syntax error: the error points at it, the tree unchanged', async () => {
    const tree = createSampleTree();
    const broken = tree.read(SAMPLE_SCHEMA, 'utf-8')!.replace('model Product {', 'model Product {\n  oops String String');
    tree.write(SAMPLE_SCHEMA, broken);
    const line = broken.split('\n').indexOf('  oops String String') + 1;
    const before = snapshotTree(tree);
    const { error } = await capturedOutput(() => addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action' }));
    expect(error?.message).toMatch(new RegExp(`not a valid field or attribute definition.*${SAMPLE_SCHEMA}:${line}\\b`, 's'));
    expect(snapshotTree(tree)).toEqual(before);
  });
});

describe('executors refuse bad input with a clear error, the database unchanged, no secret printed', () => {
  type Executor = (options: never, context: ExecutorContext) => Promise<{ success: boolean }>;
  interface ExecutorCase {
    executor: Executor;
    options: () => Record<string, unknown>;
    message: RegExp;
    /** The database the case must leave as it was (default: the migrated sample). */
    database?: () => string;
    /** Changes the workspace on disk before the run. */
    prepare?: (ws: DiskWorkspace) => void;
    context?: (ws: DiskWorkspace) => ExecutorContext;
  }
  const pendingFolder = (ws: DiskWorkspace) => {
    const folder = join(ws.root, SAMPLE_MIGRATIONS, '20990101000000_add_nickname');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'migration.sql'), 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n');
    writeFileSync(join(folder, 'down.sql'), 'ALTER TABLE "User" DROP COLUMN "nickname";\n');
  };
  const cases: [string, ExecutorCase][] = [
    ['migrate: unreachable database', { executor: migrateExecutor, options: () => inVariable(unreachableUrl()), message: /Cannot connect to the database.*ECONNREFUSED/s }],
    ['migrate: wrong password', { executor: migrateExecutor, options: () => inVariable(wrongPasswordUrl()), message: /password authentication failed for user/ }],
    ['migrate: wrong password in DATABASE_URL', { executor: migrateExecutor, options: () => ({ env: { DATABASE_URL: wrongPasswordUrl() } }), message: /password authentication failed for user/ }],
    ['migrate: malformed URL', { executor: migrateExecutor, options: () => inVariable(`postgresql://forge:${WRONG_PASSWORD}@localhost:port/db`), message: /The database URL is not a valid URL \(postgresql:\/\/forge:\*\*\*\*@/ }],
    ['migrate: not a PostgreSQL URL', { executor: migrateExecutor, options: () => inVariable(`mysql://root:${WRONG_PASSWORD}@localhost/db`), message: /Only PostgreSQL is supported.*"mysql:"/ }],
    ['migrate: --to a folder that does not exist', { executor: migrateExecutor, options: () => inVariable(sampleUrl, { to: '20990101000000_nope' }), message: /No migration folder named 20990101000000_nope/, prepare: pendingFolder }],
    ['migrate: invalid --lockTimeout', { executor: migrateExecutor, options: () => inVariable(sampleUrl, { lockTimeout: 'soon' }), message: /Invalid --lockTimeout "soon": expected a duration such as 5s/, prepare: pendingFolder }],
    ['migrate-down: invalid --lockTimeout', { executor: migrateDownExecutor, options: () => inVariable(sampleUrl, { lockTimeout: '5 seconds' }), message: /Invalid --lockTimeout "5 seconds"/ }],
    ['migrate: a data migration registry that does not compile', {
      executor: migrateExecutor,
      options: () => inVariable(sampleUrl),
      message: /src\/migrations\/index\.ts.*'\)' expected/s,
      prepare: (ws) => {
        pendingFolder(ws);
        ws.write(`${SAMPLE_ROOT}/src/migrations/index.ts`, 'export const dataMigrations = { oops: () => import(\n');
      },
    }],
    ['migrate: outside a project', { executor: migrateExecutor, options: () => inVariable(sampleUrl), message: /must run for a project/, context: (ws) => ({ ...ws.executorContext(), projectName: undefined }) }],
    ['migrate-status: wrong password', { executor: migrateStatusExecutor, options: () => inVariable(wrongPasswordUrl()), message: /password authentication failed for user/ }],
    ['migrate-status: unreachable database', { executor: migrateStatusExecutor, options: () => inVariable(unreachableUrl()), message: /Cannot connect to the database/ }],
    ['migrate-status: an INVALID index is unhealthy (before: "No drift", exit 0)', { executor: migrateStatusExecutor, options: () => inVariable(invalidIndexUrl), message: /✗ Index AuditLog_action_key on AuditLog is INVALID .*and no migration builds it\.\n {2}→ DROP INDEX CONCURRENTLY IF EXISTS "AuditLog_action_key";/, database: () => invalidIndexUrl }],
    ['migrate-down: nothing to roll back', { executor: migrateDownExecutor, options: () => inVariable(emptyUrl), message: /No applied migration to roll back/, database: () => emptyUrl }],
    ['migrate-down: --count 0', { executor: migrateDownExecutor, options: () => inVariable(sampleUrl, { count: 0 }), message: /--count must be a positive integer \(got 0\)/ }],
    ['migrate-down: --count -1', { executor: migrateDownExecutor, options: () => inVariable(sampleUrl, { count: -1 }), message: /--count must be a positive integer \(got -1\)/ }],
    ['migrate-down: --count 1.5', { executor: migrateDownExecutor, options: () => inVariable(sampleUrl, { count: 1.5 }), message: /--count must be a positive integer \(got 1\.5\)/ }],
    ['migrate-down: --count not a number', { executor: migrateDownExecutor, options: () => inVariable(sampleUrl, { count: 'all' }), message: /--count must be a positive integer \(got "all"\)/ }],
    ['migrate-down: wrong password', { executor: migrateDownExecutor, options: () => inVariable(wrongPasswordUrl()), message: /password authentication failed for user/ }],
    ['migrate-validate: malformed shadow database URL', { executor: migrateValidateExecutor, options: () => ({ databaseUrlEnv: VARIABLE, shadowDatabaseUrlEnv: 'BAD_INPUT_SHADOW_URL', env: { [VARIABLE]: sampleUrl, BAD_INPUT_SHADOW_URL: `postgres://ci:${WRONG_PASSWORD}@host:port` } }), message: /not a valid URL/, prepare: pendingFolder }],
    // Secrets: a password never goes on the command line; every way of writing one is masked exactly.
    ['migrate: --databaseUrl carrying a password', { executor: migrateExecutor, options: () => ({ databaseUrl: sampleUrl }), message: /--databaseUrl carries a password \(postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/test_\w+\), and command lines are printed and cached.*DATABASE_URL.*--databaseUrlEnv STAGING_DATABASE_URL/ }],
    ['migrate-status: --databaseUrl carrying ?password=', { executor: migrateStatusExecutor, options: () => ({ databaseUrl: queryPasswordUrl(WRONG_PASSWORD) }), message: /--databaseUrl carries a password \(postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+\?password=\*\*\*\*\)/ }],
    ['migrate-down: --databaseUrl carrying a key=value password', { executor: migrateDownExecutor, options: () => ({ databaseUrl: `host=127.0.0.1 user=postgres password=${WRONG_PASSWORD}` }), message: /--databaseUrl carries a password \(host=127\.0\.0\.1 user=postgres password=\*\*\*\*\)/ }],
    ['migrate-validate: --shadowDatabaseUrl carrying a password', { executor: migrateValidateExecutor, options: () => inVariable(sampleUrl, { shadowDatabaseUrl: `postgresql://ci:${WRONG_PASSWORD}@127.0.0.1:1/postgres` }), message: /--shadowDatabaseUrl carries a password.*--shadowDatabaseUrlEnv/, prepare: pendingFolder }],
    ['migrate: --databaseUrlEnv naming a variable that is not set', { executor: migrateExecutor, options: () => ({ databaseUrlEnv: 'NO_SUCH_DATABASE_URL' }), message: /--databaseUrlEnv NO_SUCH_DATABASE_URL: the environment variable NO_SUCH_DATABASE_URL is not set/ }],
    ['migrate: --databaseUrlEnv given the URL itself', { executor: migrateExecutor, options: () => ({ databaseUrlEnv: wrongPasswordUrl() }), message: /--databaseUrlEnv takes the name of an environment variable that holds the URL/ }],
    ['migrate: a wrong password with an unencoded @', { executor: migrateExecutor, options: () => inVariable(rawPasswordUrl(AT_PASSWORD)), message: /password authentication failed for user "postgres"/ }],
    ['migrate-status: a wrong password in ?password= is the one sent', { executor: migrateStatusExecutor, options: () => inVariable(queryPasswordUrl(WRONG_PASSWORD)), message: /password authentication failed for user "postgres"/ }],
    ['migrate: an index named like a table (IF NOT EXISTS would skip it)', {
      executor: migrateExecutor,
      options: () => inVariable(sampleUrl),
      message: /20990101000000_add_index_audit_log_action: "Tenant" is already a table in the database, so CREATE INDEX CONCURRENTLY IF NOT EXISTS "Tenant" would do nothing.*Nothing of 20990101000000_add_index_audit_log_action ran/s,
      prepare: (ws) => {
        const folder = join(ws.root, SAMPLE_MIGRATIONS, '20990101000000_add_index_audit_log_action');
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'migration.sql'), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Tenant" ON "AuditLog"("action");\n');
        writeFileSync(join(folder, 'down.sql'), 'DROP INDEX CONCURRENTLY IF EXISTS "Tenant";\n');
      },
    }],
    ['migrate-down: a down.sql building an index named like a table', {
      executor: migrateDownExecutor,
      options: () => inVariable(indexDownUrl),
      message: /20990101000000_drop_action_index: "Tenant" is already a table in the database.*Nothing of 20990101000000_drop_action_index ran/s,
      database: () => indexDownUrl,
      prepare: (ws) => {
        const folder = join(ws.root, SAMPLE_MIGRATIONS, INDEX_DOWN.name);
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'migration.sql'), INDEX_DOWN.sql);
        writeFileSync(join(folder, 'down.sql'), INDEX_DOWN.downSql!);
      },
    }],
    ['migrate-resolve: neither --rolledBack nor --applied', { executor: migrateResolveExecutor, options: () => inVariable(sampleUrl), message: /Give exactly one migration: `.*migrate-resolve --rolledBack NAME` for a failed migration .*`.*migrate-resolve --applied NAME`/s }],
    ['migrate-resolve: --rolledBack of a migration that did not fail', { executor: migrateResolveExecutor, options: () => inVariable(sampleUrl, { rolledBack: BASELINE }), message: /20250101000000_baseline is applied, not failed: --rolledBack only resolves a failed migration\. Nothing was changed\./ }],
    ['migrate-resolve: --databaseUrl carrying a password', { executor: migrateResolveExecutor, options: () => ({ databaseUrl: sampleUrl, rolledBack: BASELINE }), message: /--databaseUrl carries a password \(postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/test_\w+\).*--databaseUrlEnv/s }],
    ['migrate-lint: --migration that does not exist', { executor: migrateLintExecutor, options: () => ({ migration: 'no_such_migration' }), message: /No migration folder no_such_migration in packages\/prisma\/prisma\/migrations/ }],
  ];

  it.each(cases)('%s', async (_label, { executor, options, message, database = () => sampleUrl, prepare, context }) => {
    const ws = writeDiskWorkspace(createSampleTree(), 'forge-bad-input-');
    const { env = {}, ...given } = options() as { env?: Record<string, string> };
    const saved = { ...process.env };
    try {
      prepare?.(ws);
      delete process.env.DATABASE_URL;
      Object.assign(process.env, env);
      const before = await databaseChecksum(database());
      const { result, error, output } = await capturedOutput(() => executor(given as never, context?.(ws) ?? ws.executorContext()));
      expect(error).toBeUndefined(); // executors report, they do not throw
      expect(result).toEqual({ success: false });
      expect(output.replace(/\x1b\[[\d;]*m/g, '')).toMatch(message); // without the compiler's colours
      expect(await databaseChecksum(database())).toEqual(before);
      // Nor in any file of the workspace (report.md, .forge records, whatever a run writes).
      const files = listFiles(ws.root).map((path) => readFileSync(path, 'utf8'));
      for (const secret of secrets()) expect([output, ...files].filter((text) => text.includes(secret))).toEqual([]);
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
      if (saved.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved.DATABASE_URL;
      ws.remove();
    }
  });
});
