import { defaultCastCannotFail } from './modify-column-types';

describe('defaultCastCannotFail', () => {
  it.each([
    ['INTEGER', 'BIGINT'],
    ['SMALLINT', 'INTEGER'],
    ['INTEGER', 'DECIMAL'],
    ['BIGINT', 'DOUBLE PRECISION'],
    ['REAL', 'DOUBLE PRECISION'],
    ['INTEGER', 'TEXT'],
  ])('%s → %s never raises', (from, to) => expect(defaultCastCannotFail(from, to)).toBe(true));

  it.each([
    ['BIGINT', 'INTEGER'],
    ['INTEGER', 'DECIMAL(5,2)'],
    ['TEXT', 'INTEGER'],
    ['DOUBLE PRECISION', 'INTEGER'],
    ['INTEGER', 'VARCHAR(3)'],
    ['"Status"', 'TEXT'],
    ['INTEGER[]', 'BIGINT[]'],
  ])('%s → %s may raise, so the conversion traps errors', (from, to) => expect(defaultCastCannotFail(from, to)).toBe(false));
});
