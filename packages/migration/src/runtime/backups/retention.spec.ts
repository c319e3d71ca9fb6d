import { backupsNamedIn, mentionsName } from './backup-references';
import { formatDuration, parseDuration } from './duration';
import type { BackupInfo } from './registry';
import { dropGroups, planPrune, type AppliedMigration } from './retention';

const HOUR = 3_600_000;
const now = new Date('2026-01-10T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);

function backup(table: string, hoursAgo: number, extra: Partial<BackupInfo> = {}): BackupInfo {
  return {
    table,
    migration: null,
    createdAt: ago(hoursAgo),
    source: 'migrate',
    ageMs: hoursAgo * HOUR,
    rows: 0,
    bytes: 0,
    enums: [],
    sequences: [],
    linkedTo: [],
    ...extra,
  };
}

const restoreFrom = (table: string) => `UPDATE "User" AS t SET "name" = b."name" FROM "_forge_backup"."${table}" AS b WHERE t."id" = b."id";`;

describe('planPrune', () => {
  const policy = { retentionMs: 24 * HOUR, now };

  it('drops a backup older than the retention and keeps a younger one', () => {
    const decisions = planPrune([backup('Old__x__1', 30), backup('Young__x__2', 23)], [], policy);
    expect(decisions.map((d) => [d.backup.table, d.action, d.reason])).toEqual([
      ['Old__x__1', 'drop', 'older than the retention (1 d 6 h)'],
      ['Young__x__2', 'keep', 'younger than the retention (registered 23 h ago; 1 h left)'],
    ]);
  });

  it('counts from the newest applied migration whose rollback needs the backup (a backup made long before its removal step)', () => {
    const applied: AppliedMigration[] = [
      { name: '1_remove_name_backup', appliedAt: ago(40), downSql: 'DROP TABLE IF EXISTS "_forge_backup"."User__name__1";' },
      { name: '2_remove_name', appliedAt: ago(5), downSql: restoreFrom('User__name__1') },
      { name: '3_later', appliedAt: ago(1), downSql: 'SELECT 1;' },
    ];
    const [decision] = planPrune([backup('User__name__1', 40)], applied, policy);
    expect(decision).toMatchObject({ action: 'keep', neededBy: ['1_remove_name_backup', '2_remove_name'], since: ago(5) });
    expect(decision.reason).toBe('the rollback of 2_remove_name, applied 5 h ago, needs it (19 h left)');

    const later = planPrune([backup('User__name__1', 40)], applied, { ...policy, now: new Date(now.getTime() + 20 * HOUR) });
    expect(later[0]).toMatchObject({ action: 'drop', reason: 'older than the retention (1 d 1 h); afterwards migrate-down cannot roll back 1_remove_name_backup, 2_remove_name' });
  });

  it('keeps what the rollback of the last applied migration needs unless forced', () => {
    const applied: AppliedMigration[] = [{ name: '2_remove_name', appliedAt: ago(50), downSql: restoreFrom('User__name__1') }];
    expect(planPrune([backup('User__name__1', 50)], applied, policy)[0]).toMatchObject({
      action: 'keep',
      reason: 'the rollback of the last applied migration 2_remove_name needs it (--force drops it)',
    });
    expect(planPrune([backup('User__name__1', 50)], applied, { ...policy, force: true })[0].action).toBe('drop');
  });

  it('keeps backups linked by a foreign key together, and drops linked ones in one group', () => {
    const parked = backup('Coupon__removed__1', 50, { linkedTo: ['_CouponToTag__removed__1', 'Child__removed__2'] });
    const join = backup('_CouponToTag__removed__1', 50, { linkedTo: ['Coupon__removed__1'] });
    const young = backup('Child__removed__2', 2, { linkedTo: ['Coupon__removed__1'] });
    const kept = planPrune([parked, join, young], [], policy);
    expect(kept.map((d) => [d.backup.table, d.action, d.reason])).toEqual([
      ['Coupon__removed__1', 'keep', 'linked by a foreign key to Child__removed__2, which is kept'],
      ['_CouponToTag__removed__1', 'keep', 'linked by a foreign key to Coupon__removed__1, which is kept'],
      ['Child__removed__2', 'keep', expect.stringMatching(/^younger than the retention/)],
    ]);
    const alone = planPrune([{ ...parked, linkedTo: [join.table] }, join, backup('Other__x__3', 30)], [], policy);
    expect(dropGroups(alone).map((g) => g.map((d) => d.backup.table))).toEqual([['Coupon__removed__1', '_CouponToTag__removed__1'], ['Other__x__3']]);
  });
});

describe('backup references', () => {
  it("finds the backups a rollback needs: qualified names, and remove-table's format() arguments", () => {
    const removeTableDown = `DO $$ BEGIN
  EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', '_forge_backup', 'Coupon__removed__1', current_schema());
  EXECUTE format('ALTER TYPE %I.%I SET SCHEMA %I', '_forge_backup', 'CouponKind__removed__1', current_schema());
END $$;`;
    expect(backupsNamedIn(removeTableDown)).toEqual(['Coupon__removed__1', 'CouponKind__removed__1']);
    expect(backupsNamedIn(`${restoreFrom('User__na""me__1')} SELECT * FROM _forge_backup.plain_name;`)).toEqual(['User__na"me__1', 'plain_name']);
    expect(backupsNamedIn('ALTER TABLE "User" DROP COLUMN "name";')).toEqual([]);
    expect(backupsNamedIn(null)).toEqual([]);
  });

  it('sees a parked table named unqualified in the script that parks it', () => {
    const up = 'ALTER TABLE "Coupon" RENAME TO "Coupon__removed__1";\nALTER TABLE "Coupon__removed__1" SET SCHEMA "_forge_backup";';
    expect(mentionsName(up, 'Coupon__removed__1')).toBe(true);
    expect(mentionsName(up, 'Coupon__removed__2')).toBe(false);
  });
});

describe('durations', () => {
  it('accepts hours, days and minutes, and refuses anything else with the accepted forms', () => {
    expect(parseDuration('24h', '--retention')).toBe(24 * HOUR);
    expect(parseDuration('7d', '--retention')).toBe(7 * 24 * HOUR);
    expect(parseDuration(' 1.5d ', '--retention')).toBe(36 * HOUR);
    expect(parseDuration('90m', '--retention')).toBe(1.5 * HOUR);
    expect(() => parseDuration('24', '--retention')).toThrow('--retention must be a duration such as 24h, 7d or 90m (got "24").');
    expect(() => parseDuration('1w', '--retention')).toThrow(/got "1w"/);
    expect(formatDuration(26 * HOUR)).toBe('1 d 2 h');
    expect(formatDuration(5 * HOUR + 30 * 60_000)).toBe('5 h 30 min');
    expect(formatDuration(59_000)).toBe('0 min');
  });
});
