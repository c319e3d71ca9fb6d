import { columnBackupTableName, fitIdentifier, parkedName, removedTableName, serialSequenceName, truncateBytes } from './backup-names';

describe('backup names', () => {
  it('end with the stamp and fit 63 bytes', () => {
    expect(columnBackupTableName('User', ['email', 'role'], '20250101120000')).toBe('User__email_role__20250101120000');
    expect(removedTableName('Coupon', '20250101120000')).toBe('Coupon__removed__20250101120000');
    expect(parkedName('Coupon_pkey', '20250101120000')).toBe('Coupon_pkey__20250101120000');
    const long = columnBackupTableName('t'.repeat(60), ['c'.repeat(60)], '20250101120000');
    expect(Buffer.byteLength(long)).toBe(63);
    expect(long).toMatch(/^t{38}_[0-9a-f]{8}__20250101120000$/);
    expect(Buffer.byteLength(removedTableName('x'.repeat(63), '20250101120000'))).toBe(63);
  });

  it('cuts on a character boundary', () => {
    expect(truncateBytes('ééé', 5)).toBe('éé');
    expect(fitIdentifier('é'.repeat(40), '__20250101120000')).toMatch(/^é{19}_[0-9a-f]{8}__20250101120000$/);
  });

  it('keeps names that fit as they are, and makes cut ones unique: a hash of the whole name, counted in bytes', () => {
    expect(fitIdentifier('User__email', '__forge_fill')).toBe('User__email__forge_fill');
    // Two columns whose names share their first 62 bytes: PostgreSQL's own cut would give both one name.
    const [x, y] = [`${'a'.repeat(62)}x`, `${'a'.repeat(62)}y`].map((column) => fitIdentifier(column, '__forge_fill'));
    expect(x).not.toBe(y);
    for (const name of [x, y]) expect(Buffer.byteLength(name)).toBe(63);
    // Multibyte: 2 bytes a character, cut on a character boundary, still within 63 bytes and distinct.
    const [é1, é2] = [`${'é'.repeat(31)}1`, `${'é'.repeat(31)}2`].map((column) => fitIdentifier(`Tenant__${column}`, '__20250101120000__fill'));
    expect(é1).not.toBe(é2);
    for (const name of [é1, é2]) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^Tenant__é+_[0-9a-f]{8}__20250101120000__fill$/);
    }
  });

  it("names a serial column's sequence as PostgreSQL does", () => {
    expect(serialSequenceName('Coupon', 'id')).toBe('Coupon_id_seq');
    // The longer of the two is shortened first until {table}_{column}_seq fits 63 bytes.
    expect(serialSequenceName('a'.repeat(40), 'b'.repeat(30))).toBe(`${'a'.repeat(29)}_${'b'.repeat(29)}_seq`);
    expect(serialSequenceName('a'.repeat(60), 'id')).toBe(`${'a'.repeat(56)}_id_seq`);
  });
});
