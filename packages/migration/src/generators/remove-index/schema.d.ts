import type { ChangeGeneratorOptions } from '../shared/options';

export interface RemoveIndexGeneratorSchema extends ChangeGeneratorOptions {
  targetTable: string;
  /** Database name of the index (explicit map: or Prisma's default name). */
  name?: string;
  /** Fields of the index, in order. */
  fields?: string | string[];
}
