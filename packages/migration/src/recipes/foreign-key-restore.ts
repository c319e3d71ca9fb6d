import { doBlock, raiseException } from '../sql/do-block';
import { quoteIdent } from '../sql/identifiers';
import { statementText } from '../sql/split-statements';

/** A foreign key as Prisma's `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … REFERENCES …` writes it. */
export interface ForeignKeyStatement {
  table: string;
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  /** The statement's text without its `;` (one line). */
  text: string;
}

const IDENT = String.raw`"(?:[^"]|"")+"`;
const IDENT_LIST = String.raw`${IDENT}(?:\s*,\s*${IDENT})*`;
const ADD_FOREIGN_KEY = new RegExp(
  String.raw`^ALTER TABLE (${IDENT}) ADD CONSTRAINT (${IDENT}) FOREIGN KEY \((${IDENT_LIST})\) REFERENCES (${IDENT})\s*\((${IDENT_LIST})\)(?: ON (?:DELETE|UPDATE) (?:CASCADE|RESTRICT|NO ACTION|SET NULL|SET DEFAULT))*$`,
);
const DROP_CONSTRAINT = new RegExp(String.raw`^ALTER TABLE (${IDENT}) DROP CONSTRAINT (${IDENT})$`);

/** Parses Prisma's ADD FOREIGN KEY statement, or returns undefined for any other statement. */
export function parseAddForeignKey(statement: string): ForeignKeyStatement | undefined {
  const text = statementText(statement);
  const match = ADD_FOREIGN_KEY.exec(text);
  if (!match) return undefined;
  return {
    table: unquoteIdent(match[1]),
    name: unquoteIdent(match[2]),
    columns: identList(match[3]),
    referencedTable: unquoteIdent(match[4]),
    referencedColumns: identList(match[5]),
    text,
  };
}

/** `ALTER TABLE "T" DROP CONSTRAINT "n"` → { table, name }. */
export function parseDropConstraint(statement: string): { table: string; name: string } | undefined {
  const match = DROP_CONSTRAINT.exec(statementText(statement));
  return match ? { table: unquoteIdent(match[1]), name: unquoteIdent(match[2]) } : undefined;
}

/**
 * Re-adds a foreign key in a rollback, as the way up adds one: `ADD … NOT VALID` (a brief lock, no
 * scan; writes from then on are checked) in one step, and in a later step of its own a check that
 * stops with a readable message (how many rows, how to list them) when rows written meanwhile
 * have no parent, then `VALIDATE CONSTRAINT` (a scan under SHARE UPDATE EXCLUSIVE: writes go on).
 * `why` says how the orphans came about, e.g. "written while Coupon was removed".
 */
export function restoreForeignKeySteps(fk: ForeignKeyStatement, why: string): { notValid: string; validate: string[] } {
  const child = quoteIdent(fk.table);
  const parent = quoteIdent(fk.referencedTable);
  const notNull = fk.columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const matches = fk.columns.map((c, i) => `p.${quoteIdent(fk.referencedColumns[i])} = c.${quoteIdent(c)}`).join(' AND ');
  const orphanCondition = `${notNull} AND NOT EXISTS (SELECT 1 FROM ${parent} AS p WHERE ${matches})`;
  const columns = fk.columns.map(quoteIdent).join(', ');
  const check = doBlock(
    ['orphans bigint;'],
    [
      `SELECT count(*) INTO orphans FROM ${child} AS c WHERE ${orphanCondition};`,
      'IF orphans > 0 THEN',
      `  ${raiseException(
        `Cannot validate the restored foreign key ${quoteIdent(fk.name)}: {} row(s) of ${child} have ${columns} values with no matching row in ${parent} (${why}). ` +
          'The rollback stopped before VALIDATE: the tables are back and the key checks new writes (NOT VALID). Fix those rows, then run migrate-down again: it continues here.',
        ['orphans'],
        `List them with: SELECT * FROM ${child} AS c WHERE ${orphanCondition}; then set ${columns} to NULL or to existing keys (or re-create the missing ${parent} rows).`,
      )}`,
      'END IF;',
    ],
  );
  return {
    notValid: `${fk.text} NOT VALID;`,
    validate: [
      `-- Rows written while the key was gone may reference ${parent} rows that no longer exist: report them instead of failing on a bare violation.\n${check}`,
      `ALTER TABLE ${child} VALIDATE CONSTRAINT ${quoteIdent(fk.name)};`,
    ],
  };
}

export function unquoteIdent(quoted: string): string {
  return quoted.startsWith('"') ? quoted.slice(1, -1).replace(/""/g, '"') : quoted;
}

function identList(list: string): string[] {
  return [...list.matchAll(new RegExp(IDENT, 'g'))].map((m) => unquoteIdent(m[0]));
}
