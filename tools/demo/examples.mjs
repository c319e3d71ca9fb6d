// The seed's three examples: the nx g command of each, and what the database must hold once it is
// applied and once it is rolled back. A check that does not hold throws, and the demo fails.
import { columnType, countWhere, indexesOn, SEED, tableDigest, valueCounts } from './database.mjs';
import { DemoFailure } from './workspace.mjs';

const n = (value) => value.toLocaleString('en-US');

function check(condition, message) {
  if (!condition) throw new DemoFailure(`Data check failed: ${message}`);
}

/** After a rollback every row of the table is exactly as before the change. */
async function rowsUnchanged(client, table, before) {
  const after = await tableDigest(client, table);
  check(after.rows === before.rows && after.digest === before.digest, `${table} rows differ from before the change (md5 of every row)`);
  return `${n(after.rows)} ${table} rows identical to before (md5 of every row)`;
}

const STATUS_MAP = { pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' };
const counts = (byValue) => Object.entries(byValue).map(([value, count]) => `${value} ${n(count)}`).join(', ');

export const EXAMPLES = [
  {
    title: 'Add the optional `preferences` JSON column to User',
    generate: ['g', '@forge/migration:add-column', '--targetTable', 'User', '--name', 'preferences', '--type', 'Json', '--optional', '--rows', String(SEED.users)],
    snapshot: async (client) => tableDigest(client, 'User'),
    async applied(client, before) {
      const type = await columnType(client, 'User', 'preferences');
      check(type === 'jsonb', `User.preferences should be jsonb, is ${type ?? 'missing'}`);
      const nulls = await countWhere(client, 'User', '"preferences" IS NULL');
      check(nulls === before.rows, `User.preferences should be NULL in all ${before.rows} rows, is in ${nulls}`);
      return `User.preferences is jsonb, NULL in all ${n(nulls)} rows`;
    },
    async original(client, before) {
      check((await columnType(client, 'User', 'preferences')) === null, 'User.preferences is still there after the rollback');
      return `User.preferences gone; ${await rowsUnchanged(client, 'User', before)}`;
    },
  },
  {
    title: 'Composite index on AuditLog(tenantId, createdAt)',
    generate: ['g', '@forge/migration:add-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt', '--rows', String(SEED.auditLogs)],
    snapshot: async (client) => tableDigest(client, 'AuditLog'),
    async applied(client, before) {
      const indexes = await indexesOn(client, 'AuditLog', ['tenantId', 'createdAt']);
      check(indexes.length === 1 && indexes[0].valid, `one valid index on AuditLog(tenantId, createdAt) expected, found ${JSON.stringify(indexes)}`);
      return `index ${indexes[0].name} is valid, over ${n(before.rows)} AuditLog rows`;
    },
    async original(client, before) {
      const indexes = await indexesOn(client, 'AuditLog', ['tenantId', 'createdAt']);
      check(indexes.length === 0, `the index is still there after the rollback: ${indexes.map((i) => i.name).join(', ')}`);
      return `index gone; ${await rowsUnchanged(client, 'AuditLog', before)}`;
    },
  },
  {
    title: 'Order.status from free text to an enum, with a data migration',
    generate: [
      'g', '@forge/migration:migration', '--migrationName', 'order-status-enum', '--changeType', 'modify_column', '--targetTable', 'Order',
      '--changes', JSON.stringify({ column: 'status', type: 'OrderStatus', map: STATUS_MAP }), '--rows', String(SEED.orders),
    ],
    snapshot: async (client) => ({ ...(await tableDigest(client, 'Order')), statuses: await valueCounts(client, 'Order', 'status') }),
    async applied(client, before) {
      const type = await columnType(client, 'Order', 'status');
      check(type === '"OrderStatus"', `Order.status should be "OrderStatus", is ${type}`);
      const now = await valueCounts(client, 'Order', 'status');
      const expected = Object.fromEntries(Object.entries(before.statuses).map(([value, count]) => [STATUS_MAP[value], count]));
      check(JSON.stringify(sorted(now)) === JSON.stringify(sorted(expected)), `Order.status counts ${JSON.stringify(now)}, expected ${JSON.stringify(expected)}`);
      return `Order.status is "OrderStatus": ${counts(sorted(now))} (every row mapped)`;
    },
    async original(client, before) {
      const type = await columnType(client, 'Order', 'status');
      check(type === 'text', `Order.status should be text again, is ${type}`);
      const now = await valueCounts(client, 'Order', 'status');
      check(JSON.stringify(now) === JSON.stringify(before.statuses), `Order.status counts ${JSON.stringify(now)}, before ${JSON.stringify(before.statuses)}`);
      return `original strings back: ${counts(now)}; ${await rowsUnchanged(client, 'Order', before)}`;
    },
  },
];

function sorted(byValue) {
  return Object.fromEntries(Object.entries(byValue).sort(([a], [b]) => a.localeCompare(b)));
}
