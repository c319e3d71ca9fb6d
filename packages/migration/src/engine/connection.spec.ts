import { carriesPassword, databaseAddress, maskDatabaseUrl, maskSecrets, parseDatabaseUrl } from './connection';

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

  it.each([
    ['an unencoded @ in the password', 'postgresql://u:p@ss@host/db', 'postgresql://u:****@host/db'],
    ['several @ and a port and query', 'postgres://u:a@b@c@host:5432/db?schema=x', 'postgres://u:****@host:5432/db?schema=x'],
    ['?password= in the query string', 'postgresql://u@host/db?schema=a&password=s3cret&sslmode=disable', 'postgresql://u@host/db?schema=a&password=****&sslmode=disable'],
    ['a key=value string', 'host=db user=app password=s3cret dbname=shop', 'host=db user=app password=**** dbname=shop'],
    ['a key=value string with a quoted password', "host=db password='se cr\\'et' dbname=shop", 'host=db password=**** dbname=shop'],
    ['a malformed URL', 'postgresql://forge:n0t-it@localhost:port/db', 'postgresql://forge:****@localhost:port/db'],
  ])('masks exactly: %s', (_label, url, masked) => {
    expect(maskDatabaseUrl(url)).toBe(masked);
    expect(maskSecrets(`failed: ${url}.`, url)).toBe(`failed: ${masked}.`);
    expect(carriesPassword(url)).toBe(true);
  });

  it('tells a connection string without a password from one with', () => {
    for (const url of ['postgresql://app@db/shop', 'postgresql://db:5432/shop?schema=x', 'host=db user=app dbname=shop']) expect(carriesPassword(url)).toBe(false);
  });

  it('reads the password from an unencoded @ or the query string, as psql and pg do', () => {
    expect(parseDatabaseUrl('postgresql://u:p@ss@host/db')).toMatchObject({ user: 'u', password: 'p@ss', host: 'host', database: 'db' });
    expect(parseDatabaseUrl('postgresql://host/db?user=u&password=s3cret')).toMatchObject({ user: 'u', password: 's3cret', host: 'host' });
  });

  it('names a database by address only, without credentials', () => {
    expect(databaseAddress('postgresql://u:p@ss@db.internal:6432/shop?password=x')).toBe('db.internal:6432/shop');
    expect(databaseAddress('postgresql://u:secret@localhost/app')).toBe('localhost:5432/app');
  });
});
