import pg from 'pg';
import type { PgConnectionConfig } from './connection';

/**
 * Prisma's diff against a live database cannot compare some index definitions (a raw operator
 * class such as `@@index([key(ops: raw("text_pattern_ops"))])`, Trigger.dev's schema has one) and
 * writes DROP INDEX + CREATE INDEX of the very same index, on every check. Such a pair is no drift:
 * it is dropped from the script when the database already holds exactly the index Prisma would
 * create. Anything else in the script stays as Prisma wrote it.
 */
export async function withoutIdenticalIndexRecreation(script: string, config: Omit<PgConnectionConfig, 'schema'> & { schema?: string }): Promise<string> {
  const sections = script.trim().split(/\n{2,}/);
  const dropped = new Map<string, number>();
  const created = new Map<string, number>();
  sections.forEach((section, i) => {
    const drop = /^(?:--[^\n]*\n)*DROP INDEX "((?:[^"]|"")+)";\s*$/.exec(section);
    const create = /^(?:--[^\n]*\n)*(CREATE (?:UNIQUE )?INDEX "((?:[^"]|"")+)" ON [^\n]+);\s*$/.exec(section);
    if (drop) dropped.set(drop[1], i);
    if (create) created.set(create[2], i);
  });
  const pairs = [...dropped.keys()].filter((name) => created.has(name));
  if (!pairs.length) return script;

  const { schema: _schema, ...connection } = config;
  const client = new pg.Client(connection);
  await client.connect();
  const unchanged = new Set<number>();
  try {
    for (const name of pairs) {
      const { rows } = await client.query<{ def: string }>(
        `SELECT pg_get_indexdef(c.oid) AS def FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'i' AND c.relnamespace = current_schema()::regnamespace`,
        [name.replace(/""/g, '"')],
      );
      const wanted = /CREATE (?:UNIQUE )?INDEX [^\n]+/.exec(sections[created.get(name)!])![0].replace(/;\s*$/, '');
      if (rows.length === 1 && sameIndex(rows[0].def, wanted)) unchanged.add(dropped.get(name)!).add(created.get(name)!);
    }
  } finally {
    await client.end();
  }
  const kept = sections.filter((_, i) => !unchanged.has(i));
  return kept.length ? `${kept.join('\n\n')}\n` : '';
}

/** Index definitions compared the way PostgreSQL prints them: quotes, schema, the default btree method and spacing aside. */
function sameIndex(databaseDefinition: string, prismaStatement: string): boolean {
  const normal = (sql: string) =>
    sql
      .toLowerCase()
      .replace(/"/g, '')
      .replace(/\bon\s+[a-z_][a-z0-9_]*\./, 'on ')
      .replace(/\busing\s+btree\b/, '')
      .replace(/\s+/g, '');
  return normal(databaseDefinition) === normal(prismaStatement);
}
