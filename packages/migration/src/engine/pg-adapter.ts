import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlResultSet,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { splitStatements, statementText } from '../sql/split-statements';
import type { PgConnectionConfig } from './connection';

/** The PostgreSQL error of the last script that failed, and the statement that caused it. */
export interface ScriptFailure {
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  statement?: string;
}

/** A migration-aware adapter factory that can release everything it opened. */
export interface ClosableAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  close(): Promise<void>;
}

const PG_OID_CHAR = 18;
const PG_OID_TEXT = 25;

/**
 * Result rows → the positions of their `"char"` columns, which CharAsTextClient relabelled as text
 * so that adapter-pg accepts them; `withCharColumns` then reports those columns to the engine as
 * characters, which is what its describer reads them as (pg_constraint.contype of a CHECK constraint
 * read as text made the engine panic: every database with a CHECK constraint hung introspection,
 * drift checks and migrate-validate).
 */
const charColumnsOf = new WeakMap<object, number[]>();

/**
 * pg.Client that reports PostgreSQL's one-byte `"char"` (pg_class.relkind, pg_constraint.contype…)
 * as text: adapter-pg has no mapping for it and the schema engine's introspection queries select it
 * (ENGINE-NOTES defect 5). The value itself is already a one-character string.
 */
class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const patch = (result: unknown) => {
      for (const r of ([] as unknown[]).concat(result ?? [])) {
        const chars: number[] = [];
        ((r as pg.QueryResult | undefined)?.fields ?? []).forEach((field, i) => {
          if (field.dataTypeID !== PG_OID_CHAR) return;
          field.dataTypeID = PG_OID_TEXT;
          chars.push(i);
        });
        const rows = (r as pg.QueryResult | undefined)?.rows;
        if (chars.length && rows) charColumnsOf.set(rows, chars);
      }
      return result;
    };
    const callbackAt = args.findIndex((a) => typeof a === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (err: unknown, res: unknown) => void;
      args[callbackAt] = (err: unknown, res: unknown) => callback(err, err ? res : patch(res));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(patch) : result) as never;
  }
}

/** adapter-pg returns pg's own rows array: the `"char"` columns recorded for it become characters. */
function withCharColumns(result: SqlResultSet): SqlResultSet {
  for (const i of charColumnsOf.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
  return result;
}

/**
 * One session per adapter (a pool of one): the engine's advisory lock, `SET` and unlock all
 * land on the same connection, and closing the adapter releases the lock (defect 7).
 */
function openPool(config: PgConnectionConfig): pg.Pool {
  const { schema: _schema, ...clientConfig } = config;
  const pool = new pg.Pool({ ...clientConfig, max: 1, idleTimeoutMillis: 0, Client: CharAsTextClient });
  pool.on('error', () => undefined); // a dropped idle connection surfaces on the next query instead
  return pool;
}

/**
 * adapter-pg, with `executeScript` replaced: adapter-pg splits scripts on `;` (breaking `$$` bodies
 * and string literals) and runs the pieces one by one outside a transaction, so a failing migration
 * left its first statements committed (defect 6). Here a script of several statements runs in one
 * transaction, all or nothing, as the native engine's single query does; statement by statement
 * (split by a lexer that knows quotes, dollar quotes and comments) so that a failure names its
 * statement. A single statement (e.g. CREATE INDEX CONCURRENTLY, which refuses transactions) and
 * SQL-standard function bodies (`BEGIN ATOMIC … END`, which hold bare semicolons) go as one query.
 */
class ScriptAsOneQueryAdapter implements SqlDriverAdapter {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;
  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly pool: pg.Pool,
    private readonly onDispose?: () => Promise<void>,
    private readonly onScriptFailure?: (failure: ScriptFailure) => void,
  ) {
    this.adapterName = inner.adapterName;
  }
  async queryRaw(...args: Parameters<SqlDriverAdapter['queryRaw']>) {
    return withCharColumns(await this.inner.queryRaw(...args));
  }
  executeRaw(...args: Parameters<SqlDriverAdapter['executeRaw']>) {
    return this.inner.executeRaw(...args);
  }
  startTransaction(...args: Parameters<SqlDriverAdapter['startTransaction']>) {
    return this.inner.startTransaction(...args);
  }
  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }
  async executeScript(script: string): Promise<void> {
    const statements = splitStatements(script);
    if (statements.length <= 1 || /\bBEGIN\s+ATOMIC\b/i.test(script)) {
      await this.pool.query(script).catch((error) => {
        throw this.failed(error, statements.length === 1 ? statements[0] : undefined);
      });
      return;
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const statement of statements) {
        await client.query(statement).catch(async (error) => {
          await client.query('ROLLBACK').catch(() => undefined);
          throw this.failed(error, statement);
        });
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  async dispose(): Promise<void> {
    await this.inner.dispose();
    await this.onDispose?.();
  }

  /** The engine replaces the message of errors it knows (42P01 → "No such table"): keep the original. */
  private failed(error: unknown, statement: string | undefined): unknown {
    const e = error as Partial<pg.DatabaseError>;
    if (typeof e?.code === 'string' && typeof e.message === 'string') {
      this.onScriptFailure?.({ code: e.code, message: e.message, detail: e.detail, hint: e.hint, statement: statement && statementText(statement) });
    }
    return toDriverAdapterError(error, statement);
  }
}

async function connectAdapter(
  config: PgConnectionConfig,
  onDispose?: () => Promise<void>,
  onScriptFailure?: (failure: ScriptFailure) => void,
): Promise<SqlDriverAdapter> {
  const pool = openPool(config);
  const inner = await new PrismaPg(pool, { schema: config.schema, disposeExternalPool: true }).connect();
  return new ScriptAsOneQueryAdapter(inner, pool, onDispose, onScriptFailure);
}

/**
 * The factory handed to the schema engine for a real PostgreSQL. Shadow databases are created
 * on the same server from the config object (never on the main database, defect 9) and dropped
 * only after their pool has closed (defect 8).
 */
export class PgAdapterFactory implements ClosableAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@forge/migration:pg';
  private readonly open = new Set<SqlDriverAdapter>();
  /** Set when a migration script failed on the main database. */
  lastScriptFailure: ScriptFailure | undefined;

  constructor(private readonly config: PgConnectionConfig) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await connectAdapter(this.config, undefined, (failure) => (this.lastScriptFailure = failure)));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const database = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, '')}`;
    await this.admin((client) => client.query(`CREATE DATABASE "${database}"`));
    const dropShadow = () =>
      this.admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).then(() => undefined);
    try {
      return this.track(await connectAdapter({ ...this.config, database }, dropShadow));
    } catch (error) {
      await dropShadow().catch(() => undefined);
      throw error;
    }
  }

  /** Disposes every adapter still open: releases the engine's advisory lock and drops shadows. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((a) => a.dispose().catch(() => undefined)));
  }

  private track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    this.open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (!this.open.delete(adapter)) return;
      await dispose();
    };
    return adapter;
  }

  private async admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const { schema: _schema, options: _options, ...clientConfig } = this.config;
    const client = new pg.Client(clientConfig);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }
}

/**
 * A PostgreSQL error as the engine expects it. The failing statement is added to the message (the
 * engine prints the message but not the statement): a failed deploy then names the statement.
 */
function toDriverAdapterError(error: unknown, statement: string | undefined): unknown {
  const e = error as Partial<pg.DatabaseError>;
  if (typeof e?.code !== 'string' || typeof e.message !== 'string' || typeof e.severity !== 'string') return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: e.code,
    severity: e.severity,
    message: statement ? `${e.message}\nFailing statement: ${statementText(statement)}` : e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
    originalCode: e.code,
    originalMessage: e.message,
  });
}
