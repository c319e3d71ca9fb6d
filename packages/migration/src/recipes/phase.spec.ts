import { assertKnownPhaseMarker, declaresPhase, phaseOf, withPhaseMarker } from './phase';

describe('phase marker', () => {
  it('reads the first line only; no line (hand-written, older migrations) is expand', () => {
    expect(phaseOf('-- forge:phase contract\nALTER TABLE "User" DROP COLUMN "name";\n')).toBe('contract');
    expect(phaseOf('-- forge:phase expand\n')).toBe('expand');
    expect(phaseOf('ALTER TABLE "User" DROP COLUMN "name";\n')).toBe('expand');
    // Further down it is just a comment.
    expect(phaseOf('-- Drop\n-- forge:phase contract\n')).toBe('expand');
    expect(declaresPhase('-- forge:phase contract\r\n')).toBe(true);
  });

  it('writes it once, replacing a marker already there', () => {
    const once = withPhaseMarker('-- Title\nSELECT 1;\n', 'contract');
    expect(once).toBe('-- forge:phase contract\n-- Title\nSELECT 1;\n');
    expect(withPhaseMarker(once, 'expand')).toBe('-- forge:phase expand\n-- Title\nSELECT 1;\n');
  });

  it('refuses an unknown phase word, naming the file', () => {
    expect(() => assertKnownPhaseMarker('2025_x', '-- forge:phase later\n')).toThrow('2025_x/migration.sql declares "-- forge:phase later": expected expand or contract.');
    expect(() => assertKnownPhaseMarker('2025_x', 'SELECT 1;\n')).not.toThrow();
  });
});
