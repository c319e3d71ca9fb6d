import type { ChangeGeneratorOptions } from '../shared/options';

export interface AddIndexGeneratorSchema extends ChangeGeneratorOptions {
  targetTable: string;
  fields: string | string[];
  unique?: boolean;
  name?: string;
}
