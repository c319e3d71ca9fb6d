import { splitStatements, statementText } from '../sql/split-statements';
import { withClient } from './pg-client';
import type { ProjectTarget } from './project-target';

/** `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] "name" ON ["schema".]"table"`: the index and its table. */
const CONCURRENT_INDEX = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(IF\s+NOT\s+EXISTS\s+)?"((?:[^"]|"")+)"\s+ON\s+(?:ONLY\s+)?(?:"(?:[^"]|"")+"\.)?"((?:[^"]|"")+)"/i;

/**
 * `CREATE INDEX CONCURRENTLY IF NOT EXISTS "x"` does nothing when any relation of the schema is
 * named x — a table, a sequence, a view, an index on another table — and the migration would be
 * recorded as applied without its index. Before such a script runs, the name must be free or be
 * this very index (a re-run after an interrupted deploy).
 */
export async function assertIndexNameFree(target: ProjectTarget, migrationName: string, script: string): Promise<void> {
  const statements = splitStatements(script).map(statementText).filter((s) => !/^SET\s/i.test(s));
  const match = statements.length === 1 ? CONCURRENT_INDEX.exec(statements[0]) : null;
  if (!match?.[1]) return;
  const [name, table] = [match[2], match[3]].map((s) => s.replace(/""/g, '"'));
  const holder = await withClient(target.url, async (client) => {
    const { rows } = await client.query<{ kind: string; on: string | null }>(
      `SELECT c.relkind::text AS kind, t.relname AS on
         FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid
        WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
      [name],
    );
    return rows[0];
  });
  if (!holder || (holder.kind === 'i' && holder.on === table)) return;
  const what = holder.kind === 'i' ? `an index on "${holder.on}"` : (KINDS[holder.kind] ?? 'another relation');
  throw new Error(
    `${migrationName}: "${name}" is already ${what} in the database, so CREATE INDEX CONCURRENTLY IF NOT EXISTS "${name}" would do nothing and the index on "${table}" would never exist. ` +
      `Nothing was changed. Give the index another name in migration.sql, down.sql and the map: of schema.prisma (or regenerate it with add-index --name), then run migrate again.`,
  );
}

const KINDS: Record<string, string> = { r: 'a table', p: 'a partitioned table', S: 'a sequence', v: 'a view', m: 'a materialized view', f: 'a foreign table', c: 'a composite type' };
