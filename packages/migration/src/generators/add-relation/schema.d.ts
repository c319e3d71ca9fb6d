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
}
