import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationFolder } from '../../../engine/migrations';
import { query, useEmbeddedPostgres } from '../../../testing/database';
import { BASELINE, migrationFolder, projectTarget, sampleDirectory } from '../../../testing/migrations';
import { seedSampleData } from '../../../testing/sample-data';
import { SAMPLE_PROJECT_DIR } from '../../../testing/sample-tree';
import { migrate } from '../../migrate';
import { validateMigrations, type MigrationValidation, type ValidateOptions } from '../validate';

/**
 * The proof under traffic finds what a quiet database hides. Each defect of issue 10 is written
 * by hand as a racy migration on the sample schema (the window a real recipe leaves open between
 * two migrations: the history applies the first, validation proves the second), and each is
 * proven twice: the broken one fails validation with traffic on, the fixed one passes.
 */

const pg = useEmbeddedPostgres();
const SCHEMA = [{ path: 'schema.prisma', content: readFileSync(join(SAMPLE_PROJECT_DIR, 'prisma/schema.prisma'), 'utf8') }];
// The workload runs 300 ms before each step: long enough for every kind of write to happen in a racy window.
const TRAFFIC: ValidateOptions = { traffic: { warmupMs: 300 } };
// A racy migration is caught only when a write lands in its window: on a busy 2-core machine the
// workload writes slowly, so these run it longer and without pauses, to hit the window every time.
const RACY: ValidateOptions = { traffic: { warmupMs: 1000, sleepMs: 1 } };

let template: string;
beforeAll(async () => {
  template = await pg.freshDatabase();
  const { error } = await migrate(projectTarget(template, sampleDirectory()), { to: BASELINE });
  if (error) throw error;
  await seedSampleData(template, { tenants: 3, users: 20, products: 5, orders: 40, auditLogs: 10 });
  // Notes that convert to integers (NULL in a third of the rows).
  await query(template, `UPDATE "Order" SET "note" = CASE WHEN "id" % 3 = 0 THEN NULL ELSE ("id" * 7)::text END`);
}, 120_000);

/** Applies `history` as already deployed and proves `proven` under traffic. */
async function prove(history: MigrationFolder[], proven: MigrationFolder, options: ValidateOptions = TRAFFIC): Promise<MigrationValidation> {
  const url = await pg.freshDatabase(template);
  const report = await validateMigrations(projectTarget(url, sampleDirectory(...history, proven)), [proven.name], SCHEMA, options);
  expect(report.migrations.map((m) => m.migration)).toEqual([proven.name]);
  if (process.env.DEBUG_TRAFFIC) console.log(JSON.stringify({ ...report.migrations[0], traffic: { ...report.migrations[0].traffic, locks: undefined } }, null, 1));
  return report.migrations[0];
}

const problems = (m: MigrationValidation) => m.problems.join('\n');

/**
 * Proves a racy migration until the workload lands a write in its window (at most five runs): a
 * busy machine can miss the window several times; the migration is racy if any run catches it.
 */
async function proveRacy(history: MigrationFolder[], proven: MigrationFolder): Promise<MigrationValidation> {
  let result = await prove(history, proven, RACY);
  for (let run = 2; run <= 5 && result.verdict !== 'fail'; run++) result = await prove(history, proven, RACY);
  return result;
}

describe('migrate-validate under traffic', () => {
  it('proves an online migration with the application writing: every step measured, locks traced beside the prediction, nothing lost', async () => {
    const result = await prove([], migrationFolder('20250301000000_add_flag', `ALTER TABLE "Order" ADD COLUMN "flag" BOOLEAN;\n`, `ALTER TABLE "Order" DROP COLUMN "flag";\n`));
    expect(problems(result)).toBe('');
    const traffic = result.traffic!;
    expect(traffic.writes).toBeGreaterThan(20);
    expect(traffic.steps.map((s) => s.step)).toEqual(['up', 'down', 'up again']);
    for (const s of traffic.steps) expect(s.statements).toBeGreaterThan(0);
    expect(traffic.locks).toEqual([
      expect.objectContaining({ file: 'migration.sql', predicted: 'ACCESS EXCLUSIVE on "Order"', measured: 'ACCESS EXCLUSIVE on "Order"', mismatches: [] }),
      expect.objectContaining({ file: 'down.sql', predicted: 'ACCESS EXCLUSIVE on "Order"', measured: 'ACCESS EXCLUSIVE on "Order"', mismatches: [] }),
    ]);
  }, 60_000);

  describe('a conversion guarded before the swap, not under it (modify-column String → Int)', () => {
    const convert = (onBadValue: string) =>
      migrationFolder(
        '20250301000000_note_int_expand',
        `ALTER TABLE "Order" ADD COLUMN "note_int" INTEGER;
CREATE FUNCTION "Order_note_int"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."note" IS NULL OR NEW."note" ~ '^-?[0-9]+$' THEN NEW."note_int" := NEW."note"::integer; ELSE ${onBadValue}; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "Order_note_int" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "Order_note_int"();
UPDATE "Order" SET "note_int" = "note"::integer;
`,
        `DROP TRIGGER "Order_note_int" ON "Order";\nDROP FUNCTION "Order_note_int"();\nALTER TABLE "Order" DROP COLUMN "note_int";\n`,
      );
    // The swap breaks the previous application version (note becomes an integer): contract, as the recipe marks it.
    const swap = migrationFolder(
      '20250302000000_note_int_swap',
      `-- forge:phase contract\nDROP TRIGGER "Order_note_int" ON "Order";\nALTER TABLE "Order" DROP COLUMN "note";\nALTER TABLE "Order" RENAME COLUMN "note_int" TO "note";\n`,
      `ALTER TABLE "Order" RENAME COLUMN "note" TO "note_int";\nALTER TABLE "Order" ADD COLUMN "note" TEXT;\nUPDATE "Order" SET "note" = "note_int"::text;\nCREATE TRIGGER "Order_note_int" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "Order_note_int"();\n`,
    );

    it('racy: an unconvertible value written before the swap ends up NULL, and validate says which', async () => {
      const result = await proveRacy([convert('NEW."note_int" := NULL')], swap);
      expect(result.verdict).toBe('fail');
      expect(problems(result)).toMatch(/committed writes to "Order" lost or changed after the migration went up .*"note" of row id=\d+: '[^']+' written during [a-z ]+ is now NULL/);
    }, 240_000);

    it('fixed: the trigger rejects unconvertible writes (the application gets an error, never a NULL)', async () => {
      const result = await prove([convert(`RAISE EXCEPTION 'note % is not an integer', NEW."note"`)], swap);
      expect(problems(result)).toBe('');
      expect(result.traffic!.refused.map((r) => r.message).join('\n')).toMatch(/is not an integer/);
    }, 60_000);
  });

  describe('a backup taken before the drop, not kept up to date until it (remove-column)', () => {
    const backupTable = `"_forge_backup"."Order__note__20250301000000"`;
    const backup = (capture: boolean) =>
      migrationFolder(
        '20250301000000_note_backup',
        `CREATE SCHEMA IF NOT EXISTS "_forge_backup";
CREATE TABLE ${backupTable} AS SELECT "id", "note" FROM "Order";
ALTER TABLE ${backupTable} ADD PRIMARY KEY ("id");
${
  capture
    ? `CREATE FUNCTION "Order_note_backup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ${backupTable} ("id", "note") VALUES (NEW."id", NEW."note") ON CONFLICT ("id") DO UPDATE SET "note" = EXCLUDED."note";
  RETURN NEW;
END $$;
CREATE TRIGGER "Order_note_backup" AFTER INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "Order_note_backup"();`
    : ''
}
`,
        `DROP TABLE ${backupTable};\n`,
      );
    const drop = (capture: boolean) =>
      migrationFolder(
        '20250302000000_note_drop',
        // The drop breaks the previous application version (it selects note): contract, as the recipe marks it.
        `-- forge:phase contract\n${capture ? 'DROP TRIGGER "Order_note_backup" ON "Order";\n' : ''}ALTER TABLE "Order" DROP COLUMN "note";\n`,
        `ALTER TABLE "Order" ADD COLUMN "note" TEXT;\nUPDATE "Order" AS o SET "note" = b."note" FROM ${backupTable} AS b WHERE b."id" = o."id";\n` +
          (capture ? `CREATE TRIGGER "Order_note_backup" AFTER INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "Order_note_backup"();\n` : ''),
      );

    it('racy: a write committed after the backup is missing from it, and the rollback restores the old value', async () => {
      const result = await proveRacy([backup(false)], drop(false));
      expect(result.verdict).toBe('fail');
      expect(problems(result)).toMatch(/"note" of row id=\d+: '[^']*' written during [a-z ]+ is not in the backup/);
    }, 240_000);

    it('fixed: writes are captured from the moment the backup starts until the drop', async () => {
      const result = await prove([backup(true)], drop(true));
      expect(problems(result)).toBe('');
    }, 60_000);
  });

  describe('NULLs written during a fill window (a column made required with a backfill value)', () => {
    const nullsTable = `"_forge_backup"."Order__note_nulls__20250301000000"`;
    const record = (capture: boolean) =>
      migrationFolder(
        '20250301000000_note_nulls',
        `CREATE SCHEMA IF NOT EXISTS "_forge_backup";
CREATE TABLE ${nullsTable} AS SELECT "id" FROM "Order" WHERE "note" IS NULL;
ALTER TABLE ${nullsTable} ADD PRIMARY KEY ("id");
${
  capture
    ? `CREATE FUNCTION "Order_note_nulls"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('forge.filling', true) = 'on' THEN RETURN NEW; END IF;
  IF NEW."note" IS NULL THEN INSERT INTO ${nullsTable} ("id") VALUES (NEW."id") ON CONFLICT DO NOTHING;
  ELSE DELETE FROM ${nullsTable} WHERE "id" = NEW."id"; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "Order_note_nulls" AFTER INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "Order_note_nulls"();`
    : ''
}
`,
        `${capture ? 'DROP TRIGGER "Order_note_nulls" ON "Order";\nDROP FUNCTION "Order_note_nulls"();\n' : ''}DROP TABLE ${nullsTable};\n`,
      );
    // The fill waits a moment first: the window in which the application writes NULLs. It locks the
    // table before its UPDATE: row locks first, then SET NOT NULL's lock, deadlock with writers.
    const fill = migrationFolder(
      '20250302000000_note_required',
      `SELECT pg_sleep(0.3);\nLOCK TABLE "Order" IN ACCESS EXCLUSIVE MODE;\nSET LOCAL forge.filling = 'on';\nUPDATE "Order" SET "note" = 'n/a' WHERE "note" IS NULL;\nALTER TABLE "Order" ALTER COLUMN "note" SET NOT NULL;\n`,
      `ALTER TABLE "Order" ALTER COLUMN "note" DROP NOT NULL;\nSET LOCAL forge.filling = 'on';\nUPDATE "Order" SET "note" = NULL WHERE "id" IN (SELECT "id" FROM ${nullsTable});\n`,
    );

    it('racy: the rollback leaves the backfill value where the application wrote NULL', async () => {
      const result = await proveRacy([record(false)], fill);
      expect(result.verdict).toBe('fail');
      // A NULL written before the fill comes back as 'n/a'; a value written since into a row that was NULL at the snapshot, as NULL.
      expect(problems(result)).toMatch(/lost or changed after the rollback .*"note" of row id=\d+: (NULL written during [a-z ]+ is now 'n\/a'|'[^']*' written during [a-z ]+ is now NULL)/);
    }, 240_000);

    it('fixed: writes are recorded from the snapshot until the rollback: NULLs come back, later values stay', async () => {
      const result = await prove([record(true)], fill);
      expect(problems(result)).toBe('');
    }, 60_000);
  });

  describe('an enum → String change whose new default is spelled unlike the converted rows (@map)', () => {
    const enumColumn = migrationFolder(
      '20250301000000_order_state',
      `CREATE TYPE "OrderState" AS ENUM ('accepted', 'rejected');\nALTER TABLE "Order" ADD COLUMN "state" "OrderState" NOT NULL DEFAULT 'accepted';\n`,
      `ALTER TABLE "Order" DROP COLUMN "state";\nDROP TYPE "OrderState";\n`,
    );
    const toText = (newDefault: string) =>
      migrationFolder(
        '20250302000000_state_text',
        `ALTER TABLE "Order" ALTER COLUMN "state" DROP DEFAULT;\nALTER TABLE "Order" ALTER COLUMN "state" TYPE TEXT USING "state"::text;\nALTER TABLE "Order" ALTER COLUMN "state" SET DEFAULT '${newDefault}';\n`,
        `ALTER TABLE "Order" ALTER COLUMN "state" DROP DEFAULT;\nALTER TABLE "Order" ALTER COLUMN "state" TYPE "OrderState" USING "state"::"OrderState";\nALTER TABLE "Order" ALTER COLUMN "state" SET DEFAULT 'accepted';\n`,
      );

    it('passes on a quiet database, fails under traffic: rows inserted through the new default break the rollback', async () => {
      expect(problems(await prove([enumColumn], toText('ACCEPTED'), { traffic: false }))).toBe('');
      const result = await prove([enumColumn], toText('ACCEPTED'));
      expect(result.verdict).toBe('fail');
      expect(problems(result)).toMatch(/down failed: .*invalid input value for enum "OrderState": "ACCEPTED"/s);
    }, 90_000);

    it('fixed (the default spelled as the rows): passes under traffic; a value the rollback cannot convert stops it, named', async () => {
      const result = await prove([enumColumn], toText('accepted'));
      expect(problems(result)).toBe('');
      // Whether the workload reached an edge value of "state" before the rollback depends on timing;
      // when it did, the rollback stopped on it and named the rows holding that value (then ran
      // again without them). The workload writes the same edge value into other columns too and
      // keeps writing while the rows are looked up: the listed row may hold it in another column.
      for (const stop of result.traffic!.stoppedOn) expect(stop).toMatch(/^(up|down)(\b.*)?: .* in "Order"\."\w+" \(row id=\d+\)$/);
    }, 60_000);
  });

  it('a rollback that holds ACCESS EXCLUSIVE while it works fails --maxStallMs, measured against the workload just before it', async () => {
    const slowDown = migrationFolder(
      '20250301000000_add_flag',
      `ALTER TABLE "Order" ADD COLUMN "flag" BOOLEAN;\n`,
      `LOCK TABLE "Order" IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(0.8);\nALTER TABLE "Order" DROP COLUMN "flag";\n`,
    );
    const result = await prove([], slowDown, { traffic: { warmupMs: 300, maxStallMs: 400 } });
    expect(result.verdict).toBe('fail');
    expect(problems(result)).toMatch(/^down stalled the application's writes for (\d+) ms \(\d+ ms just before it\), over --maxStallMs=400$/m);
    const down = result.traffic!.steps.find((s) => s.step === 'down')!;
    expect(down.worstMs).toBeGreaterThan(700);
    expect(result.traffic!.steps.find((s) => s.step === 'up')!.stallMs).toBeLessThan(400);
  }, 60_000);
});
