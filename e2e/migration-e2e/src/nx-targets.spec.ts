import { readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScratchWorkspace } from './workspace';

describe('inferred targets and executors through real Nx', () => {
  let ws: ScratchWorkspace;
  beforeAll(() => {
    ws = ScratchWorkspace.create('targets');
  });
  afterAll(() => ws.remove());

  const migrations = () => join(ws.root, 'packages/prisma/prisma/migrations');

  it('infers the migrate targets with descriptions, migrate-validate cacheable on the migration files', () => {
    const project = JSON.parse(ws.nxOk(['show', 'project', 'prisma', '--json']));
    for (const target of ['migrate', 'migrate-down', 'migrate-validate', 'migrate-status']) {
      expect(project.targets[target].executor).toBe(`@forge/migration:${target}`);
      expect(project.targets[target].metadata.description).toEqual(expect.any(String));
    }
    expect(project.targets['migrate-validate'].cache).toBe(true);
    expect(project.targets['migrate-validate'].inputs).toEqual(
      expect.arrayContaining(['{projectRoot}/prisma/schema.prisma', '{projectRoot}/prisma/migrations/**/*', '{projectRoot}/src/migrations/**/*']),
    );
    expect(project.targets.migrate.cache).toBeFalsy();
  });

  it('migrates, reports status, validates, rolls back and refuses what it must, on the embedded default', () => {
    let out = ws.nxOk(['run', 'prisma:migrate']);
    expect(out).toMatch(/Database: embedded PostgreSQL/);
    expect(out).toMatch(/20250101000000_baseline/);
    expect(out).not.toMatch(/postgres:[^*@\s]+@/); // no password in the output

    out = ws.nxOk(['run', 'prisma:migrate-status']);
    expect(out).toMatch(/1 applied, 0 pending, 0 failed/);
    expect(out).toMatch(/No drift/);

    ws.nxOk(['g', '@forge/migration:add-column', '--targetTable', 'User', '--name', 'preferences', '--type', 'Json', '--optional']);
    out = ws.nxOk(['run', 'prisma:migrate-status']);
    expect(out).toMatch(/1 applied, 1 pending/);

    out = ws.nxOk(['run', 'prisma:migrate-validate', '--skip-nx-cache']);
    expect(out).toMatch(/Proving 1 migration\(s\): \d{14}_add_column_user_preferences/);
    expect(out).toMatch(/add_column_user_preferences +[\d.]+ m?s .* pass/); // "840 ms", or "1.2 s" on a busy machine
    expect(out).toMatch(/every migration applies, rolls back/);

    out = ws.nxOk(['run', 'prisma:migrate']);
    expect(out).toMatch(/Applied 1 migration\(s\); 1 were already applied/);
    out = ws.nxOk(['run', 'prisma:migrate-status']);
    expect(out).toMatch(/2 applied, 0 pending/);
    expect(out).toMatch(/No drift/);

    out = ws.nxOk(['run', 'prisma:migrate-down']);
    expect(out).toMatch(/Rolled back 1 migration/);
    expect(ws.nxOk(['run', 'prisma:migrate-status'])).toMatch(/1 applied, 1 pending/);
    ws.nxOk(['run', 'prisma:migrate']);

    // no down.sql: refused, nothing changed
    const folder = readdirSync(migrations()).find((f) => f.endsWith('_add_column_user_preferences'))!;
    rmSync(join(migrations(), folder, 'down.sql'));
    const refused = ws.nx(['run', 'prisma:migrate-down']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/has no down\.sql\. Nothing was changed/);
    expect(ws.nxOk(['run', 'prisma:migrate-status'])).toMatch(/2 applied, 0 pending/);

    // a failing migration: non-zero exit, the error and its statement, state visible in status
    const broken = join(migrations(), '20991231000000_broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'migration.sql'), 'ALTER TABLE "User" ADD COLUMN "x" INTEGER;\nALTER TABLE "Nope" ADD COLUMN "y" INTEGER;\n');
    const failed = ws.nx(['run', 'prisma:migrate']);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/relation "Nope" does not exist/);
    expect(failed.output).toMatch(/Failing statement: ALTER TABLE "Nope" ADD COLUMN "y" INTEGER/);
    const status = ws.nx(['run', 'prisma:migrate-status']);
    expect(status.code).not.toBe(0);
    expect(status.output).toMatch(/20991231000000_broken +expand +failed/); // no phase line: expand
  });
});

describe('nx affected in a git workspace', () => {
  let ws: ScratchWorkspace;
  beforeAll(() => {
    ws = ScratchWorkspace.create('affected', { prisma: 'packages/prisma', billing: 'packages/billing' });
    ws.git('init', '-q', '-b', 'main');
    ws.commitAll('two prisma projects');
  });
  afterAll(() => ws.remove());

  it('validates only the project whose migrations changed, and hits the cache the second time', () => {
    ws.nxOk(['g', '@forge/migration:add-index', '--project', 'billing', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt']);
    ws.commitAll('billing: index');
    const first = ws.affectedByLastCommit('migrate-validate');
    expect(first).toMatch(/billing:migrate-validate/);
    expect(first).not.toMatch(/prisma:migrate-validate/);
    expect(first).toMatch(/every migration applies, rolls back/);
    const second = ws.affectedByLastCommit('migrate-validate');
    expect(second).toMatch(/cache/i);
    expect(second).toMatch(/Nx read the output from the cache|existing outputs match the cache|\[local cache\]/);
  });
});
