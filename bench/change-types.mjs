// One representative `nx g @forge/migration:<type>` per change type, each valid on the sample
// project's baseline schema (packages/prisma), with the SQL its bare engine diff must contain.
// The seed's three examples are used where they exist (User.preferences, the AuditLog index,
// Order.status → enum); the options come from each generator's schema.json and spec.
const STATUS_MAP = JSON.stringify({ pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' });

export const CHANGE_TYPES = [
  { type: 'add-column', args: ['--targetTable', 'User', '--name', 'preferences', '--type', 'Json', '--optional'], diff: 'ADD COLUMN' },
  { type: 'remove-column', args: ['--targetTable', 'User', '--column', 'name', '--confirmDataLoss'], diff: 'DROP COLUMN' },
  { type: 'modify-column', args: ['--targetTable', 'Order', '--column', 'status', '--type', 'OrderStatus', `--map=${STATUS_MAP}`], diff: 'CREATE TYPE' },
  { type: 'add-index', args: ['--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt'], diff: 'CREATE INDEX' },
  { type: 'remove-index', args: ['--targetTable', 'Order', '--fields', 'tenantId,createdAt'], diff: 'DROP INDEX' },
  {
    type: 'add-table',
    args: [
      '--name',
      'Coupon',
      '--fields=[{"name":"code","type":"String","unique":true},{"name":"percentOff","type":"Int","default":"10"}]',
      '--relations=[{"field":"tenant","references":"Tenant","onDelete":"Cascade"}]',
    ],
    diff: 'CREATE TABLE',
  },
  { type: 'remove-table', args: ['--targetTable', 'AuditLog', '--confirmDataLoss'], diff: 'DROP TABLE' },
  { type: 'add-relation', args: ['--targetTable', 'Order', '--field', 'approver', '--references', 'User', '--optional'], diff: 'FOREIGN KEY' },
  { type: 'remove-relation', args: ['--targetTable', 'Order', '--field', 'user'], diff: 'DROP CONSTRAINT' },
  { type: 'rename', args: ['--targetTable', 'Order', '--field', 'note', '--to', 'comment'], diff: 'comment' },
];

/** The command line of one change, for tables. */
export function describeArgs(args) {
  return args.map((a) => (a.length > 40 ? `${a.slice(0, 37)}…` : a)).join(' ');
}
