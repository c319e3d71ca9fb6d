import { renameGenerator } from '../generators/rename/generator';
import { migrate } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree } from '../testing/sample-tree';

const pg = useEmbeddedPostgres();

/**
 * What each application version's Prisma Client sends: it names exactly the columns its schema
 * knows, leaves database defaults out of inserts, and reads back what it knows (RETURNING).
 */
const previousVersion = {
  insertUser: (n: number) => `INSERT INTO "User" ("tenantId", email, "updatedAt") VALUES (1, 'old-${n}@example.com', now()) RETURNING id, role`,
  promote: (id: number) => `UPDATE "User" SET role = 'admin', "updatedAt" = now() WHERE id = ${id} RETURNING role`,
  insertOrder: (user: number) => `INSERT INTO "Order" ("tenantId", "userId", "totalCents") VALUES (1, ${user}, 100) RETURNING id, status`,
  insertProduct: (n: number) => `INSERT INTO "Product" (sku, title, "priceCents") VALUES ('OLD-${n}', 'Old ${n}', 5) RETURNING id, active`,
  upsertProduct: (n: number) => `INSERT INTO "Product" (sku, title, "priceCents") VALUES ('OLD-${n}', 'Again ${n}', 6) ON CONFLICT (sku) DO UPDATE SET title = EXCLUDED.title RETURNING id, title`,
  readUsers: `SELECT id, email, name, role FROM "User" ORDER BY id LIMIT 5`,
};
const newVersion = {
  insertUser: (n: number) => `INSERT INTO "User" ("tenantId", email, "updatedAt", kind) VALUES (1, 'new-${n}@example.com', now(), 'owner') RETURNING id, kind`,
  insertUserWithDefault: (n: number) => `INSERT INTO "User" ("tenantId", email, "updatedAt") VALUES (1, 'newd-${n}@example.com', now()) RETURNING id, kind`,
  demote: (id: number) => `UPDATE "User" SET kind = 'guest', "updatedAt" = now() WHERE id = ${id} RETURNING kind`,
  insertOrder: (user: number) => `INSERT INTO "Order" ("tenantId", "userId", "totalCents", state) VALUES (1, ${user}, 100, 'paid') RETURNING id, state`,
  insertItem: (n: number) => `INSERT INTO "Item" (sku, title, "priceCents") VALUES ('NEW-${n}', 'New ${n}', 5) RETURNING id, active`,
};

async function one<Row = Record<string, unknown>>(url: string, sql: string): Promise<Row> {
  const [row] = await query(url, sql);
  return row as Row;
}

/** The sample project with `renames` generated, the baseline applied and seeded, and `migrate --phase expand` run. */
async function expanded(renames: Parameters<typeof renameGenerator>[1][]) {
  const tree = createSampleTree();
  for (const options of renames) await renameGenerator(tree, options);
  const ws = writeDiskWorkspace(tree);
  const url = await pg.freshDatabase();
  expect((await migrate(ws.target(url), { to: BASELINE })).error).toBeUndefined();
  await seedSampleData(url, { users: 60, orders: 200 });
  const expand = await migrate(ws.target(url), { phase: 'expand' });
  expect(expand.error).toBeUndefined();
  return { ws, url, expand };
}

const names = (migrations: string[]) => migrations.map((m) => m.replace(/^\d+_/, ''));

describe('rename across a rolling deploy (expand → both versions → contract → down)', () => {
  it('a column: between expand and contract both application versions read and write, concurrently, and the two columns never differ', async () => {
    const { ws, url, expand } = await expanded([{ targetTable: 'User', field: 'role', to: 'kind' }]);
    try {
      expect(names(expand.steps.filter((s) => s.kind === 'sql').map((s) => s.migration))).toEqual(['rename_user_role_to_kind_expand']);
      expect(names(expand.heldBack)).toEqual(['rename_user_role_to_kind']);
      // The batched copy filled every existing row.
      expect(await query(url, `SELECT count(*)::int AS n FROM "User" WHERE kind IS DISTINCT FROM role`)).toEqual([{ n: 0 }]);

      // Each version's own view of its writes, one by one.
      const old = await one<{ id: number; role: string }>(url, previousVersion.insertUser(0));
      expect(old.role).toBe('member');
      expect(await one(url, `SELECT kind FROM "User" WHERE id = ${old.id}`)).toEqual({ kind: 'member' });
      const fresh = await one<{ id: number; kind: string }>(url, newVersion.insertUser(0));
      expect(await one(url, `SELECT role FROM "User" WHERE id = ${fresh.id}`)).toEqual({ role: 'owner' });
      expect(await one(url, newVersion.insertUserWithDefault(0))).toMatchObject({ kind: 'member' });
      expect(await one(url, newVersion.demote(old.id))).toEqual({ kind: 'guest' });
      expect(await one(url, `SELECT role FROM "User" WHERE id = ${old.id}`)).toEqual({ role: 'guest' });
      expect(await one(url, previousVersion.promote(fresh.id))).toEqual({ role: 'admin' });
      expect(await one(url, `SELECT kind FROM "User" WHERE id = ${fresh.id}`)).toEqual({ kind: 'admin' });

      // Both versions at once, as during the rollout.
      const rounds = 40;
      const oldWriter = async () => {
        for (let n = 1; n <= rounds; n++) {
          const user = await one<{ id: number }>(url, previousVersion.insertUser(n));
          await query(url, previousVersion.promote(user.id - 1));
          await query(url, previousVersion.readUsers);
        }
      };
      const newWriter = async () => {
        for (let n = 1; n <= rounds; n++) {
          const user = await one<{ id: number }>(url, newVersion.insertUser(n));
          await query(url, newVersion.demote(user.id - 1));
        }
      };
      await Promise.all([oldWriter(), newWriter()]);
      expect(await query(url, `SELECT count(*)::int AS n FROM "User" WHERE kind IS DISTINCT FROM role OR kind IS NULL`)).toEqual([{ n: 0 }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM "User" WHERE email LIKE 'old-%' OR email LIKE 'new-%'`)).toEqual([{ n: 2 * rounds + 2 }]);
      const before = await query(url, `SELECT id, role FROM "User" ORDER BY id`);

      // After the rollout: contract. The previous version now fails, as its phase said; NOT NULL and the default moved over.
      const contract = await migrate(ws.target(url), { phase: 'contract' });
      expect(contract.error).toBeUndefined();
      await expect(query(url, previousVersion.insertUser(99))).rejects.toThrow(/column "role" (of relation "User" )?does not exist/);
      expect(await one(url, newVersion.insertUserWithDefault(99))).toMatchObject({ kind: 'member' });
      await expect(query(url, `INSERT INTO "User" ("tenantId", email, "updatedAt", kind) VALUES (1, 'null@example.com', now(), NULL)`)).rejects.toThrow(/null value in column "kind"/);
      await query(url, `DELETE FROM "User" WHERE email = 'newd-99@example.com'`);

      // Rolling back the contract brings the old column back with every value; rolling back the expand keeps them.
      const down = await migrateDown(ws.target(url), 2);
      expect(down.error).toBeUndefined();
      expect(await query(url, `SELECT id, role FROM "User" ORDER BY id`)).toEqual(before);
      expect(await query(url, `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'User' AND column_name IN ('role', 'kind')`)).toEqual([{ c: 'role' }]);
      expect(await one(url, previousVersion.insertUser(100))).toMatchObject({ role: 'member' });
    } finally {
      ws.remove();
    }
  });

  it('a required column with a default (Order.status → state): both versions insert, the previous one without the new name', async () => {
    const { ws, url } = await expanded([{ targetTable: 'Order', field: 'status', to: 'state' }]);
    try {
      const [{ n: paid }] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "Order" WHERE status = 'paid'`);
      await Promise.all([
        (async () => {
          for (let n = 0; n < 30; n++) expect(await one(url, previousVersion.insertOrder(1))).toMatchObject({ status: 'pending' });
        })(),
        (async () => {
          for (let n = 0; n < 30; n++) expect(await one(url, newVersion.insertOrder(1))).toMatchObject({ state: 'paid' });
        })(),
      ]);
      expect(await query(url, `SELECT count(*)::int AS n FROM "Order" WHERE state IS DISTINCT FROM status OR state IS NULL`)).toEqual([{ n: 0 }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM "Order" WHERE status = 'paid'`)).toEqual([{ n: paid + 30 }]);
      expect((await migrate(ws.target(url), { phase: 'contract' })).error).toBeUndefined();
      expect(await query(url, `SELECT column_default AS d, is_nullable AS n FROM information_schema.columns WHERE table_name = 'Order' AND column_name = 'state'`)).toEqual([
        { d: "'pending'::text", n: 'NO' },
      ]);
    } finally {
      ws.remove();
    }
  });

  it('a table: the previous version reads and writes through the view under the old name (defaults, sequence, upsert, delete)', async () => {
    const { ws, url, expand } = await expanded([{ targetTable: 'Product', to: 'Item' }]);
    try {
      expect(names(expand.heldBack)).toEqual(['rename_product_to_item']);
      const product = await one<{ id: number; active: boolean }>(url, previousVersion.insertProduct(0));
      expect(product.active).toBe(true);
      expect(await one(url, previousVersion.upsertProduct(0))).toEqual({ id: product.id, title: 'Again 0' });
      expect(await one(url, `SELECT title FROM "Item" WHERE id = ${product.id}`)).toEqual({ title: 'Again 0' });
      // One sequence for both names (the upsert above drew a value too).
      expect((await one<{ id: number }>(url, newVersion.insertItem(0))).id).toBe(product.id + 2);
      expect(await query(url, `DELETE FROM "Product" WHERE sku = 'NEW-0' RETURNING sku`)).toEqual([{ sku: 'NEW-0' }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM "OrderItem" oi JOIN "Product" p ON p.id = oi."productId"`)).toEqual(
        await query(url, `SELECT count(*)::int AS n FROM "OrderItem"`),
      );

      expect((await migrate(ws.target(url), { phase: 'contract' })).error).toBeUndefined();
      await expect(query(url, previousVersion.insertProduct(99))).rejects.toThrow('relation "Product" does not exist');
      expect((await migrateDown(ws.target(url), 1)).error).toBeUndefined();
      expect(await one(url, `SELECT title FROM "Product" WHERE id = ${product.id}`)).toEqual({ title: 'Again 0' });
      expect((await migrateDown(ws.target(url), 1)).error).toBeUndefined();
      expect(await query(url, `SELECT table_type FROM information_schema.tables WHERE table_name = 'Product'`)).toEqual([{ table_type: 'BASE TABLE' }]);
    } finally {
      ws.remove();
    }
  });

  it('several changes with contracts in one release: expand stops at the first contract, so each further expand waits for the one before it', async () => {
    const { ws, expand } = await expanded([
      { targetTable: 'User', field: 'role', to: 'kind' },
      { targetTable: 'Product', to: 'Item' },
    ]);
    try {
      expect(names(expand.heldBack)).toEqual(['rename_user_role_to_kind', 'rename_product_to_item_expand', 'rename_product_to_item']);
    } finally {
      ws.remove();
    }
  });
});
