import { maskDatabaseUrl, maskSecrets, parseDatabaseUrl } from './connection';

describe('connection strings', () => {
  it('masks the password of any PostgreSQL URL in a message, and the given URL’s password anywhere', () => {
    const url = 'postgresql://app:s3cr%40t@db.internal:5432/shop';
    expect(maskDatabaseUrl(url)).not.toContain('s3cr');
    const message = `could not connect to postgres://app:s3cr@t@db.internal/shop; password "s3cr@t" rejected`;
    const masked = maskSecrets(message, url);
    expect(masked).not.toContain('s3cr@t');
    expect(masked).toContain('postgres://app:****@');
  });

  it('masks a real password that happens to be "password", but leaves the placeholder of the help text', () => {
    expect(maskSecrets('postgresql://app:password@localhost/db')).toBe('postgresql://app:****@localhost/db');
    expect(() => parseDatabaseUrl('not a url')).toThrow('Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE.');
    expect(maskSecrets('Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE.')).toContain('USER:PASSWORD@HOST');
  });
});
