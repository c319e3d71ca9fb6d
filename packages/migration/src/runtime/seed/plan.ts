import { type Catalog, type ForeignKey, type TableInfo, foreignKeyCanBeNull, tableKey, tableRefOf } from './catalog';
import { SeedError } from './errors';

export interface SeedStep {
  table: TableInfo;
  /** Asked for by the caller (the others are empty parents that foreign keys need). */
  target: boolean;
  /** False when the table already has rows and `onlyIfEmpty` is set. */
  insert: boolean;
  /** Rows were there before seeding. */
  hadRows: boolean;
  /**
   * Foreign keys the INSERT leaves NULL because their parent gets its rows later (a self-reference,
   * or the nullable link that breaks a cycle); an UPDATE fills them once every table has rows.
   */
  deferred: ForeignKey[];
}

export interface PlanOptions {
  hasRows: (table: TableInfo) => boolean;
  onlyIfEmpty: boolean;
}

/** The targets and every table their foreign keys reach, transitively (what may need rows). */
export function parentClosure(catalog: Catalog, targets: TableInfo[]): TableInfo[] {
  const seen = new Map<string, TableInfo>();
  const visit = (table: TableInfo) => {
    const key = tableKey(table.schema, table.name);
    if (seen.has(key)) return;
    seen.set(key, table);
    for (const fk of table.foreignKeys) visit(parentOf(catalog, fk));
  };
  targets.forEach(visit);
  return [...seen.values()];
}

/**
 * Insert order: every parent before its children, so foreign key columns can take existing parent
 * keys. Parents outside the targets get rows only when empty (otherwise their rows serve). Cycles
 * are broken on a nullable foreign key (NULL at insert, UPDATE afterwards); a cycle made only of
 * NOT NULL foreign keys cannot be seeded and is reported with its links.
 */
export function planSeed(catalog: Catalog, targets: TableInfo[], options: PlanOptions): SeedStep[] {
  const targetKeys = new Set(targets.map(keyOf));
  const steps = new Map<string, SeedStep>();
  const queue = [...targets];
  while (queue.length > 0) {
    const table = queue.shift()!;
    const key = keyOf(table);
    if (steps.has(key)) continue;
    const target = targetKeys.has(key);
    const hadRows = options.hasRows(table);
    const insert = target ? !(hadRows && options.onlyIfEmpty) : !hadRows;
    steps.set(key, { table, target, insert, hadRows, deferred: [] });
    // A table that gets no rows needs nothing from its parents.
    if (insert) for (const fk of table.foreignKeys) queue.push(parentOf(catalog, fk));
  }

  const inserted = [...steps.values()].filter((s) => s.insert);
  const order = insertOrder(inserted);
  const skipped = [...steps.values()].filter((s) => !s.insert && s.target);
  return [...order, ...skipped];
}

interface Edge {
  child: SeedStep;
  parent: SeedStep;
  fk: ForeignKey;
  /** Can be NULL at insert and filled later. */
  nullable: boolean;
}

function insertOrder(steps: SeedStep[]): SeedStep[] {
  const byKey = new Map(steps.map((s) => [keyOf(s.table), s]));
  // Only parents that are seeded *and* start empty constrain the order; a parent with rows already
  // satisfies a foreign key whenever its child comes.
  const edges: Edge[] = steps.flatMap((child) =>
    child.table.foreignKeys.flatMap((fk) => {
      const parent = byKey.get(tableKey(fk.refSchema, fk.refTable));
      return parent && !parent.hadRows ? [{ child, parent, fk, nullable: foreignKeyCanBeNull(child.table, fk) }] : [];
    }),
  );
  const components = stronglyConnected(steps, edges);
  const componentOf = new Map<SeedStep, number>();
  components.forEach((members, i) => members.forEach((m) => componentOf.set(m, i)));

  // Components in dependency order (Kahn's algorithm, ties by name so the order is reproducible).
  const pendingParents = components.map(() => new Set<number>());
  for (const e of edges) {
    const [c, p] = [componentOf.get(e.child)!, componentOf.get(e.parent)!];
    if (c !== p) pendingParents[c].add(p);
  }
  const done = new Set<number>();
  const order: SeedStep[] = [];
  while (done.size < components.length) {
    const ready = components
      .map((members, i) => ({ i, name: members.map((m) => keyOf(m.table)).sort()[0] }))
      .filter(({ i }) => !done.has(i) && [...pendingParents[i]].every((p) => done.has(p)))
      .sort((a, b) => compare(a.name, b.name));
    const next = ready[0].i; // the condensation is acyclic: something is always ready
    order.push(...orderWithinCycle(components[next], edges));
    done.add(next);
  }
  return order;
}

/**
 * Members of one strongly connected component (a single table, or tables whose foreign keys form a
 * cycle). NOT NULL links must point to tables already placed; nullable links that cannot are deferred.
 */
function orderWithinCycle(members: SeedStep[], allEdges: Edge[]): SeedStep[] {
  const inside = new Set(members);
  const edges = allEdges.filter((e) => inside.has(e.child) && inside.has(e.parent));
  const placed = new Set<SeedStep>();
  const order: SeedStep[] = [];
  while (order.length < members.length) {
    const candidates = members
      .filter((m) => !placed.has(m))
      .filter((m) => edges.every((e) => e.child !== m || e.nullable || (placed.has(e.parent) && e.parent !== m)))
      .map((m) => ({ m, deferrals: edges.filter((e) => e.child === m && !placed.has(e.parent)).length }))
      .sort((a, b) => a.deferrals - b.deferrals || compare(keyOf(a.m.table), keyOf(b.m.table)));
    if (candidates.length === 0) throw cycleError(members.filter((m) => !placed.has(m)), edges);
    const { m } = candidates[0];
    m.deferred = edges.filter((e) => e.child === m && !placed.has(e.parent)).map((e) => e.fk);
    placed.add(m);
    order.push(m);
  }
  return order;
}

function cycleError(remaining: SeedStep[], edges: Edge[]): SeedError {
  // Every remaining table has a NOT NULL link to another remaining one: walking them finds the cycle.
  const hard = (m: SeedStep) => edges.find((e) => e.child === m && !e.nullable && remaining.includes(e.parent))!;
  const path: Edge[] = [];
  const visited = new Map<SeedStep, number>();
  let at = [...remaining].sort((a, b) => compare(keyOf(a.table), keyOf(b.table)))[0];
  while (!visited.has(at)) {
    visited.set(at, path.length);
    const edge = hard(at);
    path.push(edge);
    at = edge.parent;
  }
  const cycle = path.slice(visited.get(at));
  const links = cycle.map((e) => `${tableRefOf(e.child.table)}(${e.fk.columns.map((c) => JSON.stringify(c)).join(', ')}) → ${tableRefOf(e.parent.table)}`);
  return new SeedError(
    `Cannot seed ${cycle.map((e) => tableRefOf(e.child.table)).join(', ')}: their NOT NULL foreign keys form a cycle ` +
      `(${links.join(', ')}), so no row can be inserted first. Make one of these foreign key columns nullable, ` +
      'or give these tables rows before validating.',
  );
}

/** Tarjan's algorithm: tables that reach each other through foreign keys (a cycle) form one component. */
function stronglyConnected(steps: SeedStep[], edges: Edge[]): SeedStep[][] {
  const index = new Map<SeedStep, number>();
  const low = new Map<SeedStep, number>();
  const stack: SeedStep[] = [];
  const onStack = new Set<SeedStep>();
  const components: SeedStep[][] = [];
  const visit = (v: SeedStep) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const e of edges.filter((x) => x.child === v)) {
      if (!index.has(e.parent)) {
        visit(e.parent);
        low.set(v, Math.min(low.get(v)!, low.get(e.parent)!));
      } else if (onStack.has(e.parent)) {
        low.set(v, Math.min(low.get(v)!, index.get(e.parent)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: SeedStep[] = [];
      let w: SeedStep;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  [...steps].sort((a, b) => compare(keyOf(a.table), keyOf(b.table))).forEach((s) => index.has(s) || visit(s));
  return components;
}

function parentOf(catalog: Catalog, fk: ForeignKey): TableInfo {
  const parent = catalog.tables.get(tableKey(fk.refSchema, fk.refTable));
  if (!parent) throw new Error(`Internal: table ${fk.refSchema}.${fk.refTable} referenced by ${fk.name} was not read`);
  return parent;
}

function keyOf(table: TableInfo): string {
  return tableKey(table.schema, table.name);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
