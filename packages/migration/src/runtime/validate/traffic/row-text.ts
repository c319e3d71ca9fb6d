/**
 * A row as `{column: text}` (jsonb_each_text of the row): every value exactly as PostgreSQL prints
 * it, so numeric(65,30) keeps its digits (a JSON number would go through a JavaScript double) and
 * NULL stays null.
 */
export type RowText = Record<string, string | null>;

/** The SQL expression for the row variable `alias` as a RowText. */
export function rowTextSql(alias: string): string {
  return `(SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each_text(to_jsonb(${alias})) AS e)`;
}

/**
 * How long the statement has run, measured by the server: pauses of this process (the migration's
 * own work) do not count. From the transaction's start, not statement_timestamp(): with the
 * extended protocol that restarts at Bind, after the table lock was waited for at Parse.
 */
export const SERVER_MS_SQL = `(extract(epoch FROM clock_timestamp() - transaction_timestamp()) * 1000)::float8`;
