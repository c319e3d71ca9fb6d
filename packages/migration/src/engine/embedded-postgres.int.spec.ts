import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPgVersion } from '../testing/database';
import { Client } from 'pg';
import { DataDirectoryVersionError, startEmbeddedPostgres } from './embedded-postgres';
import { pristineClusterDirs } from './pristine-cluster';

describe('a kept data directory and the PostgreSQL major', () => {
  const dataDir = join(tmpdir(), `forge-pgdata-${process.pid}-${Date.now().toString(36)}`);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.credentials`, { force: true });
  });

  it('opens again with its own major, and is refused with the ways out under another one, untouched', async () => {
    const major = testPgVersion();
    const first = await startEmbeddedPostgres({ dataDir, pgVersion: major });
    expect(first.major).toBe(major);
    await first.stop();
    const again = await startEmbeddedPostgres({ dataDir, pgVersion: major });
    await again.stop();

    const other = major === 18 ? 17 : 18;
    const attempt = startEmbeddedPostgres({ dataDir, pgVersion: other, onNotice: () => undefined });
    await expect(attempt).rejects.toThrow(DataDirectoryVersionError);
    await expect(attempt).rejects.toThrow(
      `The data directory ${dataDir} was created by PostgreSQL ${major}, and PostgreSQL ${other} cannot open it (a data directory belongs to one major version). ` +
        `Either run with pgVersion ${major}, or move ${dataDir} (and ${dataDir}.credentials beside it) away`,
    );
    expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim()).toBe(String(major));
  }, 180_000);
});

describe('a throwaway cluster', () => {
  it('is a copy of the pristine cluster of its build, with a password of its own', async () => {
    const db = await startEmbeddedPostgres({ pgVersion: testPgVersion() });
    try {
      const pristine = pristineClusterDirs().find((dir) => readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim() === String(db.major));
      expect(pristine).toBeDefined();
      expect(existsSync(join(db.dataDir, 'forge.credentials'))).toBe(false);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        expect((await client.query<{ fsync: string }>('SHOW fsync')).rows[0].fsync).toBe('off');
      } finally {
        await client.end();
      }
      // The pristine cluster's own password no longer opens this server.
      const shared = readFileSync(join(pristine!, 'forge.credentials'), 'utf8').trim();
      const stale = new Client({ connectionString: db.url.replace(/:[0-9a-f]{24}@/, `:${shared}@`) });
      await expect(stale.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await db.stop();
    }
    expect(existsSync(db.dataDir)).toBe(false);
  }, 180_000);
});
