import type { ChangeGeneratorOptions } from '../shared/options';

export interface AddIndexGeneratorSchema extends ChangeGeneratorOptions {
  targetTable: string;
  fields: string | string[];
  unique?: boolean;
  name?: string;
  /** Access method: BTree, Hash, Gist, Gin, SpGist or Brin (default BTree; Gin for a list field). */
  type?: string;
  /** Operator classes, one for all fields or one per field: ArrayOps, JsonbPathOps, gin_trgm_ops, … */
  ops?: string | string[];
}
