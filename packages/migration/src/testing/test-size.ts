/**
 * How big the specs' data is. `npm test` (CI, 2 cores, a 15-minute budget) proves each recipe on
 * tables of tens of thousands of rows — several batches, the same code paths; `npm run
 * test:nightly` (FORGE_TEST_SIZE=nightly) runs the same specs on the sizes users report trouble at.
 */
export const NIGHTLY = process.env.FORGE_TEST_SIZE === 'nightly';

/** `ci` rows in `npm test`, `nightly` rows in the nightly run. */
export function rowsFor(ci: number, nightly: number): number {
  return NIGHTLY ? nightly : ci;
}

/** A row count as the specs' titles print it (100,000). */
export const rowCount = (rows: number): string => rows.toLocaleString('en');
