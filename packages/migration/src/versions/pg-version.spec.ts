import { ForgeInputError } from '../errors';
import { parsePgVersion } from './pg-version';

describe('parsePgVersion', () => {
  it('takes a supported major as a number or a string; nothing set is undefined', () => {
    expect(parsePgVersion(18, '--pgVersion')).toBe(18);
    expect(parsePgVersion(' 14 ', '--pgVersion')).toBe(14);
    expect(parsePgVersion(undefined, '--pgVersion')).toBeUndefined();
    expect(parsePgVersion('', 'FORGE_PG_VERSION')).toBeUndefined();
  });

  it('refuses anything else, naming the setting and the majors it can be', () => {
    expect(() => parsePgVersion(13, '--pgVersion')).toThrow(ForgeInputError);
    expect(() => parsePgVersion(13, '--pgVersion')).toThrow('Invalid --pgVersion 13: expected a PostgreSQL major version, one of 14, 15, 16, 17, 18 (default 15).');
    expect(() => parsePgVersion('latest', 'FORGE_PG_VERSION')).toThrow(/^Invalid FORGE_PG_VERSION "latest"/);
  });

  it('tells a minor version apart from a wrong one', () => {
    expect(() => parsePgVersion('16.4', '--pgVersion')).toThrow(/Give the major version only: 16\.$/);
    expect(() => parsePgVersion(17.2, '--pgVersion')).toThrow(/Give the major version only: 17\.$/);
  });
});
