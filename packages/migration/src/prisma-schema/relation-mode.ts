import type { SchemaFile } from '../engine/schema-engine';

/**
 * How relations exist in the database: `foreignKeys` (Prisma's default: a FOREIGN KEY constraint
 * per relation) or `prisma` (`relationMode = "prisma"` in the datasource: no constraint at all;
 * Prisma Client emulates referential actions, and Prisma asks for an index on each relation scalar).
 */
export type RelationMode = 'foreignKeys' | 'prisma';

export function relationModeOf(files: SchemaFile[]): RelationMode {
  for (const file of files) {
    const block = /^\s*datasource\s+\w+\s*\{([^}]*)\}/m.exec(file.content)?.[1];
    if (block === undefined) continue;
    const mode = /^\s*relationMode\s*=\s*"(\w+)"/m.exec(block)?.[1];
    return mode === 'prisma' ? 'prisma' : 'foreignKeys';
  }
  return 'foreignKeys';
}
