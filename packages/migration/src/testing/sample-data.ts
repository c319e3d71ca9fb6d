import { query } from './database';

export interface SampleRowCounts {
  tenants?: number;
  users?: number;
  products?: number;
  orders?: number;
  auditLogs?: number;
}

/** Fills the sample schema's tables with realistic rows, set-based (fast even for 100k+ rows). */
export async function seedSampleData(url: string, counts: SampleRowCounts = {}): Promise<void> {
  const { tenants = 5, users = 200, products = 50, orders = 1000, auditLogs = 5000 } = counts;
  await query(
    url,
    `
    INSERT INTO "Tenant"(slug, name, plan) SELECT 'tenant-' || g, 'Tenant ' || g, CASE WHEN g % 3 = 0 THEN 'pro' ELSE 'free' END FROM generate_series(1, ${tenants}) g;
    INSERT INTO "User"("tenantId", email, name, role, "updatedAt")
      SELECT 1 + g % ${tenants}, 'user' || g || '@example.com', CASE WHEN g % 4 = 0 THEN NULL ELSE 'User ' || g END,
             CASE WHEN g % 10 = 0 THEN 'admin' ELSE 'member' END, now() FROM generate_series(1, ${users}) g;
    INSERT INTO "Product"(sku, title, "priceCents", active) SELECT 'SKU-' || g, 'Product ' || g, 100 * g, g % 7 <> 0 FROM generate_series(1, ${products}) g;
    INSERT INTO "Order"("tenantId", "userId", status, "totalCents", note, "createdAt")
      SELECT 1 + g % ${tenants}, 1 + g % ${users}, (ARRAY['pending','paid','shipped','cancelled'])[1 + g % 4], 500 + g,
             CASE WHEN g % 5 = 0 THEN 'gift; wrap it' ELSE NULL END, now() - (g || ' minutes')::interval FROM generate_series(1, ${orders}) g;
    INSERT INTO "OrderItem"("orderId", "productId", quantity, "priceCents") SELECT 1 + g % ${orders}, 1 + g % ${products}, 1 + g % 3, 100 FROM generate_series(1, ${orders * 2}) g;
    INSERT INTO "AuditLog"("tenantId", "userId", action, payload, "createdAt")
      SELECT 1 + g % ${tenants}, CASE WHEN g % 9 = 0 THEN NULL ELSE 1 + g % ${users} END, (ARRAY['login','update','delete'])[1 + g % 3],
             jsonb_build_object('n', g), now() - (g || ' seconds')::interval FROM generate_series(1, ${auditLogs}) g;
    ANALYZE;
    `,
  );
}
