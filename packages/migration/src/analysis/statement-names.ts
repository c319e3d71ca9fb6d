import type { AlterTableType, ObjectType } from 'libpg-query';
import { LOCK_MODES } from './locks';
import type { ParsedStatement } from './parse';
import { relationName } from './sql-facts';

/**
 * What the report and lint messages call a statement: its own SQL, shortened to what it does and
 * to what (`ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"`, `ALTER COLUMN "x" SET
 * DEFAULT`, `CREATE INDEX CONCURRENTLY "i" ON "AuditLog"`) — never the parser's node names.
 */

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `"name"`, doubling embedded quotes. */
export function quoteName(name: string | undefined): string {
  return name === undefined ? '?' : `"${name.replace(/"/g, '""')}"`;
}

/** A table as the analysis names it (`User`, `_forge_backup.User__name__…`), quoted per part. */
export function quoteTable(table: string | undefined): string {
  if (table === undefined) return '?';
  if (table.startsWith('(')) return table; // an unknown table, described in words
  const dot = table.indexOf('.');
  return dot < 0 ? quoteName(table) : `${quoteName(table.slice(0, dot))}.${quoteName(table.slice(dot + 1))}`;
}

/** A RangeVar (`"schema"."table"`). */
export function quoteRelation(range: Node | undefined): string {
  return quoteTable(relationName(range));
}

/** A qualified name given as a list of String nodes (functions, types, dropped objects). */
function quoteList(items: Node[] | undefined): string {
  return (items ?? []).map((i) => quoteName(i.String?.sval)).join('.');
}

/** The SQL keyword(s) of each object type, as CREATE / DROP / ALTER / COMMENT ON write them. */
export const OBJECT_KEYWORDS: Record<ObjectType, string> = {
  OBJECT_ACCESS_METHOD: 'ACCESS METHOD',
  OBJECT_AGGREGATE: 'AGGREGATE',
  OBJECT_AMOP: 'OPERATOR',
  OBJECT_AMPROC: 'FUNCTION',
  OBJECT_ATTRIBUTE: 'ATTRIBUTE',
  OBJECT_CAST: 'CAST',
  OBJECT_COLUMN: 'COLUMN',
  OBJECT_COLLATION: 'COLLATION',
  OBJECT_CONVERSION: 'CONVERSION',
  OBJECT_DATABASE: 'DATABASE',
  OBJECT_DEFAULT: 'DEFAULT',
  OBJECT_DEFACL: 'DEFAULT PRIVILEGES',
  OBJECT_DOMAIN: 'DOMAIN',
  OBJECT_DOMCONSTRAINT: 'CONSTRAINT',
  OBJECT_EVENT_TRIGGER: 'EVENT TRIGGER',
  OBJECT_EXTENSION: 'EXTENSION',
  OBJECT_FDW: 'FOREIGN DATA WRAPPER',
  OBJECT_FOREIGN_SERVER: 'SERVER',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
  OBJECT_FUNCTION: 'FUNCTION',
  OBJECT_INDEX: 'INDEX',
  OBJECT_LANGUAGE: 'LANGUAGE',
  OBJECT_LARGEOBJECT: 'LARGE OBJECT',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_OPCLASS: 'OPERATOR CLASS',
  OBJECT_OPERATOR: 'OPERATOR',
  OBJECT_OPFAMILY: 'OPERATOR FAMILY',
  OBJECT_PARAMETER_ACL: 'PARAMETER',
  OBJECT_POLICY: 'POLICY',
  OBJECT_PROCEDURE: 'PROCEDURE',
  OBJECT_PUBLICATION: 'PUBLICATION',
  OBJECT_PUBLICATION_NAMESPACE: 'PUBLICATION',
  OBJECT_PUBLICATION_REL: 'PUBLICATION',
  OBJECT_ROLE: 'ROLE',
  OBJECT_ROUTINE: 'ROUTINE',
  OBJECT_RULE: 'RULE',
  OBJECT_SCHEMA: 'SCHEMA',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_SUBSCRIPTION: 'SUBSCRIPTION',
  OBJECT_STATISTIC_EXT: 'STATISTICS',
  OBJECT_TABCONSTRAINT: 'CONSTRAINT',
  OBJECT_TABLE: 'TABLE',
  OBJECT_TABLESPACE: 'TABLESPACE',
  OBJECT_TRANSFORM: 'TRANSFORM',
  OBJECT_TRIGGER: 'TRIGGER',
  OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
  OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
  OBJECT_TSPARSER: 'TEXT SEARCH PARSER',
  OBJECT_TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
  OBJECT_TYPE: 'TYPE',
  OBJECT_USER_MAPPING: 'USER MAPPING',
  OBJECT_VIEW: 'VIEW',
};

export function objectKeyword(type: string | undefined): string {
  return OBJECT_KEYWORDS[type as ObjectType] ?? 'OBJECT';
}

const column = (cmd: Node) => `ALTER COLUMN ${quoteName(cmd.name)}`;
const named = (cmd: Node) => (cmd.name ? ` ${quoteName(cmd.name)}` : '');

/**
 * Each `ALTER TABLE` sub-command as SQL. A Record over libpg-query's own list of sub-command
 * types: the compiler refuses a new one without its SQL. (`AT_ReAdd…`, `AT_CookedColumnDefault`
 * and `AT_ReplaceRelOptions` are made by the server itself, never written; named for completeness.)
 */
export const ALTER_TABLE_SQL: Record<AlterTableType, (cmd: Node) => string> = {
  AT_AddColumn: (cmd) => `ADD COLUMN ${quoteName(cmd.def?.ColumnDef?.colname)}`,
  AT_AddColumnToView: (cmd) => `ADD COLUMN ${quoteName(cmd.def?.ColumnDef?.colname)}`,
  AT_ColumnDefault: (cmd) => `${column(cmd)} ${cmd.def ? 'SET' : 'DROP'} DEFAULT`,
  AT_CookedColumnDefault: (cmd) => `${column(cmd)} SET DEFAULT`,
  AT_DropNotNull: (cmd) => `${column(cmd)} DROP NOT NULL`,
  AT_SetNotNull: (cmd) => `${column(cmd)} SET NOT NULL`,
  AT_SetExpression: (cmd) => `${column(cmd)} SET EXPRESSION`,
  AT_DropExpression: (cmd) => `${column(cmd)} DROP EXPRESSION`,
  AT_SetStatistics: (cmd) => `${column(cmd)} SET STATISTICS`,
  AT_SetOptions: (cmd) => `${column(cmd)} SET (…)`,
  AT_ResetOptions: (cmd) => `${column(cmd)} RESET (…)`,
  AT_SetStorage: (cmd) => `${column(cmd)} SET STORAGE`,
  AT_SetCompression: (cmd) => `${column(cmd)} SET COMPRESSION`,
  AT_DropColumn: (cmd) => `DROP COLUMN${cmd.missing_ok ? ' IF EXISTS' : ''} ${quoteName(cmd.name)}${cascade(cmd)}`,
  AT_AddIndex: (cmd) => `ADD INDEX ${quoteName(cmd.def?.IndexStmt?.idxname)}`,
  AT_ReAddIndex: (cmd) => `ADD INDEX ${quoteName(cmd.def?.IndexStmt?.idxname)}`,
  AT_AddConstraint: (cmd) => addConstraintSql(cmd.def?.Constraint ?? {}),
  AT_ReAddConstraint: (cmd) => addConstraintSql(cmd.def?.Constraint ?? {}),
  AT_ReAddDomainConstraint: (cmd) => addConstraintSql(cmd.def?.Constraint ?? {}),
  AT_AlterConstraint: (cmd) => `ALTER CONSTRAINT ${quoteName(cmd.def?.Constraint?.conname ?? cmd.def?.ATAlterConstraint?.conname ?? cmd.name)}`,
  AT_ValidateConstraint: (cmd) => `VALIDATE CONSTRAINT ${quoteName(cmd.name)}`,
  AT_AddIndexConstraint: (cmd) => addConstraintSql(cmd.def?.Constraint ?? {}),
  AT_DropConstraint: (cmd) => `DROP CONSTRAINT${cmd.missing_ok ? ' IF EXISTS' : ''} ${quoteName(cmd.name)}${cascade(cmd)}`,
  AT_ReAddComment: () => 'COMMENT',
  AT_AlterColumnType: (cmd) => `${column(cmd)} TYPE ${typeText(cmd.def?.ColumnDef?.typeName)}${cmd.def?.ColumnDef?.raw_default ? ' USING …' : ''}`,
  AT_AlterColumnGenericOptions: (cmd) => `${column(cmd)} OPTIONS (…)`,
  AT_ChangeOwner: () => 'OWNER TO …',
  AT_ClusterOn: (cmd) => `CLUSTER ON ${quoteName(cmd.name)}`,
  AT_DropCluster: () => 'SET WITHOUT CLUSTER',
  AT_SetLogged: () => 'SET LOGGED',
  AT_SetUnLogged: () => 'SET UNLOGGED',
  AT_DropOids: () => 'SET WITHOUT OIDS',
  AT_SetAccessMethod: (cmd) => `SET ACCESS METHOD${named(cmd)}`,
  AT_SetTableSpace: (cmd) => `SET TABLESPACE${named(cmd)}`,
  AT_SetRelOptions: (cmd) => `SET (${optionNames(cmd.def)})`,
  AT_ResetRelOptions: (cmd) => `RESET (${optionNames(cmd.def)})`,
  AT_ReplaceRelOptions: (cmd) => `SET (${optionNames(cmd.def)})`,
  AT_EnableTrig: (cmd) => `ENABLE TRIGGER${named(cmd)}`,
  AT_EnableAlwaysTrig: (cmd) => `ENABLE ALWAYS TRIGGER${named(cmd)}`,
  AT_EnableReplicaTrig: (cmd) => `ENABLE REPLICA TRIGGER${named(cmd)}`,
  AT_DisableTrig: (cmd) => `DISABLE TRIGGER${named(cmd)}`,
  AT_EnableTrigAll: () => 'ENABLE TRIGGER ALL',
  AT_DisableTrigAll: () => 'DISABLE TRIGGER ALL',
  AT_EnableTrigUser: () => 'ENABLE TRIGGER USER',
  AT_DisableTrigUser: () => 'DISABLE TRIGGER USER',
  AT_EnableRule: (cmd) => `ENABLE RULE${named(cmd)}`,
  AT_EnableAlwaysRule: (cmd) => `ENABLE ALWAYS RULE${named(cmd)}`,
  AT_EnableReplicaRule: (cmd) => `ENABLE REPLICA RULE${named(cmd)}`,
  AT_DisableRule: (cmd) => `DISABLE RULE${named(cmd)}`,
  AT_AddInherit: (cmd) => `INHERIT ${quoteRelation(cmd.def?.RangeVar)}`,
  AT_DropInherit: (cmd) => `NO INHERIT ${quoteRelation(cmd.def?.RangeVar)}`,
  AT_AddOf: (cmd) => `OF ${typeText(cmd.def?.TypeName)}`,
  AT_DropOf: () => 'NOT OF',
  AT_ReplicaIdentity: (cmd) => `REPLICA IDENTITY ${replicaIdentity(cmd.def?.ReplicaIdentityStmt)}`,
  AT_EnableRowSecurity: () => 'ENABLE ROW LEVEL SECURITY',
  AT_DisableRowSecurity: () => 'DISABLE ROW LEVEL SECURITY',
  AT_ForceRowSecurity: () => 'FORCE ROW LEVEL SECURITY',
  AT_NoForceRowSecurity: () => 'NO FORCE ROW LEVEL SECURITY',
  AT_GenericOptions: () => 'OPTIONS (…)',
  AT_AttachPartition: (cmd) => `ATTACH PARTITION ${quoteRelation(cmd.def?.PartitionCmd?.name)}`,
  AT_DetachPartition: (cmd) => `DETACH PARTITION ${quoteRelation(cmd.def?.PartitionCmd?.name)}${cmd.def?.PartitionCmd?.concurrent ? ' CONCURRENTLY' : ''}`,
  AT_DetachPartitionFinalize: (cmd) => `DETACH PARTITION ${quoteRelation(cmd.def?.PartitionCmd?.name)} FINALIZE`,
  AT_AddIdentity: (cmd) => `${column(cmd)} ADD GENERATED AS IDENTITY`,
  AT_SetIdentity: (cmd) => `${column(cmd)} SET GENERATED / SET sequence options`,
  AT_DropIdentity: (cmd) => `${column(cmd)} DROP IDENTITY`,
  AT_ReAddStatistics: () => 'ADD STATISTICS',
};

function addConstraintSql(c: Node): string {
  const name = c.conname ? `CONSTRAINT ${quoteName(c.conname)} ` : '';
  const notValid = c.skip_validation ? ' NOT VALID' : '';
  const columns = (list: Node[] | undefined) => `(${(list ?? []).map((k) => quoteName(k.String?.sval)).join(', ')})`;
  switch (c.contype) {
    case 'CONSTR_FOREIGN':
      return `ADD ${name}FOREIGN KEY ${columns(c.fk_attrs)} REFERENCES ${quoteRelation(c.pktable)}${notValid}`;
    case 'CONSTR_CHECK':
      return `ADD ${name}CHECK (…)${notValid}`;
    case 'CONSTR_UNIQUE':
      return `ADD ${name}UNIQUE ${c.indexname ? `USING INDEX ${quoteName(c.indexname)}` : columns(c.keys)}`;
    case 'CONSTR_PRIMARY':
      return `ADD ${name}PRIMARY KEY ${c.indexname ? `USING INDEX ${quoteName(c.indexname)}` : columns(c.keys)}`;
    case 'CONSTR_EXCLUSION':
      return `ADD ${name}EXCLUDE (…)`;
    case 'CONSTR_NOTNULL':
      return `ADD ${name}NOT NULL ${columns(c.keys)}${notValid}`;
    default:
      return `ADD ${name}`.trim();
  }
}

function cascade(cmd: Node): string {
  return cmd.behavior === 'DROP_CASCADE' ? ' CASCADE' : '';
}

function replicaIdentity(stmt: Node | undefined): string {
  const kinds: Record<string, string> = { d: 'DEFAULT', f: 'FULL', n: 'NOTHING', i: `USING INDEX ${quoteName(stmt?.name)}` };
  return kinds[stmt?.identity_type] ?? '…';
}

function optionNames(def: Node | undefined): string {
  return (def?.List?.items ?? def ?? []).map?.((o: Node) => o.DefElem?.defname).filter(Boolean).join(', ') ?? '…';
}

const CATALOG_TYPES: Record<string, string> = {
  varchar: 'VARCHAR',
  text: 'TEXT',
  bpchar: 'CHAR',
  numeric: 'DECIMAL',
  int2: 'SMALLINT',
  int4: 'INTEGER',
  int8: 'BIGINT',
  float4: 'REAL',
  float8: 'DOUBLE PRECISION',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  time: 'TIME',
  timetz: 'TIMETZ',
  date: 'DATE',
  jsonb: 'JSONB',
  json: 'JSON',
  uuid: 'UUID',
  bytea: 'BYTEA',
};

/** A parsed type name written the way Prisma writes SQL types (`VARCHAR(64)`, `DECIMAL(10,2)`, `"Status"[]`). */
export function sqlTypeOf(typeName: Node | undefined): string | undefined {
  if (!typeName?.names) return undefined;
  const names: string[] = typeName.names.map((n: Node) => n.String?.sval);
  const last = names[names.length - 1];
  // The parser lower-cases unquoted names: `TEXT` arrives as `text`, an enum `"Status"` keeps its case.
  const builtin = names[0] === 'pg_catalog' || names.length === 1 ? CATALOG_TYPES[last] : undefined;
  const base = builtin ?? `"${last}"`;
  const modifiers = (typeName.typmods ?? []).map((m: Node) => m.A_Const?.ival?.ival ?? 0);
  return `${base}${modifiers.length ? `(${modifiers.join(',')})` : ''}${'[]'.repeat((typeName.arrayBounds ?? []).length)}`;
}

/** A type as written, `?` when there is none. */
export function typeText(typeName: Node | undefined): string {
  return sqlTypeOf(typeName) ?? '?';
}

/** The statement's SQL name. */
export function statementName(statement: ParsedStatement): string {
  const node = statement.node as Node;
  switch (statement.type) {
    case 'AlterTableStmt': {
      const cmds: Node[] = (node.cmds ?? []).map((c: Node) => c.AlterTableCmd).filter(Boolean);
      const parts = cmds.map((cmd) => ALTER_TABLE_SQL[cmd.subtype as AlterTableType]?.(cmd) ?? 'ALTER');
      return `ALTER ${objectKeyword(node.objtype)}${node.missing_ok ? ' IF EXISTS' : ''} ${quoteRelation(node.relation)} ${parts.join(', ')}`;
    }
    case 'IndexStmt':
      return `CREATE ${node.unique ? 'UNIQUE ' : ''}INDEX${node.concurrent ? ' CONCURRENTLY' : ''}${node.if_not_exists ? ' IF NOT EXISTS' : ''} ${quoteName(node.idxname)} ON ${quoteRelation(node.relation)}`;
    case 'CreateStmt':
      return `CREATE TABLE${node.if_not_exists ? ' IF NOT EXISTS' : ''} ${quoteRelation(node.relation)}${node.partbound ? ` PARTITION OF ${quoteRelation(node.inhRelations?.[0]?.RangeVar)}` : ''}`;
    case 'CreateTableAsStmt':
      return `CREATE ${objectKeyword(node.objtype)} ${quoteRelation(node.into?.rel)} AS SELECT …${node.into?.skipData ? ' WITH NO DATA' : ''}`;
    case 'InsertStmt':
      return `INSERT INTO ${quoteRelation(node.relation)}${node.selectStmt?.SelectStmt?.valuesLists ? ' VALUES …' : node.selectStmt ? ' SELECT …' : ' DEFAULT VALUES'}${node.onConflictClause ? ' ON CONFLICT …' : ''}`;
    case 'UpdateStmt': {
      const columns = (node.targetList ?? []).map((t: Node) => quoteName(t.ResTarget?.name));
      return `UPDATE ${quoteRelation(node.relation)} SET ${columns.join(', ')}${node.fromClause?.length ? ' FROM …' : ''}${node.whereClause ? ' WHERE …' : ''}`;
    }
    case 'DeleteStmt':
      return `DELETE FROM ${quoteRelation(node.relation)}${node.whereClause ? ' WHERE …' : ''}`;
    case 'MergeStmt':
      return `MERGE INTO ${quoteRelation(node.relation)}`;
    case 'SelectStmt': {
      const from = (node.fromClause ?? []).map((f: Node) => (f.RangeVar ? quoteRelation(f.RangeVar) : '…'));
      return from.length ? `SELECT … FROM ${from.join(', ')}` : 'SELECT …';
    }
    case 'TruncateStmt':
      return `TRUNCATE ${(node.relations ?? []).map((r: Node) => quoteRelation(r.RangeVar)).join(', ')}${node.behavior === 'DROP_CASCADE' ? ' CASCADE' : ''}`;
    case 'DropStmt':
      return dropName(node);
    case 'RenameStmt':
      return renameName(node);
    case 'AlterObjectSchemaStmt':
      return `ALTER ${objectKeyword(node.objectType)} ${node.relation ? quoteRelation(node.relation) : objectName(node.object)} SET SCHEMA ${quoteName(node.newschema)}`;
    case 'CreateTrigStmt':
      return `CREATE ${node.replace ? 'OR REPLACE ' : ''}${node.isconstraint ? 'CONSTRAINT ' : ''}TRIGGER ${quoteName(node.trigname)} ON ${quoteRelation(node.relation)}`;
    case 'CreateFunctionStmt':
      return `CREATE ${node.replace ? 'OR REPLACE ' : ''}${node.is_procedure ? 'PROCEDURE' : 'FUNCTION'} ${quoteList(node.funcname)}(…)`;
    case 'CreateSchemaStmt':
      return `CREATE SCHEMA${node.if_not_exists ? ' IF NOT EXISTS' : ''} ${quoteName(node.schemaname)}`;
    case 'CreateEnumStmt':
      return `CREATE TYPE ${quoteList(node.typeName)} AS ENUM (…)`;
    case 'AlterEnumStmt':
      return !node.oldVal
        ? `ALTER TYPE ${quoteList(node.typeName)} ADD VALUE${node.skipIfNewValExists ? ' IF NOT EXISTS' : ''} '${node.newVal}'`
        : `ALTER TYPE ${quoteList(node.typeName)} RENAME VALUE '${node.oldVal}' TO '${node.newVal ?? ''}'`;
    case 'CreateSeqStmt':
      return `CREATE SEQUENCE${node.if_not_exists ? ' IF NOT EXISTS' : ''} ${quoteRelation(node.sequence)}`;
    case 'AlterSeqStmt':
      return `ALTER SEQUENCE ${quoteRelation(node.sequence)} …`;
    case 'ViewStmt':
      return `CREATE ${node.replace ? 'OR REPLACE ' : ''}VIEW ${quoteRelation(node.view)}`;
    case 'RefreshMatViewStmt':
      return `REFRESH MATERIALIZED VIEW${node.concurrent ? ' CONCURRENTLY' : ''} ${quoteRelation(node.relation)}`;
    case 'LockStmt':
      return `LOCK TABLE ${(node.relations ?? []).map((r: Node) => quoteRelation(r.RangeVar)).join(', ')} IN ${LOCK_MODES[(node.mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE'} MODE`;
    case 'VariableSetStmt':
      return node.kind === 'VAR_RESET' ? `RESET ${node.name}` : `SET${node.is_local ? ' LOCAL' : ''} ${node.name}`;
    case 'VacuumStmt': {
      const tables = (node.rels ?? []).map((r: Node) => quoteRelation(r.VacuumRelation?.relation)).join(', ');
      return `${node.is_vacuumcmd ? 'VACUUM' : 'ANALYZE'}${tables ? ` ${tables}` : ''}`;
    }
    case 'ReindexStmt': {
      const concurrently = (node.params ?? []).some((p: Node) => p.DefElem?.defname === 'concurrently') ? ' CONCURRENTLY' : '';
      return `REINDEX ${String(node.kind ?? '').replace('REINDEX_OBJECT_', '')}${concurrently} ${node.relation ? quoteRelation(node.relation) : quoteName(node.name)}`;
    }
    case 'ClusterStmt':
      return `CLUSTER${node.relation ? ` ${quoteRelation(node.relation)}` : ''}`;
    case 'CommentStmt':
      return `COMMENT ON ${objectKeyword(node.objtype)} ${objectName(node.object)}`;
    case 'CreatePolicyStmt':
      return `CREATE POLICY ${quoteName(node.policy_name)} ON ${quoteRelation(node.table)}`;
    case 'AlterPolicyStmt':
      return `ALTER POLICY ${quoteName(node.policy_name)} ON ${quoteRelation(node.table)}`;
    case 'RuleStmt':
      return `CREATE ${node.replace ? 'OR REPLACE ' : ''}RULE ${quoteName(node.rulename)} ON ${quoteRelation(node.relation)}`;
    case 'CreateExtensionStmt':
      return `CREATE EXTENSION${node.if_not_exists ? ' IF NOT EXISTS' : ''} ${quoteName(node.extname)}`;
    case 'CopyStmt':
      return `COPY ${node.relation ? quoteRelation(node.relation) : '(…)'} ${node.is_from ? 'FROM' : 'TO'} …`;
    case 'DoStmt':
      return 'DO $$ … $$';
    case 'CallStmt':
      return `CALL ${quoteList(node.funccall?.funcname)}(…)`;
    case 'TransactionStmt':
      return String(node.kind ?? '').replace('TRANS_STMT_', '').replace(/_/g, ' ');
    default:
      return sqlHead(statement.text);
  }
}

function dropName(node: Node): string {
  const type = node.removeType as string;
  const objects: Node[] = node.objects ?? [];
  const flags = `${node.concurrent ? ' CONCURRENTLY' : ''}${node.missing_ok ? ' IF EXISTS' : ''}`;
  const tail = node.behavior === 'DROP_CASCADE' ? ' CASCADE' : '';
  if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY' || type === 'OBJECT_RULE') {
    // The object's name comes last, after the table it is on.
    const parts: string[] = (objects[0]?.List?.items ?? []).map((i: Node) => i.String?.sval);
    const name = parts.pop();
    return `DROP ${objectKeyword(type)}${flags} ${quoteName(name)} ON ${quoteTable(parts.join('.'))}${tail}`;
  }
  return `DROP ${objectKeyword(type)}${flags} ${objects.map(objectName).join(', ')}${tail}`;
}

function renameName(node: Node): string {
  const type = node.renameType as string;
  const to = quoteName(node.newname);
  const on = node.relation ? quoteRelation(node.relation) : objectName(node.object);
  switch (type) {
    case 'OBJECT_COLUMN':
      return `ALTER ${objectKeyword(node.relationType)} ${on} RENAME COLUMN ${quoteName(node.subname)} TO ${to}`;
    case 'OBJECT_TABCONSTRAINT':
      return `ALTER TABLE ${on} RENAME CONSTRAINT ${quoteName(node.subname)} TO ${to}`;
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE':
      return `ALTER ${objectKeyword(type)} ${quoteName(node.subname)} ON ${on} RENAME TO ${to}`;
    default:
      return `ALTER ${objectKeyword(type)} ${on} RENAME TO ${to}`;
  }
}

/** An object as DROP / COMMENT ON / RENAME name it: a qualified name, a function with its arguments, a type. */
function objectName(object: Node | undefined): string {
  if (!object) return '?';
  if (object.List) return quoteList(object.List.items);
  if (object.String) return quoteName(object.String.sval);
  if (object.ObjectWithArgs) return `${quoteList(object.ObjectWithArgs.objname)}(${(object.ObjectWithArgs.objargs ?? []).map((t: Node) => typeText(t.TypeName)).join(', ')})`;
  if (object.TypeName) return typeText(object.TypeName);
  return '…';
}

/** The start of a statement's own text, up to a body or a parenthesised list: what it is and on what. */
export function sqlHead(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const cut = line.search(/\s(AS\s+\$|AS\s+'|\()|\(/i);
  const head = cut > 0 ? `${line.slice(0, cut)} …` : line;
  return head.length > max ? `${head.slice(0, max - 1)}…` : head;
}
