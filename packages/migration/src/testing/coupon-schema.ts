/**
 * A `Coupon` model for remove-table tests, added to the sample schema: an enum only it uses
 * (`CouponKind`, also as a list), a unique code, its own foreign key to Tenant, an optional
 * relation from Order (`Order.couponId`), a self-relation (`parentId`) and an implicit many-to-many
 * with `Tag`.
 */
export function withCoupon(schema: string): string {
  return schema
    .replace(
      'model OrderItem {',
      `enum CouponKind {
  percent
  fixed
}

/// A discount code.
model Coupon {
  id       Int          @id @default(autoincrement())
  code     String       @unique @db.VarChar(32)
  kind     CouponKind   @default(percent)
  kinds    CouponKind[]
  tenantId Int
  tenant   Tenant       @relation(fields: [tenantId], references: [id])
  orders   Order[]
  tags     Tag[]
  parentId Int?
  parent   Coupon?      @relation("CouponFamily", fields: [parentId], references: [id])
  children Coupon[]     @relation("CouponFamily")

  @@index([tenantId])
}

model Tag {
  id      Int      @id @default(autoincrement())
  label   String
  coupons Coupon[]
}

model OrderItem {`,
    )
    .replace(
      '  items      OrderItem[]\n\n  @@index([tenantId, createdAt])',
      '  items      OrderItem[]\n  couponId   Int?\n  /// The coupon applied.\n  coupon     Coupon?     @relation(fields: [couponId], references: [id])\n\n  @@index([tenantId, createdAt])',
    )
    .replace('  auditLogs AuditLog[]\n}', '  auditLogs AuditLog[]\n  coupons   Coupon[]\n}');
}
