import type { RemovedTable } from '../prisma-schema/edits/remove-table';
import { BACKUP_SCHEMA } from '../runtime/forge-schema';
import { doBlock } from '../sql/do-block';
import { quoteIdent, quoteLiteral } from '../sql/identifiers';
import { splitStatements } from '../sql/split-statements';
import { statementBody } from '../sql/statement-body';
import { parkedName, removedTableName, serialSequenceName } from './backup-names';
import { parseAddForeignKey, parseDropConstraint, restoreForeignKeySteps, unquoteIdent, type ForeignKeyStatement } from './foreign-key-restore';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { steppedScript, transactionalScript, type ScriptStep } from './scripts';

export interface RemoveTableOptions extends RecipeOptions {
  /** YYYYMMDDHHMMSS of the change's migration folder: makes the parked names unique. */
  stamp: string;
}

/** A table Prisma drops, with what must be renamed so it can sit in _forge_backup beside earlier ones. */
interface MovedTable {
  name: string;
  parked: string;
  /** Index names (primary key and unique constraints included): they live in the schema's namespace too. */
  indexes: { name: string; parked: string }[];
  sequences: { name: string; parked: string }[];
}

const IDENT = String.raw`"(?:[^"]|"")+"`;

/**
 * Prisma drops the table (and the foreign keys around it, and enums only it used). The safe recipe
 * parks it instead: renamed with the change's stamp, then `SET SCHEMA "_forge_backup"` — instant,
 * rows, indexes and sequences kept — so the rollback loses nothing. Its indexes and sequences are
 * renamed too, since they would collide in _forge_backup with those of an earlier same-named table.
 * Enums only it used move with it. Foreign keys between it and tables that stay are dropped as
 * Prisma says (a parked table must not constrain live ones); those among moved tables (an implicit
 * many-to-many join table's key to it) move along untouched. The rollback, in steps that each
 * commit, moves everything back, restores every name and re-adds the dropped foreign keys NOT
 * VALID; then each key's orphan check and VALIDATE run in a step of their own.
 */
export function removeTableRecipe(naive: { up: string; down: string }, removed: RemovedTable, options: RemoveTableOptions): MigrationPlan {
  const shape = parseDiff(naive, removed);
  const moved = shape.tables.map((name) => movedTable(name, shape, options.stamp));
  const enums = shape.enums.map((name) => ({ name, parked: removedTableName(name, options.stamp) }));
  const isMoved = (table: string) => shape.tables.includes(table);
  const crossing = shape.foreignKeys.filter((fk) => !(isMoved(fk.table) && isMoved(fk.referencedTable)));
  const backupSchema = quoteIdent(BACKUP_SCHEMA);

  const up = [
    `CREATE SCHEMA IF NOT EXISTS ${backupSchema};`,
    ...shape.dropStatements.filter((s) => {
      const drop = parseDropConstraint(s)!;
      return crossing.some((fk) => fk.table === drop.table && fk.name === drop.name);
    }),
    ...moved.flatMap((t) => [
      `-- ${quoteIdent(t.name)} and what lives in its namespace get names of their own, then the table moves (rows, indexes, sequences).`,
      `ALTER TABLE ${quoteIdent(t.name)} RENAME TO ${quoteIdent(t.parked)};`,
      ...t.indexes.map((i) => `ALTER INDEX ${quoteIdent(i.name)} RENAME TO ${quoteIdent(i.parked)};`),
      ...t.sequences.map((s) => `ALTER SEQUENCE ${quoteIdent(s.name)} RENAME TO ${quoteIdent(s.parked)};`),
      `ALTER TABLE ${quoteIdent(t.parked)} SET SCHEMA ${backupSchema};`,
    ]),
    ...enums.flatMap((e) => [
      `-- Only ${removed.model} used this enum: it moves with the table, which keeps using it.`,
      `ALTER TYPE ${quoteIdent(e.name)} RENAME TO ${quoteIdent(e.parked)};`,
      `ALTER TYPE ${quoteIdent(e.parked)} SET SCHEMA ${backupSchema};`,
    ]),
  ];

  const moveBack = doBlock(
    [],
    [
      ...moved.map((t) => `EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', ${quoteLiteral(BACKUP_SCHEMA)}, ${quoteLiteral(t.parked)}, current_schema());`),
      ...enums.map((e) => `EXECUTE format('ALTER TYPE %I.%I SET SCHEMA %I', ${quoteLiteral(BACKUP_SCHEMA)}, ${quoteLiteral(e.parked)}, current_schema());`),
    ],
  );
  const restored = crossing.map((fk) => ({ fk, ...restoreForeignKeySteps(fk, `written while ${removed.model} was removed`) }));
  // The move back is catalog only (brief ACCESS EXCLUSIVE on the moved tables); the foreign keys come
  // back NOT VALID with it (new writes are checked from then on), and each is validated in a step of
  // its own: the scans run under SHARE UPDATE EXCLUSIVE, and writes go on.
  const down: ScriptStep[] = [
    {
      title: `${moved.map((t) => t.name).join(', ')} back under ${moved.length > 1 ? 'their' : 'its'} names${restored.length ? ', foreign keys back NOT VALID' : ''} (brief lock, no scan)`,
      statements: [
        `-- Back into the schema the migrations run in (the search_path's first), under the original names.\n${moveBack}`,
        ...enums.map((e) => `ALTER TYPE ${quoteIdent(e.parked)} RENAME TO ${quoteIdent(e.name)};`),
        ...moved.flatMap((t) => [
          `ALTER TABLE ${quoteIdent(t.parked)} RENAME TO ${quoteIdent(t.name)};`,
          ...t.indexes.map((i) => `ALTER INDEX ${quoteIdent(i.parked)} RENAME TO ${quoteIdent(i.name)};`),
          ...t.sequences.map((s) => `ALTER SEQUENCE ${quoteIdent(s.parked)} RENAME TO ${quoteIdent(s.name)};`),
        ]),
        ...restored.map((r) => r.notValid),
      ],
    },
    ...restored.map((r) => ({
      title: `${r.fk.name}: orphan check, then VALIDATE (scans under SHARE UPDATE EXCLUSIVE: writes go on)`,
      statements: r.validate,
    })),
  ];

  const target = moved.find((t) => t.name === removed.table)!;
  const joinTables = moved.filter((t) => t !== target);
  return {
    migrations: [
      {
        name: options.migrationName,
        phase: 'contract',
        previousVersion: `The previous application version still queries ${quoteIdent(removed.table)}: after this runs, every query of its ${removed.model} model fails (\`relation … does not exist\`). Apply this once the version without the model runs everywhere.`,
        up: transactionalScript(`Remove ${removed.model}: moved to ${backupSchema} as ${quoteIdent(target.parked)}, not dropped`, up, options.lockTimeout),
        down: steppedScript(`Reverse of: remove ${removed.model} — move it back, restore its names and foreign keys`, down, options.lockTimeout),
      },
    ],
    notes: [
      `${quoteIdent(removed.table)} is moved, not dropped: it becomes ${backupSchema}.${quoteIdent(target.parked)} with every row, index and sequence (ALTER TABLE … SET SCHEMA copies nothing: a brief ACCESS EXCLUSIVE lock under lock_timeout). It stays there until migrate-prune removes it; Prisma does not look at ${backupSchema}, so it is no drift.`,
      ...joinTables.map((t) => `The implicit many-to-many join table ${quoteIdent(t.name)} (the links to ${removed.manyToMany.join(', ')}) moves along as ${backupSchema}.${quoteIdent(t.parked)}.`),
      ...(crossing.length
        ? [`Foreign keys dropped (a parked table must not restrict or cascade into live ones): ${crossing.map((fk) => `${fk.name} (${fk.table}.${fk.columns.join(', ')} → ${fk.referencedTable})`).join('; ')}.`]
        : []),
      ...removed.relationFields.map(
        (r) =>
          `${r.model}.${r.field} removed from the schema (Prisma needs both sides of a relation)` +
          (r.keptForeignKeyFields.length ? `; the column${r.keptForeignKeyFields.length > 1 ? 's' : ''} ${r.model}.${r.keptForeignKeyFields.join(', ')} stay${r.keptForeignKeyFields.length > 1 ? '' : 's'} with ${r.keptForeignKeyFields.length > 1 ? 'their' : 'its'} values (remove-column removes ${r.keptForeignKeyFields.length > 1 ? 'them' : 'it'}).` : '.'),
      ),
      ...enums.map((e) => `Enum ${e.name} was used only by ${removed.model}: removed from the schema and moved with the table (as ${backupSchema}.${quoteIdent(e.parked)}).`),
      `Rollback moves ${moved.length > 1 ? 'the tables' : 'the table'}${enums.length ? ' and enums' : ''} back and restores every name${crossing.length ? '; it re-adds the foreign keys NOT VALID with the move (brief locks, no scan), then validates each in a step of its own (writes go on during the scan), after checking for rows written meanwhile that reference missing rows: those stop it with a message saying how to find them, and migrate-down continues there once they are fixed' : ''}.`,
    ],
  };
}

function movedTable(name: string, shape: DiffShape, stamp: string): MovedTable {
  const parked = removedTableName(name, stamp);
  const indexNames = [...(shape.primaryKeys.get(name) ?? []), ...(shape.indexes.get(name) ?? [])];
  const sequenceNames = (shape.serialColumns.get(name) ?? []).map((column) => serialSequenceName(name, column));
  const taken = new Set<string>([parked]);
  const park = (original: string) => {
    let candidate = parkedName(original, stamp);
    for (let n = 2; taken.has(candidate); n++) candidate = parkedName(original, `${n}__${stamp}`);
    taken.add(candidate);
    return { name: original, parked: candidate };
  };
  return { name, parked, indexes: indexNames.map(park), sequences: sequenceNames.map(park) };
}

interface DiffShape {
  /** Dropped tables: the removed one first, then its implicit many-to-many join tables. */
  tables: string[];
  enums: string[];
  foreignKeys: ForeignKeyStatement[];
  /** Prisma's DROP CONSTRAINT statements, as written. */
  dropStatements: string[];
  primaryKeys: Map<string, string[]>;
  indexes: Map<string, string[]>;
  serialColumns: Map<string, string[]>;
}

/**
 * Prisma's up: DROP CONSTRAINT (foreign keys), DROP TABLE, DROP TYPE. Its reverse: CREATE TYPE,
 * CREATE TABLE, CREATE [UNIQUE] INDEX on dropped tables, ADD FOREIGN KEY. Anything else is a
 * shape this recipe does not know: refuse rather than guess.
 */
function parseDiff(naive: { up: string; down: string }, removed: RemovedTable): DiffShape {
  const unexpected = (sql: string, reverse = false) => new UnexpectedDiffError(`remove-table${reverse ? ' (reverse)' : ''}`, sql);
  const shape: DiffShape = { tables: [], enums: [], foreignKeys: [], dropStatements: [], primaryKeys: new Map(), indexes: new Map(), serialColumns: new Map() };
  for (const statement of splitStatements(naive.up)) {
    const body = statementBody(statement);
    const table = new RegExp(`^DROP TABLE (${IDENT})$`).exec(body);
    const type = new RegExp(`^DROP TYPE (${IDENT})$`).exec(body);
    if (parseDropConstraint(statement)) shape.dropStatements.push(statement);
    else if (table) shape.tables.push(unquoteIdent(table[1]));
    else if (type) shape.enums.push(unquoteIdent(type[1]));
    else throw unexpected(naive.up);
  }
  if (!shape.tables.includes(removed.table) || shape.tables.some((t) => t !== removed.table && !t.startsWith('_'))) throw unexpected(naive.up);
  shape.tables = [removed.table, ...shape.tables.filter((t) => t !== removed.table)];
  if (!sameSet(shape.enums, removed.enums.map((e) => e.dbName))) throw unexpected(naive.up);

  const created = { tables: [] as string[], enums: [] as string[] };
  for (const statement of splitStatements(naive.down)) {
    const body = statementBody(statement);
    const fk = parseAddForeignKey(statement);
    const type = new RegExp(`^CREATE TYPE (${IDENT}) AS ENUM \\(`).exec(body);
    const table = new RegExp(`^CREATE TABLE (${IDENT}) \\(([\\s\\S]*)\\)$`).exec(body);
    const index = new RegExp(`^CREATE (?:UNIQUE )?INDEX (${IDENT}) ON (${IDENT})\\s*\\(`).exec(body);
    if (fk) shape.foreignKeys.push(fk);
    else if (type) created.enums.push(unquoteIdent(type[1]));
    else if (table) {
      const name = unquoteIdent(table[1]);
      created.tables.push(name);
      const primaryKey = new RegExp(`CONSTRAINT (${IDENT}) PRIMARY KEY`).exec(table[2]);
      if (primaryKey) shape.primaryKeys.set(name, [unquoteIdent(primaryKey[1])]);
      const serials = [...table[2].matchAll(new RegExp(`^\\s*(${IDENT}) (?:SMALLSERIAL|SERIAL|BIGSERIAL)\\b`, 'gm'))].map((m) => unquoteIdent(m[1]));
      shape.serialColumns.set(name, serials);
    } else if (index && shape.tables.includes(unquoteIdent(index[2]))) {
      const on = unquoteIdent(index[2]);
      shape.indexes.set(on, [...(shape.indexes.get(on) ?? []), unquoteIdent(index[1])]);
    } else throw unexpected(naive.down, true);
  }
  const dropped = shape.dropStatements.map((s) => parseDropConstraint(s)!);
  const sameForeignKeys =
    dropped.length === shape.foreignKeys.length && dropped.every((d) => shape.foreignKeys.some((fk) => fk.table === d.table && fk.name === d.name));
  if (!sameSet(created.tables, shape.tables) || !sameSet(created.enums, shape.enums) || !sameForeignKeys) throw unexpected(naive.down, true);
  // Every foreign key Prisma drops touches a dropped table; one that does not would be a change this recipe does not make.
  if (shape.foreignKeys.some((fk) => !shape.tables.includes(fk.table) && !shape.tables.includes(fk.referencedTable))) throw unexpected(naive.up);
  return shape;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
