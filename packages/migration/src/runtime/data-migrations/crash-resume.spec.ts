import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { replayableRandom } from '../../testing/replay-seed';
import { startSourceProcess } from '../../testing/source-process';
import { rowsFor } from '../../testing/test-size';

const pgServer = useEmbeddedPostgres();
const FOLDER = '20250101120000_backfill_account_n';
const ROWS = rowsFor(50_000, 200_000);
// Where the kill lands, somewhere between 5 % and 90 % of the backfill; the test name carries the
// seed, and FORGE_CRASH_SEED=<seed> replays a failing run at the same point.
const random = replayableRandom('FORGE_CRASH_SEED');
const KILL_AFTER_ROWS = random.int(ROWS * 0.05, ROWS * 0.9);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forge-crash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A data migration with a SET that is wrong if applied twice: `n = n + 1`. */
function writeProject(): void {
  mkdirSync(join(dir, 'src/migrations'), { recursive: true });
  writeFileSync(
    join(dir, 'src/migrations/index.ts'),
    `import type { DataMigrationRegistry } from '@forge/migration/runtime';\n` +
      `export const dataMigrations: DataMigrationRegistry = { '${FOLDER}': () => import('./backfill_account_n') };\n`,
  );
  writeFileSync(
    join(dir, 'src/migrations/backfill_account_n.ts'),
    `import type { DataMigrationContext } from '@forge/migration/runtime';
export async function up(ctx: DataMigrationContext) {
  await ctx.batchUpdate({ table: 'Account', set: 'n = n + 1, note = md5(id::text)', batchSize: 500, maxBatchMs: 0, throttleMs: 4 });
}
export async function down(ctx: DataMigrationContext) {
  await ctx.batchUpdate({ table: 'Account', set: 'n = n - 1, note = NULL', batchSize: 500 });
}
export async function validate(ctx: DataMigrationContext) {
  return (await ctx.count('Account', 'n <> 1')) === 0;
}
`,
  );
  writeFileSync(
    join(dir, 'deploy.ts'),
    `import { projectDataMigrations } from ${JSON.stringify(join(__dirname, 'runner'))};
const runner = projectDataMigrations({
  url: process.env.DATABASE_URL!,
  dataMigrationsDir: ${JSON.stringify(join(dir, 'src/migrations'))},
  logger: { info: (m: string) => console.log(m), warn: (m: string) => console.log(m) },
});
runner.up('${FOLDER}').then(({ rows }) => console.log('rows ' + rows), (e: Error) => { console.error(e.message); process.exit(1); });
`,
  );
}

/** `node` running the deploy script in a process of its own, which the test can kill. */
function startDeploy(url: string) {
  return startSourceProcess(join(dir, 'deploy.ts'), { DATABASE_URL: url });
}

async function tableState(db: pg.Client) {
  const { rows } = await db.query<{ once: string; never: string; twice: string; sum: string }>(
    `SELECT count(*) FILTER (WHERE n = 1) AS once, count(*) FILTER (WHERE n = 0) AS never, count(*) FILTER (WHERE n > 1) AS twice FROM "Account"`,
  );
  return { once: Number(rows[0].once), never: Number(rows[0].never), twice: Number(rows[0].twice) };
}

async function checkpoint(db: pg.Client) {
  const { rows } = await db.query<{ last_key: string; rows_done: string; batches_done: number; finished: boolean }>(
    `SELECT last_key, rows_done, batches_done, finished FROM _forge.batch_checkpoints WHERE job = $1`,
    [`${FOLDER}:Account`],
  );
  return rows[0];
}

describe('a data migration killed with SIGKILL mid-backfill', () => {
  it(`resumes on the next run: every row migrated exactly once, nothing skipped (killed after ${KILL_AFTER_ROWS} rows; ${random.replay})`, async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE "Account" (id bigint PRIMARY KEY, balance int NOT NULL, n int NOT NULL DEFAULT 0, note text);
      INSERT INTO "Account" (id, balance) SELECT g, (g * 7919) % 1000 FROM generate_series(1, ${ROWS}) g; ANALYZE "Account";`);
    // What the table must look like afterwards: each row's own values, with the SET applied once.
    const [{ expected }] = await query<{ expected: string }>(
      url,
      `SELECT md5(string_agg(id || ':' || balance || ':' || (n + 1) || ':' || md5(id::text), ',' ORDER BY id)) AS expected FROM "Account"`,
    );
    writeProject();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const first = startDeploy(url);
      let killedAt: number | undefined;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline && killedAt === undefined; ) {
        const cp = await checkpoint(db).catch(() => undefined);
        if (cp && Number(cp.rows_done) >= KILL_AFTER_ROWS) {
          first.child.kill('SIGKILL');
          killedAt = Number(cp.rows_done);
        } else {
          await new Promise((r) => setTimeout(r, 10));
        }
        if (first.child.exitCode !== null) break;
      }
      const exit = await first.exited;
      expect({ exit, ...first.output() }).toMatchObject({ exit: { signal: 'SIGKILL' } });
      // Its server session is gone once PostgreSQL has noticed the closed socket and rolled back.
      for (let i = 0; i < 200; i++) {
        const { rows } = await db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = '@forge/migration data migration'`);
        if (!rows.length) break;
        await new Promise((r) => setTimeout(r, 25));
      }

      // Half done, and the checkpoint says exactly which half: batches and checkpoint committed together.
      const cp = await checkpoint(db);
      const done = Number(cp.rows_done);
      expect(done).toBeGreaterThanOrEqual(killedAt!);
      expect(done).toBeLessThan(ROWS);
      expect(cp.finished).toBe(false);
      expect(await tableState(db)).toEqual({ once: done, never: ROWS - done, twice: 0 });
      const { rows: edge } = await db.query(`SELECT count(*)::int AS n FROM "Account" WHERE (id <= $1) <> (n = 1)`, [cp.last_key]);
      expect(edge).toEqual([{ n: 0 }]);
      const { rows: status } = await db.query(`SELECT status FROM _forge.data_migrations WHERE migration_name = $1`, [FOLDER]);
      expect(status).toEqual([{ status: 'running' }]);

      const second = startDeploy(url);
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(second.output().stdout).toContain(`"Account": resuming after "id" = ${cp.last_key} (${done} rows done before).`);
      expect(second.output().stdout).toContain(`rows ${ROWS}`);

      expect(await tableState(db)).toEqual({ once: ROWS, never: 0, twice: 0 });
      const { rows: actual } = await db.query(
        `SELECT md5(string_agg(id || ':' || balance || ':' || n || ':' || note, ',' ORDER BY id)) AS actual FROM "Account"`,
      );
      expect(actual[0].actual).toBe(expected);
      expect(await checkpoint(db)).toMatchObject({ rows_done: String(ROWS), batches_done: ROWS / 500, finished: true });
      const { rows: record } = await db.query(`SELECT status, rows_affected FROM _forge.data_migrations WHERE migration_name = $1`, [FOLDER]);
      expect(record).toEqual([{ status: 'applied', rows_affected: String(ROWS) }]);
    } finally {
      await db.end();
    }
  });
});
