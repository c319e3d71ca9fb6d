import type { ChangeGeneratorOptions } from '../shared/options';

export interface AddRelationGeneratorSchema extends ChangeGeneratorOptions {
  targetTable: string;
  field: string;
  references: string;
  fields?: string | string[];
  referencedFields?: string | string[];
  optional?: boolean;
  onDelete?: string;
  onUpdate?: string;
  relationName?: string;
  backRelationField?: string;
  /** Add @@index on the foreign-key columns when no index starts with them (default true). */
  index?: boolean;
  /** Database name of that index (default idx_{table}_{columns}). */
  indexName?: string;
}
