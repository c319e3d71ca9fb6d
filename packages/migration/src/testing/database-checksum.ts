import pg from 'pg';

/**
 * One md5 per part of a database's user schemas: the columns, the indexes, and every table's rows
 * (the `_prisma_migrations` history and the `_forge` bookkeeping included). Equal before and after
 * a command proves it changed nothing. One connection: scram authentication is slow on purpose.
 */
export async function databaseChecksum(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const parts = [
      `SELECT 'columns ' || md5(string_agg(c, ',' ORDER BY c)) AS h FROM (
         SELECT format('%s.%s.%s %s %s %s', table_schema, table_name, column_name, data_type, is_nullable, column_default) AS c
         FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')) columns`,
      `SELECT 'indexes ' || md5(string_agg(indexdef, ',' ORDER BY indexdef)) AS h FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
      ...tables.map(({ name }) => `SELECT ${pg.escapeLiteral(name)} || ' ' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS h FROM ${name} t`),
    ];
    const { rows } = await client.query<{ h: string }>(parts.map((sql) => `(${sql})`).join('\nUNION ALL\n'));
    return rows.map((r) => r.h);
  } finally {
    await client.end();
  }
}
