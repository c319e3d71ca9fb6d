import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive, removeStaleThrowawayClusters } from '../../engine/embedded-postgres';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { collectingLogger } from '../../testing/migrations';
import { startSourceProcess, waitFor } from '../../testing/source-process';
import { createThrowawayDatabase } from './throwaway-database';

const pg = useEmbeddedPostgres();

const databases = (url: string) => query<{ name: string }>(url, `SELECT datname AS name FROM pg_database WHERE datname LIKE 'forge\\_validate\\_%' ORDER BY 1`);

describe('a killed migrate-validate leaves nothing behind for long', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'forge-killed-validate-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the next run drops the throwaway database and stops and removes the throwaway cluster of a killed run, never a live one’s', async () => {
    // A validate run that is killed (SIGKILL) while it holds both kinds of throwaway.
    writeFileSync(
      join(dir, 'killed.ts'),
      `import { startEmbeddedPostgres } from ${JSON.stringify(join(__dirname, '../../engine/embedded-postgres'))};
import { createThrowawayDatabase } from ${JSON.stringify(join(__dirname, 'throwaway-database'))};
(async () => {
  const logger = { info: () => undefined, warn: () => undefined };
  const database = await createThrowawayDatabase(process.env.SERVER_URL!, logger);
  const cluster = await startEmbeddedPostgres();
  console.log(JSON.stringify({ name: database.name, dataDir: cluster.dataDir }));
  setInterval(() => undefined, 1000);
})();
`,
    );
    const live = await createThrowawayDatabase(pg.serverUrl, collectingLogger()); // another run, alive throughout
    const killed = startSourceProcess(join(dir, 'killed.ts'), { SERVER_URL: pg.serverUrl });
    const left = await waitFor('the run to create its throwaways', async () => {
      const line = killed.output().stdout.split('\n').find((l) => l.startsWith('{'));
      if (killed.child.exitCode !== null) throw new Error(`It exited: ${JSON.stringify(killed.output())}`);
      return line ? (JSON.parse(line) as { name: string; dataDir: string }) : undefined;
    }, 120_000);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const postmaster = Number(readFileSync(join(left.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // The state a killed run leaves: its database, its data directory, its server still running.
    expect((await databases(pg.serverUrl)).map((d) => d.name).sort()).toEqual([live.name, left.name].sort());
    expect([existsSync(left.dataDir), processAlive(postmaster)]).toEqual([true, true]);

    try {
      await waitFor('the killed run’s session to end', async () =>
        (await query(pg.serverUrl, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '@forge/migration validate'`))[0].n === 1 ? true : undefined,
      );
      const logger = collectingLogger();
      const next = await createThrowawayDatabase(pg.serverUrl, logger);
      expect(logger.lines).toEqual([`Dropped 1 throwaway database(s) left by killed migrate-validate runs: ${left.name}.`]);
      expect((await databases(pg.serverUrl)).map((d) => d.name).sort()).toEqual([live.name, next.name].sort());
      await next.drop();
    } finally {
      await live.drop();
    }
    expect(await databases(pg.serverUrl)).toEqual([]);

    expect(await removeStaleThrowawayClusters()).toContain(left.dataDir);
    expect([existsSync(left.dataDir), processAlive(postmaster)]).toEqual([false, false]);
  }, 180_000);
});
