import { capturedOutput } from '../testing/captured-output';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { createSampleTree, SAMPLE_ROOT, SAMPLE_SCHEMA } from '../testing/sample-tree';
import migrateExecutor from '../executors/migrate/executor';
import migrateStatusExecutor from '../executors/migrate-status/executor';

// Prisma migrates through the datasource's directUrl when one is set: a pooler (PgBouncer in
// transaction mode) breaks SET LOCAL, advisory locks and CONCURRENTLY. Here the pooled URL leads
// nowhere (nothing listens on it), so a migration that went through it would fail.
const pg = useEmbeddedPostgres();
const POOLED = 'postgresql://app:secret@127.0.0.1:6432/app?pgbouncer=true';
const VARIABLES = ['DATABASE_URL', 'POOLED_URL', 'DIRECT_URL'];
const saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
let ws: DiskWorkspace | undefined;

afterEach(() => {
  ws?.remove();
  for (const v of VARIABLES) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

const plain = (text: string) => text.replace(/\x1b\[[\d;]*m/g, '');
const applied = async (url: string) => (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL'))[0].n;

function workspace(edit: (tree: ReturnType<typeof createSampleTree>) => void): DiskWorkspace {
  const tree = createSampleTree();
  edit(tree);
  return (ws = writeDiskWorkspace(tree, 'forge-direct-'));
}

describe('directUrl, as Prisma uses it', () => {
  it('a Prisma 6 datasource: url is the pooler, directUrl the database; migrate goes through directUrl', async () => {
    delete process.env.DATABASE_URL;
    process.env.POOLED_URL = POOLED;
    process.env.DIRECT_URL = await pg.freshDatabase();
    const w = workspace((tree) => {
      const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
      tree.write(SAMPLE_SCHEMA, schema.replace('provider = "postgresql"', 'provider  = "postgresql"\n  url       = env("POOLED_URL")\n  directUrl = env("DIRECT_URL")'));
    });
    const { result, output } = await capturedOutput(() => migrateExecutor({}, w.executorContext()));
    expect(plain(output)).toMatch(/Database: 127\.0\.0\.1:\d+\/\w+ \(schema\.prisma directUrl env\("DIRECT_URL"\)\)/);
    expect(plain(output)).not.toContain('looks like a connection pooler');
    expect(result).toEqual({ success: true });
    expect(await applied(process.env.DIRECT_URL)).toBe(1);
  }, 60_000);

  it('prisma.config.ts: datasource.directUrl wins over a pooled DATABASE_URL', async () => {
    process.env.DATABASE_URL = POOLED;
    process.env.DIRECT_URL = await pg.freshDatabase();
    const w = workspace((tree) => {
      const config = `${SAMPLE_ROOT}/prisma.config.ts`;
      tree.write(config, tree.read(config, 'utf-8')!.replace("url: process.env.DATABASE_URL ?? '',", "url: process.env.DATABASE_URL ?? '',\n    directUrl: env('DIRECT_URL'),"));
    });
    const { result, output } = await capturedOutput(() => migrateExecutor({}, w.executorContext()));
    expect(plain(output)).toContain('(prisma.config.ts datasource.directUrl env DIRECT_URL)');
    expect(result).toEqual({ success: true });
    expect(await applied(process.env.DIRECT_URL)).toBe(1);
  }, 60_000);

  it('a URL that looks pooled, with no direct URL: a warning naming the fix, and no password printed', async () => {
    const database = await pg.freshDatabase();
    const w = workspace(() => undefined);
    for (const [url, sign] of [[`${database}?pgbouncer=true`, 'pgbouncer=true'], [POOLED.replace('?pgbouncer=true', ''), 'port 6432']]) {
      process.env.DATABASE_URL = url;
      const { output } = await capturedOutput(() => migrateStatusExecutor({}, w.executorContext()));
      expect(plain(output)).toContain(`The database URL (DATABASE_URL) looks like a connection pooler's (${sign}`);
      expect(plain(output)).toContain('directUrl = env("DIRECT_URL")');
      expect(plain(output)).not.toContain('secret');
    }
  }, 60_000);
});
