import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstalledWorkspace } from './installed-workspace';

/**
 * The `prisma migrate dev` habit through real Nx: schema.prisma edited by hand, then
 * `nx run prisma:migrate-dev --name x` writes the safe migrations the generators would, which
 * migrate-validate proves with application traffic on, and which deploy without drift.
 */
describe('migrate-dev: schema.prisma edited by hand, then nx run prisma:migrate-dev', () => {
  let ws: InstalledWorkspace;
  beforeAll(() => {
    ws = InstalledWorkspace.create();
  }, 600_000);
  afterAll(() => ws?.remove());

  const schemaPath = () => join(ws.root, 'packages/prisma/prisma/schema.prisma');
  const migrationsDir = () => join(ws.root, 'packages/prisma/prisma/migrations');
  const migrations = () => readdirSync(migrationsDir()).filter((f) => /^\d{14}_/.test(f)).sort();
  const sql = (folder: string, file = 'migration.sql') => readFileSync(join(migrationsDir(), folder, file), 'utf8');

  it('a committed project with tables, deployed', () => {
    ws.nxOk(['g', '@forge/migration:init', '--skipPackageJson']);
    ws.nxOk(['g', '@forge/migration:add-table', '--name', 'User', '--fields', '[{"name":"email","type":"String","unique":true},{"name":"name","type":"String","optional":true}]']);
    ws.nxOk(['g', '@forge/migration:add-table', '--name', 'Order', '--fields', '[{"name":"status","type":"String","default":"pending"},{"name":"totalCents","type":"Int"}]', '--relations', '[{"field":"user","references":"User"}]']);
    ws.nxOk(['run', 'prisma:migrate']);
    expect(ws.nxOk(['run', 'prisma:migrate-status'])).toMatch(/0 pending, 0 failed[\s\S]*No drift/);
    ws.commitAll('schema');
  });

  it('writes one safe migration per edit, each with its down.sql and report, and keeps schema.prisma as edited', () => {
    const before = migrations();
    const edited = readFileSync(schemaPath(), 'utf8')
      .replace(/(model User \{\n(?:.*\n)*?)(\})/, '$1  locale String?\n$2')
      .replace(/(model Order \{\n(?:.*\n)*?)(\})/, '$1\n  @@index([status])\n$2');
    expect(edited).toMatch(/locale String\?/);
    expect(edited).toMatch(/@@index\(\[status\]\)/);
    writeFileSync(schemaPath(), edited);

    const out = ws.nxOk(['run', 'prisma:migrate-dev', '--name', 'x']);
    expect(out).toMatch(/\[1\/2\]/);
    expect(out).toMatch(/\[2\/2\]/);
    const written = migrations().filter((f) => !before.includes(f));
    expect(written.map((f) => f.replace(/^\d{14}_/, ''))).toEqual(['x_1', 'x_2']);
    for (const folder of written) {
      for (const file of ['migration.sql', 'down.sql', 'report.md']) expect({ folder, file, exists: existsSync(join(migrationsDir(), folder, file)) }).toEqual({ folder, file, exists: true });
    }
    const ups = written.map((f) => sql(f)).join('\n');
    expect(ups).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"locale" TEXT;/);
    // Not Prisma's blocking CREATE INDEX: the recipe builds it concurrently.
    expect(ups).toMatch(/CREATE INDEX CONCURRENTLY IF NOT EXISTS "\w+" ON "Order"\("status"\)/);
    expect(written.map((f) => sql(f, 'down.sql')).join('\n')).toMatch(/DROP INDEX CONCURRENTLY IF EXISTS/);
    expect(readFileSync(schemaPath(), 'utf8')).toBe(edited);
    expect(ws.nxOk(['run', 'prisma:migrate-status'])).toMatch(/2 pending/);
  });

  it('migrate-validate proves them with traffic on; they deploy without drift and roll back', () => {
    const validated = ws.nxOk(['run', 'prisma:migrate-validate', '--skip-nx-cache']);
    expect(validated).toMatch(/Proving 2 migration\(s\)/);
    expect(validated).toMatch(/_x_1 .* pass/);
    expect(validated).toMatch(/_x_2 .* pass/);
    expect(validated).toMatch(/every migration applies, rolls back/);
    // Traffic on (the default): each report.md gets the writes the application session made during every step.
    for (const folder of migrations().filter((f) => /_x_\d$/.test(f))) {
      const report = sql(folder, 'report.md');
      expect(report).toMatch(/while an application session per table kept writing/);
      expect(Number(/(\d+) committed writes/.exec(report)?.[1])).toBeGreaterThan(0);
    }

    ws.nxOk(['run', 'prisma:migrate']);
    expect(ws.nxOk(['run', 'prisma:migrate-status'])).toMatch(/0 pending, 0 failed[\s\S]*No drift/);
    expect(ws.nxOk(['run', 'prisma:migrate-down', '--count', '2'])).toMatch(/Rolled back 2 migration/);
    ws.commitAll('locale and status index');
  });

  it('with nothing edited since the commit, writes nothing', () => {
    const before = migrations();
    expect(ws.nxOk(['run', 'prisma:migrate-dev', '--name', 'nothing'])).toMatch(/schema\.prisma matches the migrations: nothing to generate/);
    expect(migrations()).toEqual(before);
  });
});
