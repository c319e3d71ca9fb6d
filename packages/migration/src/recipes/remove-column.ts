import type { RemovedColumn, RemovedColumns } from '../prisma-schema/edits/remove-column';
import { BACKUP_SCHEMA } from '../runtime/forge-schema';
import { doBlock, raiseException } from '../sql/do-block';
import { quoteIdent, quoteLiteral } from '../sql/identifiers';
import { splitStatements } from '../sql/split-statements';
import { statementBody } from '../sql/statement-body';
import { splitTopLevel } from '../sql/top-level-split';
import { columnBackupTableName, fitIdentifier } from './backup-names';
import { unquoteIdent } from './foreign-key-restore';
import { UnexpectedDiffError, type MigrationPlan, type PlannedDataMigration, type RecipeOptions } from './plan';
import { batchedDuration, tsObject, tsString } from './data-migration-code';
import { notNullSteps, type NotNullSteps } from './not-null-steps';
import { createForgeSchema, forgeFunction } from './required-column';
import { createIndexConcurrently, steppedScript, transactionalScript, type ScriptStep } from './scripts';

export interface RemoveColumnOptions extends RecipeOptions {
  /** YYYYMMDDHHMMSS of the change's first migration folder: makes the backup table's name unique. */
  stamp: string;
}

/** A column as Prisma's reverse diff re-creates it: `ADD COLUMN "c" TYPE [NOT NULL] [DEFAULT …]`. */
interface RecreatedColumn {
  column: string;
  type: string;
  notNull: boolean;
  /** ` DEFAULT …` as Prisma wrote it, or ''. */
  default: string;
}

const IDENT = String.raw`"(?:[^"]|"")+"`;
const SERIAL_TYPES = /^(SMALLSERIAL|SERIAL|BIGSERIAL)$/;

/**
 * Prisma drops the column, and its values are gone. The safe recipe keeps them:
 * 1. `_backup`: creates `_forge_backup."{table}__{columns}__{stamp}"` (primary key + the columns,
 *    same types; enums as text so the backup never pins an enum type), and a data migration copies
 *    every (key, value) in short checkpointed batches; validate() proves the copy is complete.
 *    From the same transaction on, a trigger copies every write of the columns into the backup.
 * 2. the removal: drops the trigger, then Prisma's own DROP INDEX / DROP COLUMN behind
 *    lock_timeout. Its down.sql, in steps, re-creates the column nullable, its data migration's
 *    down() restores every value from the backup in batches, then NOT NULL comes back through a
 *    validated check and the indexes are built CONCURRENTLY.
 */
export function removeColumnRecipe(naive: { up: string; down: string }, removed: RemovedColumns, options: RemoveColumnOptions): MigrationPlan {
  const up = parseUp(naive.up, removed);
  const recreated = parseDown(naive.down, removed);
  const table = quoteIdent(removed.table);
  const backupName = columnBackupTableName(removed.table, removed.columns.map((c) => c.column), options.stamp);
  const backup = `${quoteIdent(BACKUP_SCHEMA)}.${quoteIdent(backupName)}`;
  const key = removed.key.map(quoteIdent);
  const names = removed.columns.map((c) => `${removed.model}.${c.field}`).join(', ');

  const createBackup = [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(BACKUP_SCHEMA)};`,
    `-- Same column types as ${table} (enums as text: a backup must not keep an enum type from being dropped later).\n` +
      `CREATE TABLE ${backup} AS SELECT ${[...key, ...removed.columns.map(backupSelect)].join(', ')} FROM ${table} WITH NO DATA;`,
    `ALTER TABLE ${backup} ADD PRIMARY KEY (${key.join(', ')});`,
  ];
  const capture = captureTrigger(removed, backupName, backup);

  const recreateIndexes = splitStatements(naive.down)
    .filter((s) => /^CREATE (UNIQUE )?INDEX /.test(statementBody(s)))
    .map((s) => createIndexConcurrently(statementBody(s)));
  // Expand makes a required column without a default optional, so that the application version
  // without the field can insert; the contract's rollback therefore re-creates it optional, and
  // the expand's rollback makes it NOT NULL again.
  const relaxed = recreated.filter((c) => c.notNull && !c.default);
  const afterExpand = recreated.map((c) => (relaxed.includes(c) ? { ...c, notNull: false } : c));
  const notNull = notNullSteps(options.pgVersion);
  const rollback = rollbackSteps(removed, backup, afterExpand, recreateIndexes, capture.create, notNull);
  const dropBackup = [...capture.drop, `DROP TABLE IF EXISTS ${backup};`];
  const relaxedNames = relaxed.map((c) => c.column).join(', ');

  const backupMigration = `${options.migrationName}_backup`;
  return {
    migrations: [
      {
        name: backupMigration,
        up: transactionalScript(
          `Back up ${names} before removal (step 1 of 2): a backup table, filled by the data migration in batches; a trigger copies every write from now on`,
          [createForgeSchema(), ...createBackup, ...capture.create, ...relaxed.map((c) => `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.column)} DROP NOT NULL;`)],
          options.lockTimeout,
        ),
        down: relaxed.length
          ? steppedScript(
              `Reverse of step 1: ${relaxedNames} NOT NULL again (no scan under ACCESS EXCLUSIVE), then the backup of ${names} dropped`,
              renotNullSteps(removed.table, relaxed.map((c) => c.column), dropBackup, notNull),
              options.lockTimeout,
            )
          : transactionalScript(`Reverse of step 1: drop the backup of ${names}`, dropBackup, options.lockTimeout),
        dataMigration: backupDataMigration(backupMigration, removed, backupName, backup, options),
        previousVersion: relaxed.length
          ? `The previous application version reads and writes ${removed.table} as before (it still writes ${relaxedNames}); ${relaxedNames} ${relaxed.length > 1 ? 'are' : 'is'} optional from here on, so the new version, which leaves ${relaxed.length > 1 ? 'them' : 'it'} out, can insert.`
          : `A backup and a trigger only: the previous application version reads and writes ${removed.table} as before; the new version can insert without ${removed.columns.map((c) => c.column).join(', ')} (optional or with a default).`,
      },
      {
        name: options.migrationName,
        phase: 'contract',
        previousVersion:
          `The previous application version selects ${removed.columns.map((c) => c.column).join(', ')} in every query on ${removed.table} (its Prisma Client names each column it reads): ` +
          'after this runs, those queries fail with `column … does not exist`. Apply this once the version without the field runs everywhere.',
        up: transactionalScript(
          `Remove ${names} (step 2 of 2); the values stay in ${backup}, complete: the trigger copied every write until this transaction locked ${table}`,
          [...capture.drop, ...up],
          options.lockTimeout,
        ),
        down: steppedScript(
          `Reverse of: remove ${names} — re-created nullable, every value restored from ${backup} in batches, then NOT NULL and indexes without a long lock`,
          rollback,
          options.lockTimeout,
        ),
        dataMigration: restoreDataMigration(options.migrationName, removed, backup, recreated, options),
      },
    ],
    notes: [
      `Backup: ${backup} holds (${[...removed.key, ...removed.columns.map((c) => c.column)].join(', ')}) of every row of ${table}. It stays after migrate (migrate-prune removes old backups); Prisma does not look at ${quoteIdent(BACKUP_SCHEMA)}, so it is no drift.`,
      `Step 1 copies in checkpointed batches of ${options.batchSize ?? 5000} rows (one short transaction each), and from its start a trigger copies every write of ${removed.columns.map((c) => c.column).join(', ')} into the backup, so the writes that commit before the drop are all there. Step 2 drops the trigger and the column under lock_timeout: a brief ACCESS EXCLUSIVE lock, no table rewrite.`,
      `Rolling deploy: step 1 is expand${relaxed.length ? ` (it also makes ${relaxedNames} optional, so the version without the field can insert)` : ''}, step 2 contract. ` +
        `\`migrate --phase expand\`, deploy the application without ${removed.columns.length > 1 ? 'these fields' : 'this field'} everywhere, then \`migrate --phase contract\`: a running version that still selects ${removed.columns.map((c) => c.column).join(', ')} fails once ${removed.columns.length > 1 ? 'they are' : 'it is'} dropped.`,
      `Rollback, in steps that each commit: re-creates ${removed.columns.map((c) => c.column).join(', ')} nullable (catalog only), restores every value by primary key in batches (the data migration's down()), ` +
        `then NOT NULL through CHECK … NOT VALID → VALIDATE → SET NOT NULL${recreateIndexes.length ? ' and the indexes CONCURRENTLY' : ''}: no scan under ACCESS EXCLUSIVE. An interrupted rollback continues where it stopped.`,
      ...removed.removedIndexes.map((i) => `${i} removed from ${removed.model}: PostgreSQL drops an index together with any of its columns.`),
    ],
  };
}

/**
 * The rollback of the removal, in steps that each commit: the columns come back nullable (catalog
 * only) with the capture trigger, so a write from now on reaches the backup too; the data
 * migration's down() restores every value from the backup in batches; a re-created serial's
 * sequence moves past the values; NOT NULL comes back the target version's way (a constraint NOT
 * VALID, then its VALIDATE in its own step: writes go on); the indexes are built CONCURRENTLY.
 */
function rollbackSteps(
  removed: RemovedColumns,
  backup: string,
  recreated: RecreatedColumn[],
  indexes: string[],
  capture: string[],
  notNull: NotNullSteps,
): ScriptStep[] {
  const table = quoteIdent(removed.table);
  const required = recreated.filter((c) => c.notNull);
  const serials = recreated.filter((c) => SERIAL_TYPES.test(c.type));
  const key = removed.key.map(quoteIdent);
  // Required without a default: a row the backup has no value for cannot get one back.
  const unfillable = required.filter((c) => !c.default).map((c) => c.column);
  // VALIDATE (the scan, writes go on) commits on its own; what follows it (below 18: SET NOT NULL
  // through the validated check, then the check dropped) needs no scan.
  const enforce = required.map((c) => notNull.enforce(removed.table, c.column));
  const validates = enforce.map(([validate]) => validate);
  const afterValidate = enforce.flatMap(([, ...rest]) => rest);
  const stepCount = afterValidate.length ? 3 : 2;
  const steps: ScriptStep[] = [
    {
      title: `${recreated.map((c) => c.column).join(', ')} back, nullable (catalog only); writes reach the backup again`,
      statements: [
        ...(unfillable.length ? [missingValuesCheck(table, key, unfillable, backup, 'before')] : []),
        `ALTER TABLE ${table} ${recreated.map((c) => `ADD COLUMN ${quoteIdent(c.column)} ${c.type}${c.default}`).join(',\n')};`,
        ...capture,
      ],
    },
    { title: 'every value back from the backup, in batches (the data migration down())', statements: [], data: true },
  ];
  if (serials.length || required.length) {
    steps.push({
      title: required.length ? `NOT NULL, 1 of ${stepCount}: refuse rows without a value, then ${notNull.words.add} (brief lock, no scan)` : 'the sequence continues after the restored values',
      statements: [
        ...serials.map(
          (c) =>
            `-- The re-created sequence continues after the restored values.\n` +
            `SELECT setval(pg_get_serial_sequence(${quoteLiteral(table)}, ${quoteLiteral(c.column)}), coalesce(max(${quoteIdent(c.column)}), 0) + 1, false) FROM ${table};`,
        ),
        ...(unfillable.length ? [missingValuesCheck(table, key, unfillable, backup, 'restored')] : []),
        ...required.map((c) => notNull.add(removed.table, c.column)),
      ],
    });
  }
  if (required.length) steps.push({ title: `NOT NULL, 2 of ${stepCount}: VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)`, statements: validates });
  if (afterValidate.length) steps.push({ title: 'NOT NULL, 3 of 3: SET NOT NULL (uses the validated check: no scan), drop the check', statements: afterValidate });
  for (const index of indexes) steps.push({ title: 'an index back, built CONCURRENTLY (writes go on)', statements: [index], alone: true });
  return steps;
}

/**
 * The expand's rollback for the columns it made optional: refuse (naming the rows) when the
 * version without the field inserted rows with none, else NOT NULL the target version's way
 * (a constraint NOT VALID, its VALIDATE in a step of its own), then drop the backup.
 */
function renotNullSteps(tableName: string, columns: string[], dropBackup: string[], notNull: NotNullSteps): ScriptStep[] {
  const table = quoteIdent(tableName);
  const names = columns.map(quoteIdent);
  const enforce = columns.map((c) => notNull.enforce(tableName, c));
  const afterValidate = enforce.flatMap(([, ...rest]) => rest);
  const check = doBlock(
    ['missing bigint;'],
    [
      `SELECT count(*) INTO missing FROM ${table} WHERE ${names.map((n) => `${n} IS NULL`).join(' OR ')};`,
      'IF missing > 0 THEN',
      `  ${raiseException(
        `Cannot make ${names.map((n) => `${table}.${n}`).join(', ')} NOT NULL again: {} row(s) have no value, inserted by the application version without the field after the expand. Nothing was rolled back.`,
        ['missing'],
        `Give those rows a value (UPDATE ${table} SET … WHERE ${names.map((n) => `${n} IS NULL`).join(' OR ')}) or delete them, then run migrate-down again.`,
      )}`,
      'END IF;',
    ],
  );
  return [
    { title: `refuse rows without a value, then ${notNull.words.add} (brief lock, no scan)`, statements: [check, ...columns.map((c) => notNull.add(tableName, c))] },
    { title: 'VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)', statements: enforce.map(([validate]) => validate) },
    ...(afterValidate.length ? [{ title: 'SET NOT NULL (uses the validated check: no scan), drop the check', statements: afterValidate }] : []),
    { title: 'drop the backup and its trigger', statements: dropBackup },
  ];
}

/**
 * The removal's data migration: nothing to do on the way up (the column goes in migration.sql);
 * its down() restores every value from the backup in keyset batches, between the rollback's step
 * that re-creates the column and the one that makes it NOT NULL.
 *
 * Each row reads its backup row by primary key (a scalar subquery: one index probe). An EXISTS
 * here would let the planner hash-join the whole backup for every batch (66 s on 1M rows, most of
 * it scanning the backup again and again); PostgreSQL does not carry the batch's key range over to
 * the backup's key, so a probe per row is what keeps a batch's cost proportional to its rows.
 */
function restoreDataMigration(name: string, removed: RemovedColumns, backup: string, recreated: RecreatedColumn[], options: RemoveColumnOptions): PlannedDataMigration {
  const table = quoteIdent(removed.table);
  const key = removed.key.map(quoteIdent);
  const match = key.map((k) => `b.${k} = ${table}.${k}`).join(' AND ');
  const columns = removed.columns.map((c) => quoteIdent(c.column));
  const values = removed.columns.map((c) => `b.${quoteIdent(c.column)}${restoreCast(c, recreated)}`);
  const differs = removed.columns.map((c) => `${table}.${quoteIdent(c.column)}::text IS DISTINCT FROM b.${quoteIdent(c.column)}::text`).join(' OR ');
  const set =
    columns.length === 1
      ? `${columns[0]} = (SELECT ${values[0]} FROM ${backup} b WHERE ${match})`
      : `(${columns.join(', ')}) = (SELECT ${values.join(', ')} FROM ${backup} b WHERE ${match})`;
  const list = removed.columns.map((c) => c.column).join(', ');
  return {
    name,
    model: removed.model,
    description: `Nothing on the way up (migration.sql drops ${list}); the rollback restores every value from ${backup} in batches.`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up: `ctx.log(${tsString(`nothing to do: the values of ${list} are in ${backup}`)});`,
      down: [
        '// The column is back (nullable) and the capture trigger copies writes into the backup again: restore every value, batch by batch.',
        '// Rows whose backup row differs: NULL (no backup row) is false, so rows inserted after the removal are left alone.',
        '// Each batch locks its rows first, so a value the application writes meanwhile (and the trigger copies) is the one restored.',
        `await ctx.batchUpdate(${tsObject({ table: removed.table, key: removed.key[0], set, where: `(SELECT ${differs} FROM ${backup} b WHERE ${match})`, batchSize: options.batchSize, name: 'restore', lockRowsFirst: true })});`,
      ].join('\n'),
      validate: `const [backup] = await ctx.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [${tsString(backup)}]);\nreturn backup.exists;`,
    },
  };
}

/** The column as the backup stores it: enums (and enum lists) as text, so no enum type is pinned. */
function backupSelect(column: RemovedColumn): string {
  const name = quoteIdent(column.column);
  return column.enumType ? `${backupValue(column, name)} AS ${name}` : name;
}

function backupValue(column: RemovedColumn, value: string): string {
  return column.enumType ? `${value}::text${column.isList ? '[]' : ''}` : value;
}

/**
 * A trigger that copies every write of the columns into the backup, from the transaction that
 * creates the backup table until the one that drops the columns: a write the batched copy read too
 * early, or that commits after it, is in the backup all the same (the copy keeps what the trigger
 * wrote). It goes with the columns, in the transaction that locks the table to drop them.
 */
function captureTrigger(removed: RemovedColumns, backupName: string, backup: string): { create: string[]; drop: string[] } {
  const fn = forgeFunction(fitIdentifier(backupName, '__capture'));
  const trigger = quoteIdent(fitIdentifier(removed.columns.map((c) => c.column).join('_'), '__forge_backup'));
  const table = quoteIdent(removed.table);
  const key = removed.key.map(quoteIdent);
  const columns = removed.columns.map((c) => quoteIdent(c.column));
  return {
    create: [
      [
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
        'BEGIN',
        `  INSERT INTO ${backup} AS kept (${[...key, ...columns].join(', ')})`,
        `    VALUES (${[...key.map((k) => `NEW.${k}`), ...removed.columns.map((c) => backupValue(c, `NEW.${quoteIdent(c.column)}`))].join(', ')})`,
        `    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
        // The rollback's restore writes the backup's own values: no new backup row version for those.
        `    WHERE ${rowOf(columns.map((c) => `kept.${c}`))} IS DISTINCT FROM ${rowOf(columns.map((c) => `EXCLUDED.${c}`))};`,
        '  RETURN NULL;',
        'END $forge$;',
      ].join('\n'),
      `CREATE TRIGGER ${trigger} AFTER INSERT OR UPDATE OF ${columns.join(', ')} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    ],
    drop: [`DROP TRIGGER IF EXISTS ${trigger} ON ${table};`, `DROP FUNCTION IF EXISTS ${fn}();`],
  };
}

/** `a` for one column, `ROW(a, b)` for several: compared at once with IS DISTINCT FROM. */
function rowOf(values: string[]): string {
  return values.length === 1 ? values[0] : `ROW(${values.join(', ')})`;
}

function restoreCast(column: RemovedColumn, recreated: RecreatedColumn[]): string {
  return column.enumType ? `::${recreated.find((c) => c.column === column.column)!.type}` : '';
}

/**
 * A required column without a default cannot get NOT NULL back when rows were inserted after its
 * removal (the backup has no value for them): stop with a readable message instead of a bare error.
 * Checked before anything changes (rows the backup does not have), and again before the NOT NULL
 * check (rows still NULL after the restore: inserted while the rollback ran).
 */
function missingValuesCheck(table: string, key: string[], columns: string[], backup: string, when: 'before' | 'restored'): string {
  const names = columns.map(quoteIdent);
  const notInBackup = `NOT EXISTS (SELECT 1 FROM ${backup} AS b WHERE ${key.map((k) => `b.${k} = ${table}.${k}`).join(' AND ')})`;
  const condition = when === 'before' ? notInBackup : names.map((n) => `${n} IS NULL`).join(' OR ');
  const outcome = when === 'before' ? 'Nothing was rolled back.' : 'The rollback stopped before NOT NULL; migrate-down continues here when run again.';
  // The first rows by key, listed as key=value (the form migrate-validate reads back to find them).
  const keyText = key.map((k) => `${quoteLiteral(`${unquoteIdent(k)}=`)} || ${k}::text`).join(` || ' ' || `);
  return doBlock(
    ['missing bigint;', 'sample text;'],
    [
      `SELECT count(*) INTO missing FROM ${table} WHERE ${condition};`,
      'IF missing > 0 THEN',
      `  SELECT string_agg(k, ', ') INTO sample FROM (SELECT ${keyText} AS k FROM ${table} WHERE ${condition} ORDER BY ${key.join(', ')} LIMIT 10) s;`,
      `  ${raiseException(
        `Cannot restore ${names.map((n) => `${table}.${n}`).join(', ')} as NOT NULL: {} row(s) have no value for it ({}): they were inserted after the column was removed, so ${backup} has none. ${outcome}`,
        ['missing', 'sample'],
        `Give those rows a value in the backup (INSERT INTO ${backup} (${[...key, ...names].join(', ')}) SELECT … FROM ${table} WHERE ${notInBackup}), or delete them, then run migrate-down again.`,
      )}`,
      'END IF;',
    ],
  );
}

/** Prisma's up: optional `DROP INDEX` statements, then one `ALTER TABLE … DROP COLUMN …[, DROP COLUMN …]`. */
function parseUp(sql: string, removed: RemovedColumns): string[] {
  const statements = splitStatements(sql);
  const dropped: string[] = [];
  for (const statement of statements) {
    const body = statementBody(statement);
    if (new RegExp(`^DROP INDEX ${IDENT}$`).test(body)) continue;
    const alter = new RegExp(`^ALTER TABLE (${IDENT})\\s+(DROP COLUMN[\\s\\S]*)$`).exec(body);
    if (!alter || unquoteIdent(alter[1]) !== removed.table || dropped.length) throw new UnexpectedDiffError('remove-column', sql);
    for (const clause of splitTopLevel(alter[2])) {
      const column = new RegExp(`^DROP COLUMN (${IDENT})$`).exec(clause);
      if (!column) throw new UnexpectedDiffError('remove-column', sql);
      dropped.push(unquoteIdent(column[1]));
    }
  }
  if (!sameSet(dropped, removed.columns.map((c) => c.column))) throw new UnexpectedDiffError('remove-column', sql);
  return statements;
}

/** Prisma's reverse: one `ALTER TABLE … ADD COLUMN …[, …]`, then `CREATE [UNIQUE] INDEX … ON` the table. */
function parseDown(sql: string, removed: RemovedColumns): RecreatedColumn[] {
  let columns: RecreatedColumn[] | undefined;
  for (const statement of splitStatements(sql)) {
    const body = statementBody(statement);
    const index = new RegExp(`^CREATE (?:UNIQUE )?INDEX ${IDENT} ON (${IDENT})`).exec(body);
    if (index && unquoteIdent(index[1]) === removed.table) continue;
    const alter = new RegExp(`^ALTER TABLE (${IDENT})\\s+(ADD COLUMN[\\s\\S]*)$`).exec(body);
    if (!alter || unquoteIdent(alter[1]) !== removed.table || columns) throw new UnexpectedDiffError('remove-column (reverse)', sql);
    columns = splitTopLevel(alter[2]).map((clause) => {
      const match = new RegExp(`^ADD COLUMN\\s+(${IDENT})\\s+([\\s\\S]+?)(\\s+NOT NULL)?(\\s+DEFAULT\\s+[\\s\\S]+)?$`).exec(clause);
      if (!match) throw new UnexpectedDiffError('remove-column (reverse)', sql);
      return { column: unquoteIdent(match[1]), type: match[2], notNull: !!match[3], default: match[4] ? ` ${match[4].trim()}` : '' };
    });
  }
  if (!columns || !sameSet(columns.map((c) => c.column), removed.columns.map((c) => c.column))) {
    throw new UnexpectedDiffError('remove-column (reverse)', sql);
  }
  return columns;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The data migration of step 1: the batched copy, a no-op down, and a validate() that compares every row. */
function backupDataMigration(name: string, removed: RemovedColumns, backupName: string, backup: string, options: RemoveColumnOptions): PlannedDataMigration {
  const table = quoteIdent(removed.table);
  const key = removed.key.map(quoteIdent);
  const columns = removed.columns.map((c) => quoteIdent(c.column));
  const js = JSON.stringify;
  // Rows deleted since they were copied stay in the backup (the rollback restores by key, so they
  // are never written back): complete means every row of the table is there, with its values.
  const complete =
    `SELECT NOT EXISTS (` +
    `SELECT 1 FROM ${table} AS t LEFT JOIN ${backup} AS b ON ${key.map((k) => `b.${k} = t.${k}`).join(' AND ')} ` +
    `WHERE b.${key[0]} IS NULL OR ${columns.map((c) => `t.${c}::text IS DISTINCT FROM b.${c}::text`).join(' OR ')}) AS complete`;
  const present = `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = ANY ($2::text[]) AND attnum > 0 AND NOT attisdropped) AS present`;
  return {
    name,
    model: removed.model,
    description: `Copies (${[...removed.key, ...removed.columns.map((c) => c.column)].join(', ')}) of every ${removed.table} row into ${BACKUP_SCHEMA}.${backupName}, before ${removed.columns.map((c) => c.column).join(', ')} ${removed.columns.length > 1 ? 'are' : 'is'} dropped by the next migration.`,
    estimatedDuration: `proportional to the rows of ${removed.table} (batches of ${options.batchSize ?? 5000})`,
    body: {
      up: key.length === 1 ? singleKeyCopy(removed, backup, options) : compositeKeyCopy(removed, backup, options),
      down: [
        '// Nothing to restore: the column still exists at this point; down.sql then drops the backup table.',
        `ctx.log(${js(`rolling back: ${backup} is dropped by down.sql`)});`,
      ].join('\n'),
      validate: [
        `// Every row of ${table} must be in the backup with the same values (compared as text).`,
        `const [column] = await ctx.query<{ present: boolean }>(${js(present)}, [${js(table)}, ${js(removed.columns.map((c) => c.column))}]);`,
        'if (!column.present) {',
        '  // The next migration already removed the column: its backup is what is left to check.',
        `  const [backup] = await ctx.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [${js(backup)}]);`,
        '  return backup.exists;',
        '}',
        `const [state] = await ctx.query<{ complete: boolean }>(${js(complete)});`,
        'return state.complete;',
      ].join('\n'),
    },
  };
}

function singleKeyCopy(removed: RemovedColumns, backup: string, options: RemoveColumnOptions): string {
  const js = JSON.stringify;
  return [
    `// Keyset batches on the primary key, each committed with its checkpoint: an interrupted run resumes.`,
    `await ctx.batchCopy({`,
    `  table: ${js(removed.table)},`,
    `  key: ${js(removed.key[0])},`,
    `  columns: ${js(removed.columns.map((c) => c.column))},`,
    `  into: ${js(backup)},`,
    `  // The capture trigger wrote rows changed since the copy began: theirs are the newer values.`,
    `  keepExisting: true,`,
    ...(options.batchSize ? [`  batchSize: ${options.batchSize},`] : []),
    `});`,
  ].join('\n');
}

/**
 * ctx.batchCopy pages on one column; a composite primary key is paged here with a row comparison,
 * one statement (one transaction) per page; rows already in the backup were written there by the
 * capture trigger (newer than the page) or by an interrupted run, and are kept.
 */
function compositeKeyCopy(removed: RemovedColumns, backup: string, options: RemoveColumnOptions): string {
  const js = JSON.stringify;
  const table = quoteIdent(removed.table);
  const key = removed.key.map(quoteIdent);
  const columns = removed.columns.map((c) => quoteIdent(c.column));
  const all = [...key, ...columns].join(', ');
  const size = options.batchSize ?? 5000;
  const page = (after: boolean) =>
    `WITH page AS (SELECT ${all} FROM ${table}${after ? ` WHERE (${key.join(', ')}) > (${key.map((_, i) => `$${i + 1}`).join(', ')})` : ''} ORDER BY ${key.join(', ')} LIMIT ${size}), ` +
    `copied AS (INSERT INTO ${backup} (${all}) SELECT ${all} FROM page ON CONFLICT (${key.join(', ')}) DO NOTHING) ` +
    `SELECT (SELECT count(*) FROM page)::int AS rows, (SELECT ARRAY[${key.map((k) => `${k}::text`).join(', ')}] FROM page ORDER BY ${key.map((k) => `${k} DESC`).join(', ')} LIMIT 1) AS last`;
  return [
    `// The primary key (${removed.key.join(', ')}) has several columns: pages in key order, one statement each; rows already in the backup are kept.`,
    `type Page = { rows: number; last: string[] | null };`,
    `let after: string[] | null = null;`,
    `let copied = 0;`,
    `for (;;) {`,
    `  const pages: Page[] = after === null`,
    `    ? await ctx.query<Page>(${js(page(false))})`,
    `    : await ctx.query<Page>(${js(page(true))}, after);`,
    `  const page = pages[0];`,
    `  if (!page || page.rows === 0 || !page.last) break;`,
    `  copied += page.rows;`,
    `  after = page.last;`,
    `}`,
    `ctx.log(${js(`copied `)} + copied + ${js(` rows of ${removed.table} into ${backup}`)});`,
  ].join('\n');
}
