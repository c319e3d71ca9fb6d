import { truncateBytes } from '../../../recipes/backup-names';
import { MAX_IDENTIFIER_BYTES } from '../../../sql/identifiers';
import { q } from '../rule-helpers';
import { writtenIdentifiers } from '../../sql-facts';
import type { LintRule, RuleFinding } from '../types';

/**
 * A longer name is truncated without an error: the object gets another name than the one written
 * (and than Prisma expects, so it reports drift), and two long names can collide.
 */
export const identifierTooLong: LintRule = {
  id: 'identifier-too-long',
  severity: 'error',
  summary: `Identifiers must fit in ${MAX_IDENTIFIER_BYTES} bytes.`,
  peers: { squawk: 'identifier-too-long' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const long = [...new Set(writtenIdentifiers(statement.statement.text))].filter((name) => Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES);
      for (const name of long) {
        const kept = truncateBytes(name, MAX_IDENTIFIER_BYTES);
        findings.push({
          statement,
          message: `${q(name)} is ${Buffer.byteLength(name)} bytes: PostgreSQL silently truncates it to ${q(kept)}, so the object does not get the name written here.`,
          fix: `Use a name of at most ${MAX_IDENTIFIER_BYTES} bytes (in Prisma, map a shorter database name with @map, @@map or map:).`,
        });
      }
    }
    return findings;
  },
};
