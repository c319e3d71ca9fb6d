import type { ForeignKeyRef } from '../prisma-schema/edits/foreign-key';
import { formatSeedHint } from '../runtime/seed/hints';
import { quoteIdent, quoteLiteral } from '../sql/identifiers';

/** Rows listed by an orphan check's message. */
const SAMPLE_ROWS = 5;

/**
 * A DO block that fails with a readable message when rows of the referencing table hold a key
 * that has no row in the referenced table (instead of PostgreSQL's generic "violates foreign key
 * constraint" naming one row): the count, a few sample rows, and what to do. With MATCH SIMPLE
 * (PostgreSQL's default) a key with a NULL part references nothing, so it is no orphan.
 */
export function orphanCheck(fk: ForeignKeyRef, action: 'validate' | 're-add', rerun: 'migrate' | 'migrate-down'): string {
  const child = (c: string) => `child.${quoteIdent(c)}`;
  const conditions = [
    ...fk.columns.map((c) => `${child(c)} IS NOT NULL`),
    `NOT EXISTS (SELECT 1 FROM ${quoteIdent(fk.referencedTable)} AS parent WHERE ${fk.columns
      .map((c, i) => `parent.${quoteIdent(fk.referencedColumns[i])} = ${child(c)}`)
      .join(' AND ')})`,
  ];
  const where = (indent: string) => conditions.join(`\n${indent}AND `);
  const shown = [...fk.tableKey.filter((k) => !fk.columns.includes(k)), ...fk.columns];
  const sample = `concat_ws(' ', ${shown.map((c) => `${quoteLiteral(`${c}=`)} || coalesce(${child(c)}::text, 'NULL')`).join(', ')})`;
  const order = (fk.tableKey.length ? fk.tableKey : fk.columns).map(child).join(', ');
  const list = (names: string[]) => (names.length > 1 ? `(${names.map(percentSafe).join(', ')})` : percentSafe(names[0]));
  const message =
    `Cannot ${action} foreign key ${percentSafe(fk.constraint)}: % row(s) of ${percentSafe(fk.table)} have ${list(fk.columns)} values ` +
    `not found in ${percentSafe(fk.referencedTable)}${fk.referencedColumns.length > 1 ? '' : '.'}${list(fk.referencedColumns)}, for example: %. Nothing was changed. ` +
    `Fix those rows (point them at existing ${percentSafe(fk.referencedTable)} rows, set ${list(fk.columns)} to NULL if it is nullable, or delete them), then run ${rerun} again.`;
  return [
    '-- Orphan check: a readable error listing the rows that would break the foreign key.',
    'DO $forge$',
    'DECLARE',
    '  orphan_count bigint;',
    '  sample_rows text;',
    'BEGIN',
    `  SELECT count(*) INTO orphan_count`,
    `    FROM ${quoteIdent(fk.table)} AS child`,
    `   WHERE ${where('     ')};`,
    '  IF orphan_count > 0 THEN',
    `    SELECT string_agg(sample, '; ') INTO sample_rows FROM (`,
    `      SELECT ${sample} AS sample`,
    `        FROM ${quoteIdent(fk.table)} AS child`,
    `       WHERE ${where('         ')}`,
    `       ORDER BY ${order}`,
    `       LIMIT ${SAMPLE_ROWS}`,
    '    ) AS orphan;',
    `    RAISE EXCEPTION ${quoteLiteral(message)}, orphan_count, sample_rows`,
    `      USING ERRCODE = 'foreign_key_violation';`,
    '  END IF;',
    'END',
    '$forge$;',
  ].join('\n');
}

/** RAISE's format string treats % as a placeholder: a literal one is written %%. */
function percentSafe(name: string): string {
  return name.replace(/%/g, '%%');
}

/** Prisma's `ADD CONSTRAINT … FOREIGN KEY …` statement as a NOT VALID one (no scan, brief lock). */
export function notValid(addForeignKey: string): string {
  return `${addForeignKey.replace(/;\s*$/, '')} NOT VALID;`;
}

export function validateConstraint(fk: ForeignKeyRef): string {
  return `ALTER TABLE ${quoteIdent(fk.table)} VALIDATE CONSTRAINT ${quoteIdent(fk.constraint)};`;
}

export function dropConstraint(fk: ForeignKeyRef, ifExists = false): string {
  return `ALTER TABLE ${quoteIdent(fk.table)} DROP CONSTRAINT ${ifExists ? 'IF EXISTS ' : ''}${quoteIdent(fk.constraint)};`;
}

/**
 * Seed hints so that migrate-validate's generated rows reference existing parents. The hint
 * format has one column per line: a composite key cannot be described, so it gets none.
 */
export function foreignKeySeedHints(fk: ForeignKeyRef): string[] {
  if (fk.columns.length !== 1) return [];
  return [formatSeedHint({ table: fk.table, column: fk.columns[0], references: { table: fk.referencedTable, column: fk.referencedColumns[0] } })];
}

/** Puts comment lines (seed hints) right after the script's title and header comments. */
export function withHeaderComments(script: string, comments: string[]): string {
  if (!comments.length) return script;
  const lines = script.split('\n');
  const firstCode = lines.findIndex((l) => !l.startsWith('--'));
  lines.splice(firstCode < 0 ? lines.length : firstCode, 0, ...comments);
  return lines.join('\n');
}
