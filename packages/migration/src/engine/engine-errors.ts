// Prisma's schema engine appends a Rust span trace to its messages ("   0: schema_engine_wasm::…
// at schema-engine/…/engine.rs:242"): noise to a user. The first part is kept, and the failures a
// user meets most get one sentence that names the problem and the fix.

/** The message without the engine's span trace. */
export function withoutEngineTrace(message: string): string {
  const lines = message.split('\n');
  const trace = lines.findIndex((line) => /^\s*\d+: [a-z_]+(?:::[A-Za-z_]+)+/.test(line));
  return trace < 0 ? message : lines.slice(0, trace).join('\n').trim();
}

interface Explanation {
  test: RegExp;
  explain(match: RegExpExecArray, user: string | undefined): string;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

const EXPLANATIONS: Explanation[] = [
  {
    test: /permission denied for schema (\S+)/,
    explain: ([, schema], user) => {
      const role = user ? quoted(user) : 'the user of your database URL';
      return (
        `The database user ${user ? role + ' ' : ''}may not create tables in schema ${quoted(schema)} (PostgreSQL 15 and later let only the schema's owner do that), ` +
        `and Prisma keeps _prisma_migrations and your tables there. As its owner, run GRANT CREATE ON SCHEMA ${quoted(schema)} TO ${role}; ` +
        `(or ALTER SCHEMA ${quoted(schema)} OWNER TO ${role};), or connect as the schema's owner.`
      );
    },
  },
  {
    test: /permission denied for database (\S+)/,
    explain: ([, database], user) => {
      const role = user ? quoted(user) : 'the user of your database URL';
      return (
        `The database user ${user ? role + ' ' : ''}may not create schemas in database ${quoted(database)}: a migration's CREATE SCHEMA (Prisma writes ` +
        `CREATE SCHEMA IF NOT EXISTS "public" into a first migration) and the tool's own _forge schemas need that. As the database's owner, run ` +
        `GRANT CREATE ON DATABASE ${quoted(database)} TO ${role}; or connect as its owner.`
      );
    },
  },
  {
    test: /^There is no datasource in the schema\./,
    explain: () => 'The Prisma schema has no datasource block (is schema.prisma empty?). Add one: datasource db { provider = "postgresql" }.',
  },
  {
    test: /^`([^`]+)` is not a supported connector\./,
    explain: ([, provider]) =>
      `@forge/migration supports PostgreSQL only, but the schema's datasource says provider = "${provider}". ` +
      'Set provider = "postgresql" in the datasource block (and point the database URL at a PostgreSQL server).',
  },
];

/** A message for the user: the trace removed, and a known failure explained (`user`: the database user, if known). */
export function explainEngineMessage(message: string, user?: string): string {
  const plain = withoutEngineTrace(message);
  for (const { test, explain } of EXPLANATIONS) {
    const match = test.exec(plain);
    if (match) return explain(match, user);
  }
  return plain;
}
