import { ColumnTypeEnum, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { ClosableAdapterFactory } from './pg-adapter';

const NEEDS_DATABASE = 'This operation needs a database; the offline adapter only computes schema diffs.';

/**
 * Lets the schema engine start without a database. `SchemaEngine.new` runs one query
 * (schema exists?, version(), server_version_num) and a datamodel-to-datamodel diff needs
 * nothing else, so answering that one query is enough to diff offline.
 */
class OfflineAdapter implements SqlDriverAdapter {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@forge/migration:offline';

  async queryRaw() {
    return {
      columnNames: ['exists', 'version', 'numeric_version'],
      columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
      rows: [[true, 'PostgreSQL 15.18 (offline diff)', 150018]],
    };
  }
  async executeRaw(): Promise<number> {
    throw new Error(NEEDS_DATABASE);
  }
  async executeScript(): Promise<void> {
    throw new Error(NEEDS_DATABASE);
  }
  async startTransaction(): Promise<never> {
    throw new Error(NEEDS_DATABASE);
  }
  getConnectionInfo() {
    return { schemaName: 'public', supportsRelationJoins: true };
  }
  async dispose(): Promise<void> {}
}

export class OfflineAdapterFactory implements ClosableAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@forge/migration:offline';
  async connect() {
    return new OfflineAdapter();
  }
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    throw new Error(NEEDS_DATABASE);
  }
  async close(): Promise<void> {}
}
