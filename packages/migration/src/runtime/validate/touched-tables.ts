import { splitStatements, statementText } from '../../sql/split-statements';

/** A table name, quoted or not, optionally schema-qualified. */
const NAME = String.raw`((?:"(?:[^"]|"")+"|\w+)(?:\.(?:"(?:[^"]|"")+"|\w+))?)`;

const TABLE_REFERENCES = [
  new RegExp(String.raw`^ALTER TABLE (?:ONLY )?(?:IF EXISTS )?${NAME}`, 'i'),
  new RegExp(String.raw`^(?:CREATE|DROP) (?:UNIQUE )?INDEX .*? ON (?:ONLY )?${NAME}`, 'i'),
  new RegExp(String.raw`^UPDATE (?:ONLY )?${NAME}`, 'i'),
  new RegExp(String.raw`^INSERT INTO ${NAME}`, 'i'),
  new RegExp(String.raw`^DELETE FROM (?:ONLY )?${NAME}`, 'i'),
  /^DROP TABLE (?:IF EXISTS )?(.+)$/i,
  /^TRUNCATE (?:TABLE )?(.+)$/i,
];

/**
 * The tables a migration touches, from its statements (ALTER TABLE, CREATE/DROP INDEX … ON, UPDATE,
 * INSERT, DELETE, DROP TABLE, REFERENCES targets): where validation puts rows before running it.
 */
export function touchedTables(sql: string): string[] {
  const tables = new Set<string>();
  for (const statement of splitStatements(sql).map(statementText)) {
    for (const pattern of TABLE_REFERENCES) {
      const match = pattern.exec(statement);
      if (match) for (const name of splitNames(match[1])) tables.add(name);
    }
    // Tables a statement reads from (CREATE TABLE … AS SELECT … FROM "User", INSERT … SELECT …) or references.
    for (const reference of statement.matchAll(new RegExp(String.raw`\b(?:REFERENCES|FROM) ${NAME}`, 'gi'))) {
      for (const name of splitNames(reference[1])) tables.add(name);
    }
  }
  return [...tables];
}

function splitNames(list: string): string[] {
  return list
    .replace(/\b(CASCADE|RESTRICT)\b/gi, '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    // the tool's own backups and bookkeeping are not data the migration must be proven on
    .filter((n) => !/^"?_forge/.test(n) || !n.includes('.'))
    .map((n) => unquote(n.split('.').pop()!));
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}
