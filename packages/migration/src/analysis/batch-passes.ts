import { normalize } from './table-names';

/** One batched pass of a data migration over a table (ctx.batchUpdate / ctx.batchCopy). */
export interface BatchPass {
  kind: 'backfill' | 'batch-copy';
  table: string;
  /** batch-copy: the receiving table (`_forge_backup.User__name__…`). */
  into?: string;
}

/** A data migration as far as its cost goes: the batched passes of up() and down(). */
export interface DataMigrationInput {
  name: string;
  up: BatchPass[];
  down: BatchPass[];
}

/** The batched passes of a generated data migration body (`ctx.batchUpdate({ table: … })`, `ctx.batchCopy(…)`, a hand-paged copy loop). */
export function batchPassesOf(body: string, defaultTable: string): BatchPass[] {
  const passes: BatchPass[] = [];
  const call = /ctx\.(batchUpdate|batchCopy)\(\s*\{([\s\S]*?)\}\s*\)/g;
  const field = (args: string, name: string) => {
    const m = new RegExp(`\\b${name}:\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(args);
    return m ? (JSON.parse(m[1]) as string) : undefined;
  };
  for (const m of body.matchAll(call)) {
    const into = field(m[2], 'into');
    passes.push({ kind: m[1] === 'batchUpdate' ? 'backfill' : 'batch-copy', table: field(m[2], 'table') ?? defaultTable, ...(into ? { into: unquoteQualified(into) } : {}) });
  }
  // A copy paged by hand (composite keys): one pass over the table.
  if (!passes.length && /for \(;;\)[\s\S]*ctx\.query/.test(body)) {
    const into = /INSERT INTO ((?:\\?"(?:[^"\\]|"")+\\?"\.?)+)/.exec(body)?.[1];
    passes.push({ kind: 'batch-copy', table: defaultTable, ...(into ? { into: unquoteQualified(into.replace(/\\"/g, '"')) } : {}) });
  }
  return passes;
}

/** `"_forge_backup"."User__x"` → `_forge_backup.User__x`. */
function unquoteQualified(sql: string): string {
  const parts = [...sql.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][\w$]*)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]));
  return normalize(parts.join('.'));
}
