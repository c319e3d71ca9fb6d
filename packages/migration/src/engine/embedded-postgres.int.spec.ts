import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPgVersion } from '../testing/database';
import { DataDirectoryVersionError, startEmbeddedPostgres } from './embedded-postgres';

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
