import type { ChangeGeneratorOptions } from '../shared/options';

export interface RenameGeneratorSchema extends ChangeGeneratorOptions {
  /** Model to rename, or whose field is renamed. */
  targetTable: string;
  /** Field to rename; without it the model is renamed. */
  field?: string;
  /** The new Prisma name. */
  to: string;
  /** Rename in Prisma only: the database keeps its name through @map / @@map (no migration). */
  mapOnly?: boolean;
  /** One in-place RENAME migration (contract) instead of expand + contract: for deploys that stop the application first. */
  inPlace?: boolean;
  /** New database name (table or column) when it should differ from --to; kept with @map / @@map. */
  map?: string;
}
