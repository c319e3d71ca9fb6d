-- Reverse of the baseline: removes every table of the sample schema (a fresh database has no data to keep).
SET LOCAL lock_timeout = '5s';
DROP TABLE IF EXISTS "AuditLog", "OrderItem", "Order", "Product", "User", "Tenant" CASCADE;
