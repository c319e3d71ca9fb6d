import type { RemovedTable } from '../prisma-schema/edits/remove-table';
import { UnexpectedDiffError } from './plan';
import { removeTableRecipe } from './remove-table';

const removed: RemovedTable = { model: 'Note', table: 'Note', relationFields: [], manyToMany: [], enums: [] };
const options = { migrationName: 'remove_table_note', lockTimeout: '5s', stamp: '20250101120000' };
const down = 'CREATE TABLE "Note" (\n    "id" SERIAL NOT NULL,\n\n    CONSTRAINT "Note_pkey" PRIMARY KEY ("id")\n);';

describe('removeTableRecipe', () => {
  it('parks a table without relations: rename, index, sequence, SET SCHEMA; and back', () => {
    const plan = removeTableRecipe({ up: '-- DropTable\nDROP TABLE "Note";', down }, removed, options);
    const [migration] = plan.migrations;
    expect(migration.up).toContain('ALTER TABLE "Note" RENAME TO "Note__removed__20250101120000";\nALTER INDEX "Note_pkey" RENAME TO "Note_pkey__20250101120000";');
    expect(migration.up).toContain('ALTER SEQUENCE "Note_id_seq" RENAME TO "Note_id_seq__20250101120000";\nALTER TABLE "Note__removed__20250101120000" SET SCHEMA "_forge_backup";');
    expect(migration.down).toContain('ALTER SEQUENCE "Note_id_seq__20250101120000" RENAME TO "Note_id_seq";');
    expect(migration.down).not.toContain('FOREIGN KEY');
  });

  it('re-adds foreign keys NOT VALID with the move back, then checks and validates each in a step of its own', () => {
    const withKey: RemovedTable = { ...removed, relationFields: [] };
    const plan = removeTableRecipe(
      {
        up: 'ALTER TABLE "Note" DROP CONSTRAINT "Note_userId_fkey";\nDROP TABLE "Note";',
        down: `${down}\nALTER TABLE "Note" ADD CONSTRAINT "Note_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`,
      },
      withKey,
      options,
    );
    const steps = plan.migrations[0].down.split(/^-- forge:step /m).slice(1);
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatch(/^1 of 2: Note back under its names, foreign keys back NOT VALID/);
    expect(steps[0]).toContain('ALTER TABLE "Note" ADD CONSTRAINT "Note_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;');
    expect(steps[0]).not.toContain('VALIDATE');
    expect(steps[1]).toMatch(/^2 of 2: Note_userId_fkey: orphan check, then VALIDATE/);
    expect(steps[1]).toMatch(/Cannot validate the restored foreign key[\s\S]*ALTER TABLE "Note" VALIDATE CONSTRAINT "Note_userId_fkey";/);
  });

  it.each([
    ['a second regular table', { up: 'DROP TABLE "Note";\nDROP TABLE "Other";', down: `${down}\nCREATE TABLE "Other" ("id" INTEGER);` }],
    ['an enum the edit did not remove', { up: 'DROP TABLE "Note";\nDROP TYPE "Mood";', down: `CREATE TYPE "Mood" AS ENUM ('a');\n${down}` }],
    ['a column change elsewhere', { up: 'DROP TABLE "Note";\nALTER TABLE "User" DROP COLUMN "noteId";', down: `${down}\nALTER TABLE "User" ADD COLUMN "noteId" INTEGER;` }],
    ['a foreign key dropped but not restored', { up: 'ALTER TABLE "User" DROP CONSTRAINT "User_noteId_fkey";\nDROP TABLE "Note";', down }],
    ['no DROP TABLE of the model', { up: 'DROP TABLE "Other";', down: 'CREATE TABLE "Other" ("id" INTEGER);' }],
  ])('refuses a diff it does not know: %s', (_label, naive) => {
    expect(() => removeTableRecipe(naive, removed, options)).toThrow(UnexpectedDiffError);
  });
});
