import { transactionalScript } from '../recipes/scripts';
import { query, testPgVersion, useEmbeddedPostgres } from '../testing/database';
import { collectingLogger, migrationFolder, projectTarget, sampleDirectory } from '../testing/migrations';
import { stampTargetVersion } from '../versions/migration-target';
import { migrate } from './migrate';

const pg = useEmbeddedPostgres();

/** What the PostgreSQL 18 recipe for a required column looks like: NOT NULL … NOT VALID, no CHECK. */
function requiredNickname(generatedFor: number) {
  const up = transactionalScript('Make "nickname" required', [
    'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;',
    `UPDATE "User" SET "nickname" = 'n';`,
    'ALTER TABLE "User" ADD CONSTRAINT "User_nickname_not_null" NOT NULL "nickname" NOT VALID;',
  ], '5s');
  const down = transactionalScript('Drop "nickname"', ['ALTER TABLE "User" DROP COLUMN "nickname";'], '5s');
  return migrationFolder('20250301000000_required_nickname', stampTargetVersion(up, generatedFor), stampTargetVersion(down, generatedFor));
}

describe(`migrate checks the server's major against the migrations' (on PostgreSQL ${testPgVersion()})`, () => {
  it('warns before applying a migration generated for 18 that uses what an older server lacks, and the warning comes true', async () => {
    const url = await pg.freshDatabase();
    const logger = collectingLogger();
    const migration = requiredNickname(18);
    const result = await migrate(projectTarget(url, sampleDirectory(migration), { logger }));
    const log = logger.lines.join('\n');
    if (pg.major < 18) {
      expect(log).toContain(`was generated for PostgreSQL 18, but the server runs PostgreSQL ${pg.major}`);
      expect(log).toContain(`✗ ${migration.name} uses ALTER TABLE … ADD CONSTRAINT c NOT NULL col NOT VALID`);
      expect(log.indexOf('was generated for PostgreSQL 18')).toBeLessThan(log.indexOf(`✗ ${migration.name} failed`));
      expect(result.steps.at(-1)).toMatchObject({ migration: migration.name, status: 'failed' });
      expect(result.error?.message).toMatch(/syntax error/);
    } else {
      expect(log).not.toContain('was generated for PostgreSQL');
      expect(result.error).toBeUndefined();
      expect(await query(url, `SELECT conname FROM pg_constraint WHERE conname = 'User_nickname_not_null'`)).toEqual([{ conname: 'User_nickname_not_null' }]);
    }
  });

  it('says nothing when the migrations were generated for the server’s major', async () => {
    const url = await pg.freshDatabase();
    const logger = collectingLogger();
    const migration = migrationFolder(
      '20250301000000_add_note',
      stampTargetVersion(transactionalScript('Add "note"', ['ALTER TABLE "User" ADD COLUMN "note" TEXT;'], '5s'), pg.major),
    );
    const result = await migrate(projectTarget(url, sampleDirectory(migration), { logger }));
    expect(result.error).toBeUndefined();
    expect(logger.lines.join('\n')).not.toContain('generated for PostgreSQL');
  });
});
