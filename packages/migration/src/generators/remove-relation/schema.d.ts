import type { ChangeGeneratorOptions } from '../shared/options';

export interface RemoveRelationGeneratorSchema extends ChangeGeneratorOptions {
  targetTable: string;
  field: string;
}
