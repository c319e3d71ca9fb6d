/**
 * A name that shows the parser instead of the SQL: a camel-cased node name (`DropConstraint`,
 * `ColumnDefault`), an enum constant (`AT_…`, `OBJECT_…`) or `TABCONSTRAINT`. Quoted identifiers
 * and string literals are the user's own words: left out of the check.
 */
export function parserWords(name: string): string[] {
  const sql = name.replace(/"(?:[^"]|"")*"/g, '""').replace(/'(?:[^']|'')*'/g, "''");
  return sql.match(/\b\w*[a-z][A-Z]\w*\b|\b[A-Z]+_[A-Z_]+\b|TABCONSTRAINT|\w+Stmt\b/g) ?? [];
}
