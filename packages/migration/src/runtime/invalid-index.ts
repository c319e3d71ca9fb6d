import { splitStatements, statementText } from '../sql/split-statements';
import type { ProjectTarget } from './project-target';
import { DEFAULT_CONCURRENT_WAIT_MS, waitForRunningBuild } from './concurrent-build';
import { withClient } from './pg-client';

/**
 * A `CREATE INDEX CONCURRENTLY` that was interrupted (lock timeout, crash, duplicate keys) leaves
 * an INVALID index behind, and `IF NOT EXISTS` would then skip building it: drop such a leftover
 * before a script that builds the index runs (again). Used for migration.sql and down.sql alike.
 * Returns the name of the index it dropped.
 */
export async function dropInvalidIndexLeftBy(target: ProjectTarget, script: string): Promise<string | undefined> {
  const name = concurrentIndexName(script);
  if (!name) return undefined;
  // Dropping an index another session is still building would deadlock with it.
  await waitForRunningBuild(target.url, name, target.logger, target.concurrentWaitMs ?? DEFAULT_CONCURRENT_WAIT_MS);
  return withClient(target.url, async (client) => {
    const { rows } = await client.query<{ invalid: boolean }>(
      `SELECT NOT i.indisvalid AS invalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
      [name],
    );
    if (rows[0]?.invalid) {
      target.logger.warn(`Dropping the INVALID index ${name} left by an interrupted build, before building it again.`);
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS "${name.replace(/"/g, '""')}"`);
      return name;
    }
    return undefined;
  });
}

/** The index a script builds when it is one `CREATE [UNIQUE] INDEX CONCURRENTLY` statement. */
export function concurrentIndexName(sql: string): string | undefined {
  const statement = onlyStatement(sql);
  if (!statement) return undefined;
  return /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?"((?:[^"]|"")+)"/i.exec(statement)?.[1]?.replace(/""/g, '"');
}

/** The index a script drops when it is one `DROP INDEX CONCURRENTLY` statement (migration.sql of remove-index, down.sql of add-index). */
export function concurrentDropName(sql: string): string | undefined {
  const statement = onlyStatement(sql);
  if (!statement) return undefined;
  return /^DROP\s+INDEX\s+CONCURRENTLY\s+(?:IF\s+EXISTS\s+)?(?:"(?:[^"]|"")+"\.)?"((?:[^"]|"")+)"$/i.exec(statement)?.[1]?.replace(/""/g, '"');
}

/** The `CREATE INDEX CONCURRENTLY` statement of a script that builds one index (see concurrentIndexName). */
export function concurrentStatement(sql: string): string {
  if (!concurrentIndexName(sql)) throw new Error('Not a script of one CREATE INDEX CONCURRENTLY statement.');
  return onlyStatement(sql)!;
}

function onlyStatement(sql: string): string | undefined {
  const statements = splitStatements(sql).map(statementText).filter((s) => !/^SET\s/i.test(s));
  return statements.length === 1 ? statements[0] : undefined;
}
