import { query, testPgVersion, useEmbeddedPostgres } from '../testing/database';
import { serverMajorVersion } from '../runtime/version-check';
import { VERSION_FEATURES } from './features';

// Run on every major by `npm run test:matrix` (FORGE_PG_VERSION=14…18): each fact of the
// version table is checked against the real server, so a wrong `since` fails here.
const pg = useEmbeddedPostgres();

describe(`version facts on PostgreSQL ${testPgVersion()}`, () => {
  it('runs the major it was asked for', async () => {
    expect(await serverMajorVersion(pg.serverUrl)).toBe(testPgVersion());
  });

  // Titled with what the table says of this major (`yes`, `none (42601)`), for the matrix's grid.
  const expectation = (f: (typeof VERSION_FEATURES)[number]) => (testPgVersion() >= f.since ? 'yes' : `none (${f.probe.missing})`);
  it.each(VERSION_FEATURES.map((f) => [f.id, expectation(f), f] as const))('%s: %s', async (_id, _expected, feature) => {
    const url = await pg.freshDatabase();
    if (feature.probe.setup) await query(url, feature.probe.setup);
    const outcome = await query(url, feature.probe.sql).then(
      () => 'works',
      (error: { code?: string }) => error.code,
    );
    expect(outcome).toBe(pg.major >= feature.since ? 'works' : feature.probe.missing);
  });
});
