// The demo's view of the workspace database: the same embedded PostgreSQL the nx commands use
// (started for the moment of a query, as they do), the seed rows, and the queries that check the data.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { selectDatabase } = require('@forge/migration/dist/runtime/database-selection.js');
const { silentLogger } = require('@forge/migration/dist/runtime/logger.js');
const { withClient } = require('@forge/migration/dist/runtime/pg-client.js');

/** Rows seeded after the baseline; the generators are told these sizes (--rows) for their safety reports. */
export const SEED = { tenants: 10, users: 2_000, orders: 5_000, auditLogs: 20_000 };

/** Order.status as an application writes it today: free text, most orders shipped. */
export const STATUS_SHARES = { shipped: 11, paid: 4, pending: 3, cancelled: 2 };

/** Runs `fn(client)` on the workspace's embedded database (project prisma), stopping it afterwards. */
export async function withWorkspaceDatabase(root, fn) {
  const database = await selectDatabase({ workspaceRoot: root, projectName: 'prisma', embedded: 'workspace', logger: silentLogger });
  try {
    return await withClient(database.url, fn);
  } finally {
    await database.release();
  }
}

/** Tenants, users, orders with realistic status strings, and an audit log, all in one statement batch. */
export async function seed(client) {
  const shares = Object.entries(STATUS_SHARES);
  const total = shares.reduce((sum, [, share]) => sum + share, 0);
  let upper = 0;
  const statusCase = shares.map(([status, share]) => `WHEN g % ${total} < ${(upper += share)} THEN '${status}'`).join(' ');
  await client.query(`
    INSERT INTO "Tenant"(slug, name) SELECT 't' || g, 'Tenant ' || g FROM generate_series(1, ${SEED.tenants}) g;
    INSERT INTO "User"("tenantId", email, name, "updatedAt")
      SELECT 1 + g % ${SEED.tenants}, 'user' || g || '@example.com', 'User ' || g, now() FROM generate_series(1, ${SEED.users}) g;
    INSERT INTO "Order"("tenantId", "userId", status, "totalCents", "createdAt")
      SELECT 1 + g % ${SEED.tenants}, 1 + g % ${SEED.users}, CASE ${statusCase} END, 100 + g % 9000, now() - g * interval '1 minute'
      FROM generate_series(1, ${SEED.orders}) g;
    INSERT INTO "AuditLog"("tenantId", "userId", action, "createdAt")
      SELECT 1 + g % ${SEED.tenants}, 1 + g % ${SEED.users}, (ARRAY['login', 'order.created', 'order.paid'])[1 + g % 3], now() - g * interval '1 second'
      FROM generate_series(1, ${SEED.auditLogs}) g;
    ANALYZE;`);
}

/** Row count and an md5 over every row as JSON (key order independent: a swap may move a column). */
export async function tableDigest(client, table) {
  const { rows } = await client.query(`SELECT count(*)::int AS rows, md5(string_agg(md5(to_jsonb(t)::text), '' ORDER BY id)) AS digest FROM "${table}" t`);
  return rows[0];
}

/** The column's SQL type (format_type), or null when it does not exist. */
export async function columnType(client, table, column) {
  const { rows } = await client.query(
    `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND attnum > 0 AND NOT attisdropped`,
    [`"${table}"`, column],
  );
  return rows[0]?.type ?? null;
}

export async function countWhere(client, table, condition) {
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${condition}`);
  return rows[0].n;
}

/** Indexes of the table over exactly these columns, with their validity. */
export async function indexesOn(client, table, columns) {
  const { rows } = await client.query(
    `SELECT c.relname AS name, i.indisvalid AS valid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass
        AND (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) = $2::text[]`,
    [`"${table}"`, columns],
  );
  return rows;
}

/** How many rows hold each value of the column, as text: { pending: 750, … }. */
export async function valueCounts(client, table, column) {
  const { rows } = await client.query(`SELECT "${column}"::text AS value, count(*)::int AS n FROM "${table}" GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map((r) => [r.value, r.n]));
}
