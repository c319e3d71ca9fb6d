// The sample schema on a real PostgreSQL 15 (embedded), its big tables filled with N rows once, in
// a template database; every run gets its own copy (CREATE DATABASE … TEMPLATE copies files, far
// faster than filling again), so every migration starts from the same state.
import { BASELINE, generateChange, loadDist } from './lib-changes.mjs';

const { withDatabase } = loadDist('engine/connection.js');
const { startEmbeddedPostgres } = loadDist('engine/embedded-postgres.js');
const { migrate } = loadDist('runtime/migrate.js');
/** `withClient(url, fn)`: `fn` with a connected client, always closed afterwards. */
export const { withClient } = loadDist('runtime/pg-client.js');

const TEMPLATE = 'bench_template';
const TENANTS = 100;

/**
 * Starts the server and fills the template: baseline applied by `migrate` (so `_prisma_migrations`
 * records it), then `rows` rows in each of User, Product, Order and AuditLog.
 */
export async function startSampleDatabases(rows) {
  const server = await startEmbeddedPostgres();
  const urlOf = (name) => withDatabase(server.url, name);
  let copies = 0;
  try {
    await query(server.url, `CREATE DATABASE ${TEMPLATE}`);
    const project = await generateChange(undefined);
    try {
      const baseline = await migrate(project.target(urlOf(TEMPLATE)), {
        to: BASELINE,
      });
      if (baseline.error) throw baseline.error;
    } finally {
      project.dispose();
    }
    await query(urlOf(TEMPLATE), fillSql(rows));
    await query(urlOf(TEMPLATE), 'VACUUM ANALYZE');
    await query(server.url, 'CHECKPOINT');
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    /** A fresh copy of the filled template; returns its URL. */
    async copy() {
      const name = `bench_${++copies}`;
      // An autovacuum worker may still be connected to the template for a moment.
      for (let attempt = 0; ; attempt++) {
        try {
          await query(server.url, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE} STRATEGY FILE_COPY`);
          break;
        } catch (error) {
          if (attempt >= 20 || !/being accessed by other users/.test(error.message)) throw error;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      await query(server.url, 'CHECKPOINT');
      return urlOf(name);
    },
    async drop(url) {
      await query(server.url, `DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
    },
    stop: () => server.stop(),
  };
}

/** Set-based fill, like the test helper seedSampleData, with `rows` rows in each big table. */
function fillSql(rows) {
  return `
    INSERT INTO "Tenant"(slug, name) SELECT 'tenant-' || g, 'Tenant ' || g FROM generate_series(1, ${TENANTS}) g;
    INSERT INTO "User"("tenantId", email, name, role, "updatedAt")
      SELECT 1 + g % ${TENANTS}, 'user' || g || '@example.com', CASE WHEN g % 4 = 0 THEN NULL ELSE 'User ' || g END,
             CASE WHEN g % 10 = 0 THEN 'admin' ELSE 'member' END, now() FROM generate_series(1, ${rows}) g;
    INSERT INTO "Product"(sku, title, "priceCents", active) SELECT 'SKU-' || g, 'Product ' || g, 100 * (g % 1000), g % 7 <> 0 FROM generate_series(1, ${rows}) g;
    INSERT INTO "Order"("tenantId", "userId", status, "totalCents", note, "createdAt")
      SELECT 1 + g % ${TENANTS}, 1 + g % ${rows}, (ARRAY['pending','paid','shipped','cancelled'])[1 + g % 4], 500 + g % 100000,
             CASE WHEN g % 5 = 0 THEN 'gift; wrap it' ELSE NULL END, now() - (g || ' minutes')::interval FROM generate_series(1, ${rows}) g;
    INSERT INTO "AuditLog"("tenantId", "userId", action, payload, "createdAt")
      SELECT 1 + g % ${TENANTS}, CASE WHEN g % 9 = 0 THEN NULL ELSE 1 + g % ${rows} END, (ARRAY['login','update','delete'])[1 + g % 3],
             jsonb_build_object('n', g), now() - (g || ' seconds')::interval FROM generate_series(1, ${rows}) g;`;
}

/** One statement (or script) on its own connection. */
async function query(url, sql, params) {
  return withClient(url, (db) => db.query(sql, params));
}
