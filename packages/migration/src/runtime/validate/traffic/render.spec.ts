import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationValidation } from '../validate';
import { renderTrafficText, TRAFFIC_HEADING, trafficSection, writeTrafficSection } from './render';

const proven: MigrationValidation = {
  migration: '20250301000000_add_flag',
  upMs: 300,
  downMs: 250,
  reapplyMs: 280,
  rows: 40,
  validated: null,
  problems: [],
  verdict: 'pass',
  traffic: {
    steps: [
      { step: 'up', ms: 110, statements: 12, worstMs: 8.4, p99Ms: 6.1, baselineMs: 3, stallMs: 5.4 },
      { step: 'down', ms: 940, statements: 9, worstMs: 812, p99Ms: 812, baselineMs: 4, stallMs: 808 },
    ],
    locks: [
      { file: 'migration.sql', line: 1, action: 'ALTER TABLE "Order" ADD COLUMN "flag"', predicted: 'ACCESS EXCLUSIVE on "Order"', measured: 'ACCESS EXCLUSIVE on "Order"', mismatches: [] },
      { file: 'down.sql', line: 2, action: 'ALTER TABLE "Order" DROP CONSTRAINT "f"', predicted: 'ACCESS EXCLUSIVE on "Order"', measured: 'ACCESS EXCLUSIVE on "Order", ACCESS EXCLUSIVE on "User"', mismatches: ['took ACCESS EXCLUSIVE on "User", not predicted'] },
    ],
    writes: 82,
    refused: [{ message: 'insert Order: column "flag" of relation "Order" does not exist', count: 1 }],
    stoppedOn: [],
  },
};

describe('the traffic figures of a proof', () => {
  it('print per step the worst and p99 latency beside the latency just before, and each statement\'s locks, predicted and measured', () => {
    const text = renderTrafficText(proven);
    expect(text).toContain('20250301000000_add_flag under traffic (82 committed writes):');
    expect(text).toMatch(/^down +940 ms +9 +812 ms +812 ms +4 ms +808 ms$/m);
    expect(text).toContain('✗ took ACCESS EXCLUSIVE on "User", not predicted');
    expect(text).toContain('Writes the database refused (not committed): insert Order: column "flag" of relation "Order" does not exist (1×).');
  });

  it('go into report.md as a section that a later run replaces, leaving the rest of the report as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-report-'));
    try {
      const path = join(dir, 'report.md');
      writeFileSync(path, '# 20250301000000_add_flag\n\n## Impact\n\nsmall\n');
      const section = trafficSection(proven, { maxStallMs: 1000, postgres: 'PostgreSQL 15 (embedded)' });
      expect(section).toContain('| down | 940 ms | 9 | 812 ms | 812 ms | 4 ms | 808 ms |');
      expect(section).toContain('| `down.sql`:2 ALTER TABLE "Order" DROP CONSTRAINT "f" | ACCESS EXCLUSIVE on "Order" | ACCESS EXCLUSIVE on "Order", ACCESS EXCLUSIVE on "User" — **took ACCESS EXCLUSIVE on "User", not predicted** |');
      expect(writeTrafficSection(path, section)).toBe(true);
      const again = trafficSection({ ...proven, traffic: { ...proven.traffic!, writes: 90 } }, { maxStallMs: 1000, postgres: 'PostgreSQL 15 (embedded)' });
      writeTrafficSection(path, again);
      const report = readFileSync(path, 'utf8');
      expect(report.startsWith('# 20250301000000_add_flag\n\n## Impact\n\nsmall\n\n## Measured under traffic\n')).toBe(true);
      expect(report.split(TRAFFIC_HEADING)).toHaveLength(2);
      expect(report).toContain('90 committed writes');
      expect(writeTrafficSection(join(dir, 'missing.md'), section)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
