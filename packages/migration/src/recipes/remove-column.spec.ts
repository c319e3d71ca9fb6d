import type { RemovedColumns } from '../prisma-schema/edits/remove-column';
import { UnexpectedDiffError } from './plan';
import { removeColumnRecipe } from './remove-column';

const removed: RemovedColumns = {
  model: 'Note',
  table: 'Note',
  key: ['id'],
  columns: [{ field: 'body', column: 'body', isList: false, isRequired: true }],
  removedIndexes: [],
};
const options = { migrationName: 'remove_column_note_body', lockTimeout: '5s', stamp: '20250101120000' };

describe('removeColumnRecipe', () => {
  it("keeps Prisma's default text exactly (spaces and commas inside literals) when it re-creates the column", () => {
    const plan = removeColumnRecipe(
      { up: '-- AlterTable\nALTER TABLE "Note" DROP COLUMN "body";\n', down: `-- AlterTable\nALTER TABLE "Note" ADD COLUMN     "body" TEXT NOT NULL DEFAULT 'a  b, NOT NULL';\n` },
      removed,
      options,
    );
    expect(plan.migrations.map((m) => m.name)).toEqual(['remove_column_note_body_backup', 'remove_column_note_body']);
    const down = plan.migrations[1].down;
    expect(down).toContain(`ALTER TABLE "Note" ADD COLUMN "body" TEXT DEFAULT 'a  b, NOT NULL';`);
    expect(down).toContain('ALTER TABLE "Note" ALTER COLUMN "body" SET NOT NULL;');
    // With a default, rows inserted after the removal get it: no missing-value check is needed.
    expect(down).not.toContain('DO $forge$');
  });

  it('sets the sequence of a re-created serial column after the restored values', () => {
    const plan = removeColumnRecipe(
      { up: 'ALTER TABLE "Note" DROP COLUMN "body";', down: 'ALTER TABLE "Note" ADD COLUMN     "body" SERIAL NOT NULL;' },
      removed,
      options,
    );
    expect(plan.migrations[1].down).toContain(
      `SELECT setval(pg_get_serial_sequence('"Note"', 'body'), coalesce(max("body"), 0) + 1, false) FROM "Note";`,
    );
  });

  it.each([
    ['another table', { up: 'ALTER TABLE "Other" DROP COLUMN "body";', down: 'ALTER TABLE "Note" ADD COLUMN "body" TEXT;' }],
    ['a dropped foreign key', { up: 'ALTER TABLE "Note" DROP CONSTRAINT "Note_body_fkey";\nALTER TABLE "Note" DROP COLUMN "body";', down: 'ALTER TABLE "Note" ADD COLUMN "body" TEXT;' }],
    ['another column', { up: 'ALTER TABLE "Note" DROP COLUMN "title";', down: 'ALTER TABLE "Note" ADD COLUMN "title" TEXT;' }],
    ['a reverse that adds a foreign key', { up: 'ALTER TABLE "Note" DROP COLUMN "body";', down: 'ALTER TABLE "Note" ADD COLUMN "body" TEXT;\nALTER TABLE "Note" ADD CONSTRAINT "x" FOREIGN KEY ("body") REFERENCES "T"("id");' }],
    ['an empty diff', { up: '', down: '' }],
  ])('refuses a diff it does not know: %s', (_label, naive) => {
    expect(() => removeColumnRecipe(naive, removed, options)).toThrow(UnexpectedDiffError);
  });
});
