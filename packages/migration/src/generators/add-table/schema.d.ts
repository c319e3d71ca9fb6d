import type { ColumnSpec } from '../../prisma-schema/edits/add-columns';
import type { IdSpec, TableIndexSpec, TableRelationSpec } from '../../prisma-schema/edits/add-table';
import type { ChangeGeneratorOptions } from '../shared/options';

export interface AddTableGeneratorSchema extends ChangeGeneratorOptions {
  name: string;
  /** JSON array of columns, as add-column's --columns. */
  fields?: string | ColumnSpec[];
  /** Shorthand (Int, BigInt, uuid, gen_random_uuid, cuid) or a JSON field {"name","type","default","dbType"}. */
  id?: string | IdSpec;
  /** JSON array of relations: {"field","references","fields"?, "optional"?, "onDelete"?, …}. */
  relations?: string | TableRelationSpec[];
  /** JSON array of indexes: {"fields": [...], "unique"?, "name"?}. */
  indexes?: string | TableIndexSpec[];
  map?: string;
}
