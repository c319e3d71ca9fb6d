import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { InstalledWorkspace } from './installed-workspace';
import { repoRoot } from './workspace';

/**
 * A newcomer's path: a fresh Nx workspace, @forge/migration installed from its tarball, init, a
 * schema built with the generators, every change type, every target, and nx affected with the cache.
 */
describe('a fresh workspace with the packed plugin (embedded PostgreSQL default)', () => {
  let ws: InstalledWorkspace;
  beforeAll(() => {
    ws = InstalledWorkspace.create();
  }, 240_000);
  afterAll(() => ws?.remove());

  const schema = () => readFileSync(join(ws.root, 'packages/prisma/prisma/schema.prisma'), 'utf8');
  const migrations = () => readdirSync(join(ws.root, 'packages/prisma/prisma/migrations')).filter((f) => /^\d{14}_/.test(f));
  const g = (generator: string, ...args: string[]) => ws.nxOk(['g', `@forge/migration:${generator}`, ...args]);

  it('init registers the plugin and creates the prisma project with its targets', () => {
    ws.nxOk(['g', '@forge/migration:init', '--skipPackageJson']);
    expect(JSON.parse(readFileSync(join(ws.root, 'nx.json'), 'utf8')).plugins).toContain('@forge/migration');
    const project = JSON.parse(ws.nxOk(['show', 'project', 'prisma', '--json']));
    for (const target of ['migrate', 'migrate-down', 'migrate-validate', 'migrate-status', 'migrate-checklist', 'migrate-lint', 'migrate-prune']) {
      expect(project.targets[target]?.executor).toBe(`@forge/migration:${target}`);
    }
  });

  it('builds a schema with add-table and deploys it', () => {
    g('add-table', '--name', 'Tenant', '--fields', '[{"name":"slug","type":"String","unique":true},{"name":"name","type":"String"}]');
    g('add-table', '--name', 'User', '--fields', '[{"name":"email","type":"String","unique":true},{"name":"name","type":"String","optional":true}]', '--relations', '[{"field":"tenant","references":"Tenant"}]');
    g('add-table', '--name', 'Order', '--fields', '[{"name":"status","type":"String","default":"pending"},{"name":"totalCents","type":"Int"},{"name":"note","type":"String","optional":true}]', '--relations', '[{"field":"user","references":"User"}]');
    g('add-table', '--name', 'AuditLog', '--fields', '[{"name":"tenantId","type":"Int"},{"name":"action","type":"String"},{"name":"createdAt","type":"DateTime","default":"now()"}]');
    expect(schema()).toMatch(/model AuditLog \{/);
    const out = ws.nxOk(['run', 'prisma:migrate']);
    expect(out).toMatch(/Database: embedded PostgreSQL/);
    expect(ws.nxOk(['run', 'prisma:migrate-status'])).toMatch(/No drift/);
    ws.commitAll('schema');
  });

  it('runs every change generator, and --dry-run writes nothing', () => {
    const before = migrations().length;
    const dry = ws.nxOk(['g', '@forge/migration:migration', '--migrationName', 'user-locale', '--changeType', 'add_column', '--targetTable', 'User', '--changes', '{"columns":[{"name":"locale","type":"String","optional":true}]}', '--dry-run']);
    expect(dry).toMatch(/dryRun.*no changes were made/i);
    expect(migrations()).toHaveLength(before);

    ws.nxOk(['g', '@forge/migration:migration', '--migrationName', 'user-preferences', '--changeType', 'add_column', '--targetTable', 'User', '--changes', '{"columns":[{"name":"preferences","type":"Json","optional":true}]}']);
    g('add-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt');
    g('modify-column', '--targetTable', 'Order', '--column', 'status', '--type', 'OrderStatus', '--map', '{"pending":"PENDING","paid":"PAID"}');
    g('add-relation', '--targetTable', 'AuditLog', '--field', 'tenant', '--references', 'Tenant', '--fields', 'tenantId');
    g('remove-relation', '--targetTable', 'Order', '--field', 'user');
    g('rename', '--targetTable', 'User', '--field', 'name', '--to', 'displayName');
    g('remove-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt');
    g('remove-column', '--targetTable', 'Order', '--column', 'note', '--confirmDataLoss');
    g('add-table', '--name', 'Coupon', '--fields', '[{"name":"code","type":"String","unique":true}]');
    g('remove-table', '--targetTable', 'Coupon', '--confirmDataLoss');
    const refused = ws.nx(['g', '@forge/migration:remove-column', '--targetTable', 'User', '--column', 'email']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/--confirmDataLoss/);
    expect(schema()).toMatch(/enum OrderStatus/);
    expect(schema()).toMatch(/displayName/);
    expect(migrations().length).toBeGreaterThan(before + 10);
    for (const folder of migrations()) expect(existsSync(join(ws.root, 'packages/prisma/prisma/migrations', folder, 'down.sql'))).toBe(true);
  });

  it('lints, validates, migrates, checks, rolls back', () => {
    expect(ws.nxOk(['run', 'prisma:migrate-lint'])).toMatch(/0 errors/);
    const validated = ws.nxOk(['run', 'prisma:migrate-validate']);
    expect(validated).toMatch(/every migration applies, rolls back/);
    ws.commitAll('changes');
    const checklist = ws.nx(['run', 'prisma:migrate-checklist', '--window']);
    expect(checklist.output).toMatch(/rollback tested/i);
    ws.nxOk(['run', 'prisma:migrate']);
    const status = ws.nxOk(['run', 'prisma:migrate-status']);
    expect(status).toMatch(/0 pending, 0 failed/);
    expect(status).toMatch(/No drift/);
    expect(ws.nxOk(['run', 'prisma:migrate-down', '--count', '2'])).toMatch(/Rolled back 2 migration/);
    expect(ws.nxOk(['run', 'prisma:migrate-status'])).toMatch(/2 pending/);
    // Not /prune/: Nx echoes the command line, so that would match whatever the executor printed.
    expect(ws.nxOk(['run', 'prisma:migrate-prune', '--dryRun'])).toMatch(/Dry run \(retention [^)]+\): \d+ backup\(s\) would be dropped; nothing was changed\.|No backup in _forge_backup\./);
  });

  it('nx affected validates only the changed project, then hits the cache', () => {
    ws.nxOk(['g', '@forge/migration:init', '--name', 'billing', '--directory', 'packages/billing', '--skipPackageJson']);
    ws.commitAll('billing project');
    ws.nxOk(['g', '@forge/migration:add-table', '--project', 'billing', '--name', 'Invoice', '--fields', '[{"name":"number","type":"String","unique":true}]']);
    ws.commitAll('billing: invoice');
    const first = ws.affectedByLastCommit('migrate-validate');
    expect(first).toMatch(/billing:migrate-validate/);
    expect(first).not.toMatch(/prisma:migrate-validate/);
    const second = ws.affectedByLastCommit('migrate-validate');
    expect(second).toMatch(/existing outputs match the cache|local cache|read the output from the cache/i);
  });

  it('works the same against a PostgreSQL given by DATABASE_URL, and never prints its password', async () => {
    const { startEmbeddedPostgres } = require(join(repoRoot, 'packages/migration/dist/engine/embedded-postgres.js'));
    const server = await startEmbeddedPostgres();
    try {
      const env = { DATABASE_URL: server.url };
      const password = new URL(server.url).password;
      const out = ws.nxOk(['run', 'prisma:migrate'], env);
      expect(out).toMatch(/Database: 127\.0\.0\.1:\d+\/postgres \(DATABASE_URL\)/);
      expect(out).not.toContain(password);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const usersDigest = async () => (await client.query(`SELECT md5(string_agg(md5(to_jsonb(u)::text), '' ORDER BY id)) AS h FROM "User" u`)).rows[0].h;
      try {
        await client.query(`INSERT INTO "Tenant"(slug, name) SELECT 't' || g, 'T' || g FROM generate_series(1, 20) g`);
        await client.query(`INSERT INTO "User"(email, "tenantId", "displayName") SELECT 'u' || g || '@x.io', 1 + g % 20, 'U' || g FROM generate_series(1, 500) g`);
        const before = await usersDigest();
        expect(ws.nxOk(['run', 'prisma:migrate-down', '--count', '3'], env)).toMatch(/Rolled back 3 migration/);
        ws.nxOk(['run', 'prisma:migrate'], env);
        expect(await usersDigest()).toBe(before);
      } finally {
        await client.end();
      }
      const status = ws.nxOk(['run', 'prisma:migrate-status'], env);
      expect(status).toMatch(/No drift/);
      const wrong = ws.nx(['run', 'prisma:migrate-status'], { DATABASE_URL: server.url.replace(password, 'wrong-secret') });
      expect(wrong.code).not.toBe(0);
      expect(wrong.output).not.toContain('wrong-secret');
      expect(wrong.output).toMatch(/password authentication failed|Cannot connect/);
    } finally {
      await server.stop();
    }
  });
});
