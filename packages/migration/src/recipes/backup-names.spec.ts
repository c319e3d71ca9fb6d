import { columnBackupTableName, fitIdentifier, parkedName, removedTableName, serialSequenceName, truncateBytes } from './backup-names';

describe('backup names', () => {
  it('end with the stamp and fit 63 bytes', () => {
    expect(columnBackupTableName('User', ['email', 'role'], '20250101120000')).toBe('User__email_role__20250101120000');
    expect(removedTableName('Coupon', '20250101120000')).toBe('Coupon__removed__20250101120000');
    expect(parkedName('Coupon_pkey', '20250101120000')).toBe('Coupon_pkey__20250101120000');
    const long = columnBackupTableName('t'.repeat(60), ['c'.repeat(60)], '20250101120000');
    expect(Buffer.byteLength(long)).toBe(63);
    expect(long).toMatch(/^t+__20250101120000$/);
    expect(Buffer.byteLength(removedTableName('x'.repeat(63), '20250101120000'))).toBe(63);
  });

  it('cuts on a character boundary', () => {
    expect(truncateBytes('ééé', 5)).toBe('éé');
    expect(fitIdentifier('é'.repeat(40), '__20250101120000')).toMatch(/^é{23}__20250101120000$/);
  });

  it("names a serial column's sequence as PostgreSQL does", () => {
    expect(serialSequenceName('Coupon', 'id')).toBe('Coupon_id_seq');
    // The longer of the two is shortened first until {table}_{column}_seq fits 63 bytes.
    expect(serialSequenceName('a'.repeat(40), 'b'.repeat(30))).toBe(`${'a'.repeat(29)}_${'b'.repeat(29)}_seq`);
    expect(serialSequenceName('a'.repeat(60), 'id')).toBe(`${'a'.repeat(56)}_id_seq`);
  });
});
