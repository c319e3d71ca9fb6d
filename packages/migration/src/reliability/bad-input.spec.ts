import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import migrateExecutor from '../executors/migrate/executor';
import migrateDownExecutor from '../executors/migrate-down/executor';
import migrateLintExecutor from '../executors/migrate-lint/executor';
import migrateStatusExecutor from '../executors/migrate-status/executor';
import migrateValidateExecutor from '../executors/migrate-validate/executor';
import addIndexGenerator from '../generators/add-index/generator';
import { migrationGenerator } from '../generators/migration/generator';
import { migrate } from '../runtime/migrate';
import { capturedOutput } from '../testing/captured-output';
import { useEmbeddedPostgres } from '../testing/database';
import { databaseChecksum } from '../testing/database-checksum';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { projectTarget, sampleDirectory } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree, SAMPLE_MIGRATIONS, SAMPLE_ROOT, SAMPLE_SCHEMA, snapshotTree } from '../testing/sample-tree';

/**
 * Bad input, one row per case: each must end in a clear error naming the problem, with nothing
 * written (generators: the tree as before; executors: the database as before, its rows and
 * `_prisma_migrations` included) and no password in anything printed.
 */
const pgServer = useEmbeddedPostgres();
const INJECTION = `User"; DROP TABLE x; --`;
const WRONG_PASSWORD = 'n0t-the-Passw0rd';

let sampleUrl: string;
/** A database nothing was ever applied to. */
let emptyUrl: string;
beforeAll(async () => {
  sampleUrl = await pgServer.freshDatabase();
  const migrated = await migrate(projectTarget(sampleUrl, sampleDirectory()));
  if (migrated.error) throw migrated.error;
  await seedSampleData(sampleUrl, { users: 50, orders: 100, auditLogs: 200 });
  emptyUrl = await pgServer.freshDatabase();
}, 120_000);

/** Every password the output must not show: the server's and the wrong one the cases try. */
function secrets(): string[] {
  return [new URL(pgServer.serverUrl).password, WRONG_PASSWORD];
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** Port 1: nothing listens there, the connection is refused at once. */
const unreachableUrl = () => `postgresql://forge:${WRONG_PASSWORD}@127.0.0.1:1/app`;
const wrongPasswordUrl = () => withPassword(sampleUrl, WRONG_PASSWORD);

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
    ['invalid migration name', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), migrationName: '!!!' }), /Invalid --migrationName "!!!"/],
    ['generator --databaseUrl that is unreachable', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrl: unreachableUrl() }), /Cannot read table statistics from --databaseUrl .*ECONNREFUSED/],
    ['generator --databaseUrl with a wrong password', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrl: wrongPasswordUrl() }), /Cannot read table statistics .*password authentication failed/],
    ['generator --databaseUrl that is not a URL', () => ({ ...seed('add_index', 'AuditLog', { fields: ['action'] }), databaseUrl: `postgresql://forge:${WRONG_PASSWORD}@localhost:port/db` }), /not a valid URL/],
  ];

  it.each(cases)('%s', async (_label, options, message) => {
    const tree = createSampleTree();
    const before = snapshotTree(tree);
    const { error, output } = await capturedOutput(() => migrationGenerator(tree, options() as never));
    expect(error?.message).toMatch(message);
    expect(snapshotTree(tree)).toEqual(before);
    for (const secret of secrets()) expect(`${error?.message}\n${output}`).not.toContain(secret);
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
    ['migrate: unreachable database', { executor: migrateExecutor, options: () => ({ databaseUrl: unreachableUrl() }), message: /Cannot connect to the database.*ECONNREFUSED/s }],
    ['migrate: wrong password', { executor: migrateExecutor, options: () => ({ databaseUrl: wrongPasswordUrl() }), message: /password authentication failed for user/ }],
    ['migrate: wrong password in DATABASE_URL', { executor: migrateExecutor, options: () => ({ env: wrongPasswordUrl() }), message: /password authentication failed for user/ }],
    ['migrate: malformed URL', { executor: migrateExecutor, options: () => ({ databaseUrl: `postgresql://forge:${WRONG_PASSWORD}@localhost:port/db` }), message: /The database URL is not a valid URL \(postgresql:\/\/forge:\*\*\*\*@/ }],
    ['migrate: not a PostgreSQL URL', { executor: migrateExecutor, options: () => ({ databaseUrl: `mysql://root:${WRONG_PASSWORD}@localhost/db` }), message: /Only PostgreSQL is supported.*"mysql:"/ }],
    ['migrate: --to a folder that does not exist', { executor: migrateExecutor, options: () => ({ databaseUrl: sampleUrl, to: '20990101000000_nope' }), message: /No migration folder named 20990101000000_nope/, prepare: pendingFolder }],
    ['migrate: invalid --lockTimeout', { executor: migrateExecutor, options: () => ({ databaseUrl: sampleUrl, lockTimeout: 'soon' }), message: /Invalid --lockTimeout "soon": expected a duration such as 5s/, prepare: pendingFolder }],
    ['migrate-down: invalid --lockTimeout', { executor: migrateDownExecutor, options: () => ({ databaseUrl: sampleUrl, lockTimeout: '5 seconds' }), message: /Invalid --lockTimeout "5 seconds"/ }],
    ['migrate: a data migration registry that does not compile', {
      executor: migrateExecutor,
      options: () => ({ databaseUrl: sampleUrl }),
      message: /src\/migrations\/index\.ts.*'\)' expected/s,
      prepare: (ws) => {
        pendingFolder(ws);
        ws.write(`${SAMPLE_ROOT}/src/migrations/index.ts`, 'export const dataMigrations = { oops: () => import(\n');
      },
    }],
    ['migrate: outside a project', { executor: migrateExecutor, options: () => ({ databaseUrl: sampleUrl }), message: /must run for a project/, context: (ws) => ({ ...ws.executorContext(), projectName: undefined }) }],
    ['migrate-status: wrong password', { executor: migrateStatusExecutor, options: () => ({ databaseUrl: wrongPasswordUrl() }), message: /password authentication failed for user/ }],
    ['migrate-status: unreachable database', { executor: migrateStatusExecutor, options: () => ({ databaseUrl: unreachableUrl() }), message: /Cannot connect to the database/ }],
    ['migrate-down: nothing to roll back', { executor: migrateDownExecutor, options: () => ({ databaseUrl: emptyUrl }), message: /No applied migration to roll back/, database: () => emptyUrl }],
    ['migrate-down: --count 0', { executor: migrateDownExecutor, options: () => ({ databaseUrl: sampleUrl, count: 0 }), message: /--count must be a positive integer \(got 0\)/ }],
    ['migrate-down: --count -1', { executor: migrateDownExecutor, options: () => ({ databaseUrl: sampleUrl, count: -1 }), message: /--count must be a positive integer \(got -1\)/ }],
    ['migrate-down: --count 1.5', { executor: migrateDownExecutor, options: () => ({ databaseUrl: sampleUrl, count: 1.5 }), message: /--count must be a positive integer \(got 1\.5\)/ }],
    ['migrate-down: --count not a number', { executor: migrateDownExecutor, options: () => ({ databaseUrl: sampleUrl, count: 'all' }), message: /--count must be a positive integer \(got "all"\)/ }],
    ['migrate-down: wrong password', { executor: migrateDownExecutor, options: () => ({ databaseUrl: wrongPasswordUrl() }), message: /password authentication failed for user/ }],
    ['migrate-validate: malformed shadow database URL', { executor: migrateValidateExecutor, options: () => ({ databaseUrl: sampleUrl, shadowDatabaseUrl: `postgres://ci:${WRONG_PASSWORD}@host:port` }), message: /not a valid URL/, prepare: pendingFolder }],
    ['migrate-lint: --migration that does not exist', { executor: migrateLintExecutor, options: () => ({ migration: 'no_such_migration' }), message: /No migration folder no_such_migration in packages\/prisma\/prisma\/migrations/ }],
  ];

  it.each(cases)('%s', async (_label, { executor, options, message, database = () => sampleUrl, prepare, context }) => {
    const ws = writeDiskWorkspace(createSampleTree(), 'forge-bad-input-');
    const { env, ...given } = options();
    const saved = process.env.DATABASE_URL;
    try {
      prepare?.(ws);
      if (env) process.env.DATABASE_URL = String(env);
      else delete process.env.DATABASE_URL;
      const before = await databaseChecksum(database());
      const { result, error, output } = await capturedOutput(() => executor(given as never, context?.(ws) ?? ws.executorContext()));
      expect(error).toBeUndefined(); // executors report, they do not throw
      expect(result).toEqual({ success: false });
      expect(output.replace(/\x1b\[[\d;]*m/g, '')).toMatch(message); // without the compiler's colours
      expect(await databaseChecksum(database())).toEqual(before);
      for (const secret of secrets()) expect(output).not.toContain(secret);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      ws.remove();
    }
  });
});
