import { classifyTypeChange } from '../recipes/modify-column-types';
import coefficientsJson from './cost-coefficients.json';
import { relationName, type StatementEffect } from './effects';
import { isSystemCatalog } from './sql-facts';
import { sqlTypeOf } from './statement-names';

export { sqlTypeOf };

/**
 * What a statement costs, by the work PostgreSQL does for it:
 * - `catalog`: metadata only (most ALTER TABLE forms, DROP, RENAME, SET SCHEMA, CREATE TABLE, SET…): constant;
 * - `index-build` / `index-build-concurrently`: sort and write the index (CONCURRENTLY: two table scans and a wait);
 * - `rewrite`: every row and every index written again (ALTER COLUMN TYPE, volatile default);
 * - `check-validate`, `fk-validate`, `set-not-null`, `scan`: a full read (an FK also probes the parent's key);
 * - `update`, `delete`, `copy`: one statement over every row;
 * - `backfill`, `batch-copy`: the batched data-migration runner (keyset batches + checkpoints).
 */
export type CostKind =
  | 'catalog'
  | 'index-build'
  | 'index-build-concurrently'
  | 'rewrite'
  | 'check-validate'
  | 'fk-validate'
  | 'set-not-null'
  | 'scan'
  | 'update'
  | 'delete'
  | 'copy'
  | 'backfill'
  | 'batch-copy';

export interface CostCoefficient {
  /** Fixed part, ms. */
  constantMs: number;
  /** Per row of the calibration table, ms (see `scalesWith`). */
  perRowMs: number;
}

/** Written by bench/calibrate.mjs; see its header for how. */
export interface CostCoefficients {
  generatedBy: string;
  machine: { postgres: string; cpus: number; cpuModel: string; settings: string; date: string };
  calibration: {
    sizes: number[];
    /** pg_table_size ÷ rows of the calibration table. */
    rowWidthBytes: number;
    /** pg_indexes_size ÷ rows (its primary key). */
    indexWidthBytes: number;
    /** Rows per batch the batched kinds were measured with. */
    batchSize: number;
  };
  kinds: Record<CostKind, CostCoefficient>;
}

export const COST_COEFFICIENTS = coefficientsJson as CostCoefficients;

/**
 * Reads, rewrites and scans also depend on the bytes they go through: on a table of known size,
 * wider rows than the calibration table's cost more (never less than per row: each row is still
 * looked at). Sorts and batches scale with rows. A rewrite, and an UPDATE (a new row version and an
 * entry in every index), write the indexes too: their bytes count.
 */
const SCALES_WITH_BYTES: ReadonlySet<CostKind> = new Set(['rewrite', 'update', 'check-validate', 'set-not-null', 'scan']);
const WRITES_INDEXES: ReadonlySet<CostKind> = new Set(['rewrite', 'update']);

/** One unit of work of a statement: a kind of operation on a table (null: no table work). */
export interface WorkItem {
  kind: CostKind;
  table: string | null;
  /** Why this kind, when it is not obvious (a binary-coercible type change, a CHECK that lets SET NOT NULL skip its scan…). */
  note?: string;
}

export interface TableSize {
  /** Rows; null when unknown. */
  rows: number | null;
  /** pg_table_size and pg_indexes_size, when a database said so. */
  tableBytes?: number;
  indexBytes?: number;
}

/** Estimated duration of one work item, ms; null when it depends on a table size that is unknown. */
export function estimateWork(kind: CostKind, size: TableSize | null, coefficients = COST_COEFFICIENTS): number | null {
  const c = coefficients.kinds[kind];
  if (c.perRowMs === 0) return c.constantMs;
  const rows = effectiveRows(kind, size, coefficients);
  return rows === null ? null : c.constantMs + c.perRowMs * rows;
}

/** Rows of the calibration table's width that cost as much as this table. */
function effectiveRows(kind: CostKind, size: TableSize | null, coefficients: CostCoefficients): number | null {
  if (!size || size.rows === null) return null;
  if (!SCALES_WITH_BYTES.has(kind) || !size.tableBytes || size.rows === 0) return size.rows;
  const { rowWidthBytes, indexWidthBytes } = coefficients.calibration;
  // The calibration table had one index (its primary key).
  const byBytes = WRITES_INDEXES.has(kind)
    ? (size.tableBytes + (size.indexBytes ?? 0)) / (rowWidthBytes + indexWidthBytes)
    : size.tableBytes / rowWidthBytes;
  return Math.max(size.rows, byBytes);
}

/** Per-million-rows cost of a kind (for "unknown size" messages). */
export function msPerMillionRows(kind: CostKind, coefficients = COST_COEFFICIENTS): number {
  const c = coefficients.kinds[kind];
  return c.constantMs + c.perRowMs * 1_000_000;
}

/** Facts from the rest of the change a statement's cost depends on. */
export interface WorkContext {
  /** Kind of a constraint added earlier in the change (or known from the database), by `table.name`. */
  constraintKind(table: string, name: string): 'fk' | 'check' | 'other' | undefined;
  /** The column's type before this statement, when the change says it (the reverse ALTER COLUMN TYPE). */
  previousType(table: string, column: string): string | undefined;
  /** Whether a validated `CHECK (column IS NOT NULL)` exists when this statement runs (SET NOT NULL then skips its scan). */
  hasNotNullCheck(table: string, column: string): boolean;
  /** The table an index is on, when known. */
  tableOfIndex(index: string): string | undefined;
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The work a statement does, from its syntax tree and effect. */
export function statementWork(effect: StatementEffect, context: WorkContext): WorkItem[] {
  const type = effect.statement.type;
  const node = effect.statement.node as Node;
  switch (type) {
    case 'AlterTableStmt':
      return alterTableWork(effect, node, context);
    case 'IndexStmt':
      return [{ kind: node.concurrent ? 'index-build-concurrently' : 'index-build', table: relationName(node.relation) ?? null }];
    case 'UpdateStmt':
      return [{ kind: 'update', table: relationName(node.relation) ?? null, note: node.whereClause ? 'assumes every row matches' : undefined }];
    case 'DeleteStmt':
      return [{ kind: 'delete', table: relationName(node.relation) ?? null, note: node.whereClause ? 'assumes every row matches' : undefined }];
    case 'InsertStmt': {
      const sources = selectSources(node.selectStmt);
      return sources.length ? [{ kind: 'copy', table: sources[0], note: sources.length > 1 ? `rows of ${sources[0]}` : undefined }] : [{ kind: 'catalog', table: null }];
    }
    case 'CreateTableAsStmt': {
      const sources = selectSources(node.query);
      return node.into?.skipData || !sources.length ? [{ kind: 'catalog', table: null }] : [{ kind: 'copy', table: sources[0] }];
    }
    case 'SelectStmt': {
      const sources = selectSources({ SelectStmt: node });
      return sources.length ? [{ kind: 'scan', table: sources[0] }] : [{ kind: 'catalog', table: null }];
    }
    case 'DoStmt': {
      // The work of what the block runs on every path (its checks, its statements).
      const items = (effect.inner ?? []).filter((i) => !i.conditional).flatMap((i) => statementWork(i.effect, context).filter((w) => w.kind !== 'catalog'));
      return items.length ? items : [{ kind: 'catalog', table: null }];
    }
    default:
      return [{ kind: 'catalog', table: null }];
  }
}

function alterTableWork(effect: StatementEffect, node: Node, context: WorkContext): WorkItem[] {
  const table = relationName(node.relation) ?? null;
  const items: WorkItem[] = [];
  const cmds: Node[] = (node.cmds ?? []).map((c: Node) => c.AlterTableCmd).filter(Boolean);
  const changesType = cmds.some((c) => c.subtype === 'AT_AlterColumnType');
  for (const cmd of cmds) {
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        // effects.ts flags a volatile default / identity / stored generated column as a rewrite.
        if (effect.rewritesTable && !changesType) items.push({ kind: 'rewrite', table });
        break;
      case 'AT_AlterColumnType': {
        const to = sqlTypeOf(cmd.def?.ColumnDef?.typeName);
        const from = table ? context.previousType(table, cmd.name) : undefined;
        if (from && to && !cmd.def?.ColumnDef?.raw_default && classifyTypeChange(from, to) === 'coercible') {
          items.push({ kind: 'catalog', table, note: `${from} → ${to} is binary-coercible: no rewrite` });
        } else {
          items.push({ kind: 'rewrite', table, note: from ? undefined : 'the previous type is not known: assumed a rewrite' });
        }
        break;
      }
      case 'AT_SetNotNull':
        if (table && context.hasNotNullCheck(table, cmd.name)) items.push({ kind: 'catalog', table, note: `a validated CHECK ("${cmd.name}" IS NOT NULL) lets it skip the scan` });
        else items.push({ kind: 'set-not-null', table });
        break;
      case 'AT_AddConstraint': {
        const c = cmd.def?.Constraint ?? {};
        if (c.skip_validation) break;
        if (c.contype === 'CONSTR_FOREIGN') items.push({ kind: 'fk-validate', table });
        else if (c.contype === 'CONSTR_CHECK') items.push({ kind: 'check-validate', table });
        else if ((c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && !c.indexname) items.push({ kind: 'index-build', table });
        break;
      }
      case 'AT_ValidateConstraint': {
        const kind = table ? context.constraintKind(table, cmd.name) : undefined;
        items.push(
          kind === 'check'
            ? { kind: 'check-validate', table }
            : { kind: 'fk-validate', table, note: kind === 'fk' ? undefined : 'the constraint kind is not known: assumed a foreign key (the slower check)' },
        );
        break;
      }
    }
  }
  return items.length ? items : [{ kind: 'catalog', table }];
}

/** Tables a SELECT reads (FROM, joins), outermost first. */
function selectSources(select: Node | undefined): string[] {
  const stmt = select?.SelectStmt;
  if (!stmt) return [];
  const out: string[] = [];
  const visit = (item: Node | undefined) => {
    if (!item) return;
    if (item.RangeVar && !isSystemCatalog(item.RangeVar)) out.push(relationName(item.RangeVar)!);
    if (item.JoinExpr) {
      visit(item.JoinExpr.larg);
      visit(item.JoinExpr.rarg);
    }
    if (item.RangeSubselect) out.push(...selectSources(item.RangeSubselect.subquery));
  };
  for (const item of stmt.fromClause ?? []) visit(item);
  if (stmt.larg) out.push(...selectSources({ SelectStmt: stmt.larg }));
  return out.filter(Boolean);
}
