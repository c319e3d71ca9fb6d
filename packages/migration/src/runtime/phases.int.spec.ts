import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderStatus } from '../executors/migrate-status/command';
import { query, useEmbeddedPostgres } from '../testing/database';
import { migrationFolder, projectTarget, sampleDirectory } from '../testing/migrations';
import { SAMPLE_PROJECT_DIR } from '../testing/sample-tree';
import { migrate } from './migrate';
import { migrationStatus } from './status';

const pg = useEmbeddedPostgres();

// Hand-written (no marker: expand), then a contract, then an expand written after it.
const addNickname = migrationFolder(
  '20250201000000_add_nickname',
  `ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n`,
  `ALTER TABLE "User" DROP COLUMN "nickname";\n`,
);
const dropNickname = migrationFolder(
  '20250202000000_drop_nickname',
  `-- forge:phase contract\n-- Drop nickname\nALTER TABLE "User" DROP COLUMN "nickname";\n`,
  `ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n`,
);
const addBio = migrationFolder('20250203000000_add_bio', `-- forge:phase expand\nALTER TABLE "User" ADD COLUMN "bio" TEXT;\n`, `ALTER TABLE "User" DROP COLUMN "bio";\n`);

const schemaFiles = [{ path: 'schema.prisma', content: readFileSync(join(SAMPLE_PROJECT_DIR, 'prisma/schema.prisma'), 'utf8') }];
const columns = (url: string) =>
  query<{ c: string }>(url, `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'User' AND column_name IN ('nickname', 'bio') ORDER BY 1`);

describe('migrate --phase', () => {
  it('expand stops before the first pending contract migration; status says the contract waits for the rollout; contract applies the rest', async () => {
    const url = await pg.freshDatabase();
    const directory = sampleDirectory(addNickname, dropNickname, addBio);

    const expand = await migrate(projectTarget(url, directory), { phase: 'expand' });
    expect(expand.error).toBeUndefined();
    expect(expand.steps.map((s) => s.migration)).toEqual([directory.migrations[0].name, addNickname.name]);
    expect(expand.heldBack).toEqual([dropNickname.name, addBio.name]);
    expect(await columns(url)).toEqual([{ c: 'nickname' }]);

    const status = await migrationStatus(projectTarget(url, directory), schemaFiles);
    expect(status.rows.map((r) => [r.name, r.phase, r.state])).toEqual([
      [directory.migrations[0].name, 'expand', 'applied'],
      [addNickname.name, 'expand', 'applied'],
      [dropNickname.name, 'contract', 'pending'],
      [addBio.name, 'expand', 'pending'],
    ]);
    const text = renderStatus(status);
    expect(text).toContain('Phase: expanded.');
    expect(text).toContain(`Contract pending: deploy the new application version everywhere first, then \`migrate --phase contract\` (${dropNickname.name}, ${addBio.name}).`);

    // Again: nothing more to do before the rollout.
    const again = await migrate(projectTarget(url, directory), { phase: 'expand' });
    expect(again.steps).toEqual([]);
    expect(again.heldBack).toEqual([dropNickname.name, addBio.name]);

    const contract = await migrate(projectTarget(url, directory), { phase: 'contract' });
    expect(contract.error).toBeUndefined();
    expect(contract.steps.map((s) => s.migration)).toEqual([dropNickname.name, addBio.name]);
    expect(contract.heldBack).toEqual([]);
    expect(await columns(url)).toEqual([{ c: 'bio' }]);
    expect(renderStatus(await migrationStatus(projectTarget(url, directory), schemaFiles))).not.toContain('Contract pending');
  });

  it('without --phase applies everything, contract migrations included (the behaviour before phases)', async () => {
    const url = await pg.freshDatabase();
    const result = await migrate(projectTarget(url, sampleDirectory(addNickname, dropNickname, addBio)));
    expect(result.error).toBeUndefined();
    expect(result.steps).toHaveLength(4);
    expect(await columns(url)).toEqual([{ c: 'bio' }]);
  });

  it('expand with expand migrations pending before the contract one: applies those, says what it held back', async () => {
    const url = await pg.freshDatabase();
    const directory = sampleDirectory(addNickname, dropNickname);
    await migrate(projectTarget(url, sampleDirectory()));
    const status = renderStatus(await migrationStatus(projectTarget(url, directory), schemaFiles));
    expect(status).toContain('Phase: 1 expand migration(s) pending before the first contract one: `migrate --phase expand` applies them');
    const expand = await migrate(projectTarget(url, directory), { phase: 'expand' });
    expect(expand.steps.map((s) => s.migration)).toEqual([addNickname.name]);
    expect(expand.heldBack).toEqual([dropNickname.name]);
  });

  it('refuses a misspelt phase line instead of taking it for expand, and applies nothing', async () => {
    const url = await pg.freshDatabase();
    await migrate(projectTarget(url, sampleDirectory()));
    const typo = migrationFolder('20250202000000_typo', `-- forge:phase contarct\nALTER TABLE "User" DROP COLUMN "name";\n`);
    await expect(migrate(projectTarget(url, sampleDirectory(addNickname, typo)), { phase: 'expand' })).rejects.toThrow(
      '20250202000000_typo/migration.sql declares "-- forge:phase contarct": expected expand or contract.',
    );
    expect(await columns(url)).toEqual([]);
  });
});
