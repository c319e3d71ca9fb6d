import type { DatamodelModel } from './prisma-fmt';

/** `createdAt` → `created_at`, `sha256Hash` → `sha256_hash`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/**
 * The column name a new field gets by the model's own convention: when the model maps its
 * camelCase fields to snake_case columns (`createdAt @map("created_at")`, as Langfuse and Rallly
 * do everywhere), a new `isPinned` becomes `is_pinned`; otherwise undefined (the field's name).
 */
export function conventionalColumn(model: DatamodelModel, field: string): string | undefined {
  const snake = snakeCase(field);
  if (snake === field) return undefined;
  const camel = model.fields.filter((f) => f.kind !== 'object' && snakeCase(f.name) !== f.name);
  const mapped = camel.filter((f) => f.dbName === snakeCase(f.name));
  return camel.length > 0 && mapped.length * 2 > camel.length ? snake : undefined;
}
