import { touchedTables } from './touched-tables';

describe('touchedTables', () => {
  it('finds the tables a migration alters, indexes, writes, reads from or references', () => {
    const sql = `
      SET LOCAL lock_timeout = '5s';
      ALTER TABLE "User" ADD COLUMN "x" TEXT;
      CREATE INDEX CONCURRENTLY "i" ON "AuditLog"("tenantId");
      UPDATE "Order" SET note = 'a;b';
      CREATE TABLE "_forge_backup"."User__email__1" AS SELECT "id", "email" FROM "Profile" WITH NO DATA;
      INSERT INTO "_forge_backup".x SELECT id FROM "Product";
      ALTER TABLE "OrderItem" ADD CONSTRAINT f FOREIGN KEY ("orderId") REFERENCES "Tenant"("id") NOT VALID;
      DROP TABLE IF EXISTS "Old", "Older" CASCADE;`;
    expect(touchedTables(sql).sort()).toEqual(['AuditLog', 'Old', 'Older', 'Order', 'OrderItem', 'Product', 'Profile', 'Tenant', 'User'].sort());
  });
});
