/** Readers over libpg-query's JSON AST shared by effects.ts and the lint rules. */

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Visits every object in a subtree with the key it sits under. */
export function walk(node: unknown, visit: (key: string, value: Node) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) visit(key, value as Node);
    walk(value, visit);
  }
}

/** Functions whose value differs per row (a column default calling one rewrites the table). */
const VOLATILE_FUNCTIONS = /^(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current|statement_timestamp|uuidv7)$/i;

/** The first volatile function an expression calls anywhere inside it, or undefined. */
export function volatileFunction(expr: Node | undefined): string | undefined {
  let found: string | undefined;
  walk(expr, (key, value) => {
    if (found || key !== 'FuncCall') return;
    const name: string | undefined = (value.funcname ?? []).map((n: Node) => n.String?.sval).pop();
    if (name && VOLATILE_FUNCTIONS.test(name)) found = name;
  });
  return found;
}

/** serial types fill every existing row from a sequence. */
export function isSerialType(def: Node | undefined): boolean {
  const names: Node[] = def?.typeName?.names ?? [];
  return names.length === 1 && /^(small|big)?serial[248]?$/i.test(names[0].String?.sval ?? '');
}
