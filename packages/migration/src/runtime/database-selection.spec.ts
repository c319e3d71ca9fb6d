import { join } from 'node:path';
import { embeddedDataDir } from './database-selection';

describe('embeddedDataDir', () => {
  // A path whose parents anyone can enter, so that the rule is the same as root and as a user.
  const workspace = join('/tmp', `forge-no-such-workspace-${process.pid}`);
  const saved = process.env.FORGE_EMBEDDED_PG_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.FORGE_EMBEDDED_PG_DIR;
    else process.env.FORGE_EMBEDDED_PG_DIR = saved;
  });

  it('keeps one data directory per major: .forge/postgres for 15 (as before versions), .forge/postgres-<major> otherwise', () => {
    delete process.env.FORGE_EMBEDDED_PG_DIR;
    expect(embeddedDataDir(workspace)).toBe(join(workspace, '.forge/postgres'));
    expect(embeddedDataDir(workspace, 15)).toBe(join(workspace, '.forge/postgres'));
    expect(embeddedDataDir(workspace, 18)).toBe(join(workspace, '.forge/postgres-18'));
  });

  it('uses FORGE_EMBEDDED_PG_DIR as given, whatever the major (the server refuses another major’s directory)', () => {
    process.env.FORGE_EMBEDDED_PG_DIR = '/srv/pg';
    expect(embeddedDataDir(workspace, 14)).toBe('/srv/pg');
  });
});
