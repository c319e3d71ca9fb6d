// The generator history of bench/validate-history (and bench/validate-speed's cold run): changes
// applied one after another to the sample schema, every change type, multi-step ones included.
const STATUS_MAP = JSON.stringify({ pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' });

/** Changes applied one after another to the sample schema; the history is cut once it holds MIGRATIONS folders. */
export const HISTORY = [
  ['add-column', '--targetTable', 'User', '--name', 'preferences', '--type', 'Json', '--optional'],
  ['add-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt'],
  ['modify-column', '--targetTable', 'Order', '--column', 'status', '--type', 'OrderStatus', `--map=${STATUS_MAP}`],
  ['add-table', '--name', 'Coupon', '--fields=[{"name":"code","type":"String","unique":true},{"name":"percentOff","type":"Int","default":"10"}]', '--relations=[{"field":"tenant","references":"Tenant"}]'],
  ['add-relation', '--targetTable', 'Order', '--field', 'coupon', '--references', 'Coupon', '--optional'],
  ['add-column', '--targetTable', 'User', '--name', 'locale', '--type', 'String', '--backfillValue', 'en'],
  ['rename', '--targetTable', 'Order', '--field', 'note', '--to', 'comment'],
  ['remove-index', '--targetTable', 'Order', '--fields', 'tenantId,createdAt'],
  ['remove-column', '--targetTable', 'User', '--column', 'name', '--confirmDataLoss'],
  ['add-column', '--targetTable', 'Product', '--name', 'description', '--type', 'String', '--optional'],
  ['modify-column', '--targetTable', 'Product', '--column', 'priceCents', '--type', 'BigInt'],
  ['add-table', '--name', 'Invoice', '--fields=[{"name":"number","type":"String","unique":true},{"name":"totalCents","type":"Int"}]', '--relations=[{"field":"order","references":"Order"}]'],
  ['remove-relation', '--targetTable', 'Order', '--field', 'coupon'],
  ['remove-table', '--targetTable', 'Coupon', '--confirmDataLoss'],
  ['rename', '--targetTable', 'OrderItem', '--to', 'LineItem'],
  ['add-index', '--targetTable', 'User', '--fields', 'createdAt'],
  ['modify-column', '--targetTable', 'Tenant', '--column', 'plan', '--default', 'pro'],
  ['remove-column', '--targetTable', 'AuditLog', '--column', 'payload', '--confirmDataLoss'],
  ['add-relation', '--targetTable', 'Invoice', '--field', 'approver', '--references', 'User', '--optional'],
  ['add-column', '--targetTable', 'Invoice', '--name', 'paidAt', '--type', 'DateTime', '--optional'],
  ['add-index', '--targetTable', 'Invoice', '--fields', 'paidAt'],
  ['rename', '--targetTable', 'Product', '--field', 'title', '--to', 'name'],
  ['add-column', '--targetTable', 'Tenant', '--name', 'country', '--type', 'String', '--optional'],
  ['add-column', '--targetTable', 'AuditLog', '--name', 'ip', '--type', 'String', '--optional'],
  ['remove-index', '--targetTable', 'User', '--fields', 'createdAt'],
  ['add-column', '--targetTable', 'Order', '--name', 'currency', '--type', 'String', '--default', 'EUR'],
];

