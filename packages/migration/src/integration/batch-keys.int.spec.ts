import { CORPUS, type CorpusChange } from '../testing/corpus-changes';
import { baselineSchema, runCorpusChange, type BaselinedSchema } from '../testing/corpus-run';
import { useEmbeddedPostgres } from '../testing/database';
import { NIGHTLY } from '../testing/test-size';

/**
 * Batched work on models without a single-column primary key. A model with no @id: hoppscotch's InvitedUsers (testing/corpus, unmodified) is
 * keyed only by `inviteeEmail String @unique`. Backfills, backups and conversions page on that
 * required unique column; each change is proven as the corpus proves one: validate (rows in the
 * table), migrate, status without drift, down, migrate again.
 */
const pg = useEmbeddedPostgres();
const hoppscotch = CORPUS.find((s) => s.name === 'hoppscotch')!;
const langfuse = CORPUS.find((s) => s.name === 'langfuse')!;

const CHANGES: CorpusChange[] = [
  {
    type: 'add-column',
    what: 'InvitedUsers.inviteeDomain, required, backfilled in batches from the e-mail',
    options: { targetTable: 'InvitedUsers', name: 'inviteeDomain', type: 'String', backfillSql: `split_part("inviteeEmail", '@', 2)` },
  },
  { type: 'remove-column', what: 'InvitedUsers.adminEmail, backed up by inviteeEmail', options: { targetTable: 'InvitedUsers', column: 'adminEmail', confirmDataLoss: true } },
  {
    type: 'modify-column',
    what: 'InvitedUsers.invitedOn Timestamptz → Timestamp, converted in batches',
    options: { targetTable: 'InvitedUsers', column: 'invitedOn', dbType: 'Timestamp(3)', confirmDataLoss: true },
  },
];

describe('batched changes on a model keyed only by a required @unique column (hoppscotch InvitedUsers)', () => {
  let baselined: BaselinedSchema;
  beforeAll(async () => {
    baselined = await baselineSchema(hoppscotch, () => pg.freshDatabase());
  }, 600_000);

  // npm test proves the backfill; the backup and the conversion page on the same key (nightly).
  it.each(CHANGES.filter((c) => NIGHTLY || c.type === 'add-column').map((c) => [c.what, c] as const))('%s', async (_what, change) => {
    const result = await runCorpusChange(baselined, change, (template) => pg.freshDatabase(template), { seedRows: 30 });
    expect({ outcome: result.outcome, detail: result.detail }).toEqual({ outcome: 'pass', detail: '' });
    expect(result.folders).toBeGreaterThan(0);
  }, 600_000);
});

/** langfuse's DatasetRuns is keyed by @@id([id, projectId]): a removed column's backup is keyed by both. */
describe('batched changes on a model with a composite @@id (langfuse DatasetRuns)', () => {
  let baselined: BaselinedSchema;
  beforeAll(async () => {
    baselined = await baselineSchema(langfuse, () => pg.freshDatabase());
  }, 600_000);

  it('remove-column DatasetRuns.description: backed up by (id, project_id), restored by the rollback', async () => {
    const change: CorpusChange = { type: 'remove-column', what: 'DatasetRuns.description', options: { targetTable: 'DatasetRuns', column: 'description', confirmDataLoss: true } };
    const result = await runCorpusChange(baselined, change, (template) => pg.freshDatabase(template), { seedRows: 30 });
    expect({ outcome: result.outcome, detail: result.detail }).toEqual({ outcome: 'pass', detail: '' });
  }, 600_000);

  it('add-column with a batched backfill is still refused on a composite key, with the way out (a constant, or optional)', async () => {
    const change: CorpusChange = {
      type: 'add-column',
      what: 'DatasetRuns.slug, backfilled from the name',
      options: { targetTable: 'DatasetRuns', name: 'slug', type: 'String', backfillSql: 'lower("name")' },
    };
    const result = await runCorpusChange(baselined, change, (template) => pg.freshDatabase(template));
    expect(result.outcome).toBe('refused');
    expect(result.detail).toMatch(/dataset_runs has no single-column primary key.*Give a constant --backfillValue instead.*--optional/);
  }, 600_000);
});
