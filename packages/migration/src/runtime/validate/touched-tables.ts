import { splitStatements, statementText } from '../../sql/split-statements';

const TABLE_REFERENCES = [
  /^ALTER TABLE (?:ONLY )?(?:IF EXISTS )?("(?:[^"]|"")+"(?:\."(?:[^"]|"")+")?|\w+)/i,
  /^(?:CREATE|DROP) (?:UNIQUE )?INDEX .*? ON (?:ONLY )?("(?:[^"]|"")+"(?:\."(?:[^"]|"")+")?|\w+)/i,
  /^UPDATE (?:ONLY )?("(?:[^"]|"")+"|\w+)/i,
  /^INSERT INTO ("(?:[^"]|"")+"|\w+)/i,
  /^DELETE FROM (?:ONLY )?("(?:[^"]|"")+"|\w+)/i,
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
    for (const reference of statement.matchAll(/\bREFERENCES ("(?:[^"]|"")+"|\w+)/gi)) tables.add(unquote(reference[1]));
  }
  return [...tables];
}

function splitNames(list: string): string[] {
  return list
    .replace(/\b(CASCADE|RESTRICT)\b/gi, '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => unquote(n.split('.').pop()!));
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}
