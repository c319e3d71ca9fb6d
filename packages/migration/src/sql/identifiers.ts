/** PostgreSQL silently truncates identifiers longer than this many bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `quoteIdent(name)` as a regular-expression source that matches exactly it. */
export function quotedIdentPattern(name: string): string {
  return quoteIdent(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Table reference as Prisma writes it: unqualified, resolved through the URL's schema. */
export function tableRef(table: string, schema?: string | null): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table);
}
