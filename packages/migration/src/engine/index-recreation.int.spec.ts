import { query, useEmbeddedPostgres } from '../testing/database';
import { diffDatabaseToSchema } from './operations';

const pg = useEmbeddedPostgres();

/** Trigger.dev's SecretStore, as its schema declares it: a B-tree index with a raw operator class. */
const schema = (ops: string) => [
  {
    path: 'schema.prisma',
    content: `datasource db {\n  provider = "postgresql"\n}\n\nmodel SecretStore {\n  key   String @unique\n  value Json\n\n  @@index([key(ops: raw("${ops}"))], type: BTree)\n}\n`,
  },
];

describe('the drift check and indexes Prisma cannot compare', () => {
  it('reports no drift when the database holds exactly the index the schema asks for (Prisma would drop and recreate it on every check)', async () => {
    const url = await pg.freshDatabase();
    await query(url, `CREATE TABLE "SecretStore" ("key" TEXT NOT NULL, "value" JSONB NOT NULL);
      CREATE UNIQUE INDEX "SecretStore_key_key" ON "SecretStore"("key");
      CREATE INDEX "SecretStore_key_idx" ON "SecretStore"("key" text_pattern_ops);`);

    expect(await diffDatabaseToSchema({ url }, schema('text_pattern_ops'))).toBe('');
  });

  it('still reports the index when its definition differs', async () => {
    const url = await pg.freshDatabase();
    await query(url, `CREATE TABLE "SecretStore" ("key" TEXT NOT NULL, "value" JSONB NOT NULL);
      CREATE UNIQUE INDEX "SecretStore_key_key" ON "SecretStore"("key");
      CREATE INDEX "SecretStore_key_idx" ON "SecretStore"("key" varchar_pattern_ops);`);

    const drift = await diffDatabaseToSchema({ url }, schema('text_pattern_ops'));
    expect(drift).toContain('DROP INDEX "SecretStore_key_idx";');
    expect(drift).toContain('CREATE INDEX "SecretStore_key_idx" ON "SecretStore"("key" text_pattern_ops);');
  });
});
