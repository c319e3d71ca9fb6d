import type { ChangeType } from '../generators/migration/change-types';

/**
 * Hand edits of the sample schema, as a Prisma user types them, each with the generator call that
 * makes the same change: `dev` on the edit must write what the generator writes.
 */
export interface HandEdit {
  type: ChangeType;
  /** The edit, as text replacements on the sample schema.prisma. */
  edit: (schema: string) => string;
  /** The matching generator's options (`migrationName` added by the test). */
  generator: Record<string, unknown>;
  /** dev's flags for the decisions the edit needs. */
  dev?: Record<string, unknown>;
}

/** Replaces `from` (which must be there) by `to`. */
export function replace(schema: string, from: string, to: string): string {
  if (!schema.includes(from)) throw new Error(`hand edit: ${JSON.stringify(from)} is not in the schema`);
  return schema.replace(from, to);
}

export const HAND_EDITS: HandEdit[] = [
  {
    type: 'add_column',
    edit: (s) => replace(s, '  role      String     @default("member")\n', '  role      String     @default("member")\n  preferences Json?\n'),
    generator: { targetTable: 'User', name: 'preferences', type: 'Json', optional: true },
  },
  {
    type: 'remove_column',
    edit: (s) => replace(s, '  note       String?\n', ''),
    generator: { targetTable: 'Order', column: 'note', confirmDataLoss: true },
    dev: { confirmDataLoss: true },
  },
  {
    type: 'modify_column',
    edit: (s) => replace(s, '@db.VarChar(32)', '@db.VarChar(64)'),
    generator: { targetTable: 'Product', column: 'sku', dbType: 'VarChar(64)' },
  },
  {
    type: 'add_index',
    edit: (s) => replace(s, '  createdAt DateTime @default(now())\n}', '  createdAt DateTime @default(now())\n\n  @@index([tenantId, createdAt])\n}'),
    generator: { targetTable: 'AuditLog', fields: 'tenantId,createdAt', name: 'AuditLog_tenantId_createdAt_idx' },
  },
  {
    type: 'remove_index',
    edit: (s) => replace(s, '\n  @@index([tenantId, createdAt])\n', ''),
    generator: { targetTable: 'Order', fields: 'tenantId,createdAt' },
  },
  {
    type: 'add_table',
    edit: (s) => `${s}\nmodel Coupon {\n  id   Int    @id @default(autoincrement())\n  code String @unique\n}\n`,
    generator: { name: 'Coupon', fields: [{ name: 'code', type: 'String', unique: true }] },
  },
  {
    type: 'remove_table',
    edit: (s) => replace(replace(replace(s, s.slice(s.indexOf('/// Append-only record')), ''), '  auditLogs AuditLog[]\n', ''), '  auditLogs AuditLog[]\n', ''),
    generator: { targetTable: 'AuditLog', confirmDataLoss: true },
    dev: { confirmDataLoss: true },
  },
  {
    type: 'add_relation',
    edit: (s) =>
      replace(
        replace(s, '  auditLogs AuditLog[]\n}', '  auditLogs AuditLog[]\n  products  Product[]\n}'),
        '  items      OrderItem[]\n}',
        '  items      OrderItem[]\n  tenantId   Int?\n  tenant     Tenant?     @relation(fields: [tenantId], references: [id])\n\n  @@index([tenantId])\n}',
      ),
    generator: { targetTable: 'Product', field: 'tenant', references: 'Tenant', optional: true, indexName: 'Product_tenantId_idx' },
  },
  {
    type: 'remove_relation',
    edit: (s) => replace(replace(s, '  user      User?    @relation(fields: [userId], references: [id])\n', ''), '  orders    Order[]\n  auditLogs AuditLog[]\n\n  @@index([tenantId])', '  orders    Order[]\n\n  @@index([tenantId])'),
    generator: { targetTable: 'AuditLog', field: 'user' },
  },
  {
    type: 'rename',
    edit: (s) => replace(s, '  name      String?\n', '  displayName String?\n'),
    generator: { targetTable: 'User', field: 'name', to: 'displayName' },
    dev: { rename: 'User.name=displayName' },
  },
];
