import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { existingWorkspaceFiles, pushedProject } from './existing-project';
import { InstalledWorkspace } from './installed-workspace';
import { repoRoot } from './workspace';

const { startEmbeddedPostgres } = require(join(repoRoot, 'packages/migration/dist/engine/embedded-postgres.js'));

const DB = 'packages/db';
const HAND_WRITTEN = '20240301000000_post_title_index';

/**
 * History the tool did not write, through real Nx: a project whose migrations `prisma migrate dev`
 * wrote (no down.sql) is adopted as it is; lint, validate and status treat those folders as
 * history; a lint exception for a migration that already ran lives beside it, so its checksum and
 * `migrate-status` stay clean. And a project without migrations (db push): baseline, marked
 * applied on the database that has its tables, then a change end to end.
 */
describe('an adopted history (prisma migrate dev, no down.sql) through real Nx', () => {
  let ws: InstalledWorkspace;
  beforeAll(() => {
    ws = InstalledWorkspace.create({ packageJson: { name: '@ws/source', workspaces: ['packages/*'] }, files: existingWorkspaceFiles() });
    ws.commitAll('existing workspace');
  }, 600_000);
  afterAll(() => ws?.remove());

  const folder = (name: string) => join(ws.root, DB, 'prisma/migrations', name);

  it('init adopts it; migrate-lint passes on the history it only reads; migrate applies it', () => {
    expect(ws.nxOk(['g', '@forge/migration:init'])).toMatch(/Adopted Prisma project @ws\/db .* 2 existing migration\(s\)/);
    ws.commitAll('init');
    expect(ws.nxOk(['run', '@ws/db:migrate-lint', '--skip-nx-cache'])).toMatch(/0 errors/);
    expect(ws.nxOk(['run', '@ws/db:migrate'])).toMatch(/Applied 2 migration\(s\); 0 were already applied/);
    expect(ws.nxOk(['run', '@ws/db:migrate-status'])).toMatch(/2 applied, 0 pending, 0 failed[\s\S]*No drift/);
  });

  it('a hand-written migration after it is linted; its allowances live in lint-allowances.txt, so migration.sql and status stay clean', () => {
    mkdirSync(folder(HAND_WRITTEN));
    const up = '-- Index Post titles (hand-written: Post was empty then)\nCREATE INDEX "Post_title_idx" ON "Post"("title");\n';
    writeFileSync(join(folder(HAND_WRITTEN), 'migration.sql'), up);
    writeFileSync(join(folder(HAND_WRITTEN), 'down.sql'), 'DROP INDEX "Post_title_idx";\n');
    const schema = join(ws.root, DB, 'prisma/schema.prisma');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('  @@index([authorId])\n', '  @@index([authorId])\n  @@index([title])\n'));

    const flagged = ws.nx(['run', '@ws/db:migrate-lint', '--skip-nx-cache']);
    expect(flagged.code).not.toBe(0);
    expect(flagged.output).toMatch(new RegExp(`${HAND_WRITTEN}[\\s\\S]*require-concurrent-index-creation`));
    expect(flagged.output).toMatch(/require-concurrent-index-deletion/);
    expect(flagged.output).not.toMatch(/20240101000000_init[^\n]*require-/);

    expect(ws.nxOk(['run', '@ws/db:migrate'])).toMatch(/Applied 1 migration\(s\); 2 were already applied/);
    writeFileSync(
      join(folder(HAND_WRITTEN), 'lint-allowances.txt'),
      '# migrate-lint allowances; migration.sql stays exactly as it was applied\n' +
        'migration.sql:2 allow require-concurrent-index-creation, require-lock-timeout -- Post was empty when this ran\n' +
        'down.sql allow require-concurrent-index-deletion, require-lock-timeout -- run only in a rollback window\n',
    );
    expect(ws.nxOk(['run', '@ws/db:migrate-lint', '--skip-nx-cache'])).toMatch(/0 errors/);
    expect(readFileSync(join(folder(HAND_WRITTEN), 'migration.sql'), 'utf8')).toBe(up);
    const status = ws.nxOk(['run', '@ws/db:migrate-status']);
    expect(status).toMatch(/3 applied, 0 pending, 0 failed[\s\S]*No drift/);
    expect(status).toMatch(/\b0 edited after apply/);
    expect(status).not.toMatch(new RegExp(`${HAND_WRITTEN} +(expand|contract) +edited after apply`));
    ws.commitAll('post title index, with its lint allowances');
  });

  it('migrate-validate applies the history as the starting state, never rolls it back, and proves what follows', () => {
    const validated = ws.nxOk(['run', '@ws/db:migrate-validate', '--all', '--skip-nx-cache']);
    expect(validated).toMatch(/2 migration\(s\) written before the adoption point .* are history: applied as they are, never rolled back or linted/);
    expect(validated).toMatch(new RegExp(`Proving 1 migration\\(s\\): ${HAND_WRITTEN}`));
    expect(validated).toMatch(/every migration applies, rolls back/);
    expect(validated).not.toMatch(/Cannot roll back/);

    ws.nxOk(['g', '@forge/migration:add-column', '--project', '@ws/db', '--targetTable', 'Post', '--name', 'published', '--type', 'Boolean', '--default', 'false']);
    const pending = ws.nxOk(['run', '@ws/db:migrate-validate', '--skip-nx-cache']);
    expect(pending).toMatch(/Proving 1 migration\(s\): \d{14}_add_column_post_published/);
    expect(pending).toMatch(/every migration applies, rolls back/);
    expect(ws.nxOk(['run', '@ws/db:migrate'])).toMatch(/Applied 1 migration\(s\); 3 were already applied/);
    expect(ws.nxOk(['run', '@ws/db:migrate-status'])).toMatch(/4 applied, 0 pending, 0 failed[\s\S]*No drift/);
    ws.commitAll('post published');
  });

  it('a project without migrations: baseline, resolve --applied on the database that has its tables, then a change end to end', async () => {
    for (const [path, content] of Object.entries(pushedProject('billing', 'Invoice'))) ws.write(path, content);
    ws.nxOk(['g', '@forge/migration:init']);
    expect(ws.nxOk(['g', '@forge/migration:baseline', '--project', '@ws/billing'])).toMatch(/nx run @ws\/billing:migrate-resolve --applied \d{14}_baseline/);
    const migrations = join(ws.root, 'packages/billing/prisma/migrations');
    const baseline = readdirSync(migrations).find((f) => f.endsWith('_baseline'))!;
    ws.commitAll('billing baseline');

    const server = await startEmbeddedPostgres();
    try {
      // The production database: its tables made by `prisma db push` long ago, with rows.
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        await client.query(readFileSync(join(migrations, baseline, 'migration.sql'), 'utf8'));
        await client.query(`INSERT INTO "Invoice" (code, amount) SELECT 'INV-' || g, g FROM generate_series(1, 50) g`);
      } finally {
        await client.end();
      }
      const env = { DATABASE_URL: server.url };
      expect(ws.nxOk(['run', '@ws/billing:migrate-status'], env)).toMatch(/0 applied, 1 pending/);
      expect(ws.nxOk(['run', '@ws/billing:migrate-resolve', '--applied', baseline], env)).toMatch(new RegExp(baseline));
      expect(ws.nxOk(['run', '@ws/billing:migrate-status'], env)).toMatch(/1 applied, 0 pending, 0 failed[\s\S]*No drift/);

      ws.nxOk(['g', '@forge/migration:add-column', '--project', '@ws/billing', '--targetTable', 'Invoice', '--name', 'note', '--type', 'String', '--optional']);
      expect(ws.nxOk(['run', '@ws/billing:migrate-validate', '--skip-nx-cache'], env)).toMatch(/every migration applies, rolls back/);
      expect(ws.nxOk(['run', '@ws/billing:migrate'], env)).toMatch(/Applied 1 migration\(s\); 1 were already applied/);
      expect(ws.nxOk(['run', '@ws/billing:migrate-status'], env)).toMatch(/2 applied, 0 pending, 0 failed[\s\S]*No drift/);
      expect(ws.nxOk(['run', '@ws/billing:migrate-down'], env)).toMatch(/Rolled back 1 migration/);
      const check = new pg.Client({ connectionString: server.url });
      await check.connect();
      try {
        expect((await check.query('SELECT count(*)::int AS n FROM "Invoice"')).rows).toEqual([{ n: 50 }]);
      } finally {
        await check.end();
      }
    } finally {
      await server.stop();
    }
  });
});
