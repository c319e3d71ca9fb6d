/** The ten change types, by generator name. */
export const CHANGE_TYPES = [
  'add-column',
  'add-index',
  'add-relation',
  'add-table',
  'modify-column',
  'remove-column',
  'remove-index',
  'remove-relation',
  'remove-table',
  'rename',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** One realistic change to a corpus schema: the generator and the options a user would pass. */
export interface CorpusChange {
  type: ChangeType;
  /** What the change does, in the project's own terms. */
  what: string;
  options: Record<string, unknown>;
}

export interface CorpusSchema {
  /** Folder under testing/corpus/ (and the Nx project name in the test tree). */
  name: string;
  /** One change of each type, chosen for this schema. */
  changes: CorpusChange[];
  /** The change types `npm test` runs (the nightly `npm run test:corpus` runs every change). */
  ci: ChangeType[];
}

/**
 * The corpus: real public schemas (testing/corpus/SOURCES.md) with one change of each type that
 * the project could plausibly make next. Changes that hit a documented refusal stay in the list:
 * the suite reports them as refused, with the tool's message.
 */
export const CORPUS: CorpusSchema[] = [
  {
    // Multi-file schema, relationMode = "prisma": no foreign keys in the database.
    name: 'raypx',
    ci: ['add-relation', 'remove-relation', 'add-table'],
    changes: [
      { type: 'add-column', what: 'User.locale', options: { targetTable: 'User', name: 'locale', type: 'String', optional: true } },
      { type: 'add-index', what: 'Account (providerId, accountId)', options: { targetTable: 'Account', fields: 'providerId,accountId' } },
      {
        type: 'add-relation',
        what: 'Session.impersonatedBy → User',
        options: { targetTable: 'Session', field: 'impersonator', references: 'User', optional: true, relationName: 'Impersonation', backRelationField: 'impersonatedSessions' },
      },
      {
        type: 'add-table',
        what: 'Passkey, owned by a User',
        options: {
          name: 'Passkey',
          map: 'passkey',
          fields: [
            { name: 'name', type: 'String', optional: true },
            { name: 'publicKey', type: 'String' },
            { name: 'createdAt', type: 'DateTime', default: 'now()' },
          ],
          relations: [{ field: 'user', references: 'User', onDelete: 'Cascade' }],
        },
      },
      { type: 'modify-column', what: 'Session.ipAddress to VARCHAR(45)', options: { targetTable: 'Session', column: 'ipAddress', dbType: 'VarChar(45)', confirmDataLoss: true } },
      { type: 'remove-column', what: 'Account.idToken', options: { targetTable: 'Account', column: 'idToken', confirmDataLoss: true } },
      { type: 'remove-index', what: 'Verification (identifier)', options: { targetTable: 'Verification', fields: 'identifier' } },
      { type: 'remove-relation', what: 'Account.user', options: { targetTable: 'Account', field: 'user' } },
      { type: 'remove-table', what: 'Verification', options: { targetTable: 'Verification', confirmDataLoss: true } },
      { type: 'rename', what: 'Account.scope → scopes', options: { targetTable: 'Account', field: 'scope', to: 'scopes' } },
    ],
  },
  {
    // Self-relations, Timestamptz(3), models with no id (InvitedUsers), named @@unique.
    name: 'hoppscotch',
    ci: ['rename', 'remove-index'],
    changes: [
      { type: 'add-column', what: 'TeamCollection.description', options: { targetTable: 'TeamCollection', name: 'description', type: 'String', optional: true } },
      { type: 'add-index', what: 'UserHistory (userUid, executedOn)', options: { targetTable: 'UserHistory', fields: 'userUid,executedOn' } },
      {
        type: 'add-relation',
        what: 'InfraToken.creatorUid → User.uid',
        options: { targetTable: 'InfraToken', field: 'creator', references: 'User', fields: 'creatorUid', onDelete: 'Cascade', backRelationField: 'infraTokens' },
      },
      {
        type: 'add-table',
        what: 'TeamTag, owned by a Team',
        options: {
          name: 'TeamTag',
          fields: [
            { name: 'name', type: 'String' },
            { name: 'createdOn', type: 'DateTime', default: 'now()', dbType: 'Timestamptz(3)' },
          ],
          relations: [{ field: 'team', references: 'Team', fields: ['teamID'], onDelete: 'Cascade' }],
        },
      },
      { type: 'modify-column', what: 'MockServerLog.responseTime Int → BigInt', options: { targetTable: 'MockServerLog', column: 'responseTime', type: 'BigInt' } },
      { type: 'remove-column', what: 'MockServer.hitCount', options: { targetTable: 'MockServer', column: 'hitCount', confirmDataLoss: true } },
      { type: 'remove-index', what: 'MockServerLog (mockServerID), a prefix of (mockServerID, executedAt)', options: { targetTable: 'MockServerLog', fields: 'mockServerID' } },
      { type: 'remove-relation', what: 'Shortcode.User', options: { targetTable: 'Shortcode', field: 'User' } },
      { type: 'remove-table', what: 'MockServerActivity', options: { targetTable: 'MockServerActivity', confirmDataLoss: true } },
      { type: 'rename', what: 'TeamEnvironment.name → title', options: { targetTable: 'TeamEnvironment', field: 'name', to: 'title' } },
    ],
  },
  {
    // @db.Uuid everywhere, `@id()`, models keyed only by a (compound) unique.
    name: 'dittofeed',
    ci: [],
    changes: [
      { type: 'add-column', what: 'Journey.description', options: { targetTable: 'Journey', name: 'description', type: 'String', optional: true } },
      { type: 'add-index', what: 'Broadcast (segmentId)', options: { targetTable: 'Broadcast', fields: 'segmentId' } },
      {
        type: 'add-relation',
        what: 'UserJourneyEvent.workspace (the schema\'s "TODO add workspace id")',
        options: { targetTable: 'UserJourneyEvent', field: 'workspace', references: 'Workspace', optional: true, onDelete: 'Cascade', backRelationField: 'UserJourneyEvent' },
      },
      {
        type: 'add-table',
        what: 'Webhook, per Workspace',
        options: {
          name: 'Webhook',
          id: { name: 'id', type: 'String', default: 'uuid()', dbType: 'Uuid' },
          fields: [
            { name: 'name', type: 'String' },
            { name: 'url', type: 'String' },
            { name: 'createdAt', type: 'DateTime', default: 'now()' },
          ],
          relations: [{ field: 'workspace', references: 'Workspace', onDelete: 'Cascade' }],
          indexes: [{ fields: ['workspaceId', 'name'], unique: true }],
        },
      },
      { type: 'modify-column', what: 'Broadcast.triggeredAt to timestamptz', options: { targetTable: 'Broadcast', column: 'triggeredAt', dbType: 'Timestamptz(3)' } },
      { type: 'remove-column', what: 'EmailTemplate.from', options: { targetTable: 'EmailTemplate', column: 'from', confirmDataLoss: true } },
      { type: 'remove-index', what: 'UserPropertyAssignment (userId)', options: { targetTable: 'UserPropertyAssignment', fields: 'userId' } },
      { type: 'remove-relation', what: 'Broadcast.segment', options: { targetTable: 'Broadcast', field: 'segment' } },
      { type: 'remove-table', what: 'SegmentIOConfiguration', options: { targetTable: 'SegmentIOConfiguration', confirmDataLoss: true } },
      { type: 'rename', what: 'WorkspaceMembeAccount → WorkspaceMemberAccount (a typo)', options: { targetTable: 'WorkspaceMembeAccount', to: 'WorkspaceMemberAccount' } },
    ],
  },
  {
    // @map/@@map to snake_case everywhere, composite @@id, enums with @map values, GIN with ops.
    name: 'langfuse',
    ci: [],
    changes: [
      { type: 'add-column', what: 'Dashboard.isPinned', options: { targetTable: 'Dashboard', name: 'isPinned', type: 'Boolean', default: false } },
      { type: 'add-index', what: 'Prompt (labels), a String[]', options: { targetTable: 'Prompt', fields: 'labels' } },
      {
        type: 'add-relation',
        what: 'Comment.authorUserId → User',
        options: { targetTable: 'Comment', field: 'author', references: 'User', fields: 'authorUserId', optional: true, onDelete: 'SetNull', backRelationField: 'comments' },
      },
      {
        type: 'add-table',
        what: 'PromptFavorite (user × prompt)',
        options: {
          name: 'PromptFavorite',
          map: 'prompt_favorites',
          fields: [{ name: 'createdAt', type: 'DateTime', default: 'now()' }],
          relations: [
            { field: 'prompt', references: 'Prompt', onDelete: 'Cascade' },
            { field: 'user', references: 'User', onDelete: 'Cascade' },
          ],
        },
      },
      { type: 'modify-column', what: 'Prompt.version Int → BigInt (in a unique index)', options: { targetTable: 'Prompt', column: 'version', type: 'BigInt' } },
      { type: 'remove-column', what: 'Prompt.isActive ("Deprecated. To be removed")', options: { targetTable: 'Prompt', column: 'isActive', confirmDataLoss: true } },
      { type: 'remove-index', what: 'Prompt (updatedAt)', options: { targetTable: 'Prompt', fields: 'updatedAt' } },
      { type: 'remove-relation', what: 'Dashboard.updatedByUser', options: { targetTable: 'Dashboard', field: 'updatedByUser' } },
      { type: 'remove-table', what: 'BillingMeterBackup', options: { targetTable: 'BillingMeterBackup', confirmDataLoss: true } },
      { type: 'rename', what: 'Comment.content → body', options: { targetTable: 'Comment', field: 'content', to: 'body' } },
    ],
  },
  {
    // 81 models, enum lists with defaults, Decimal(p,s), JsonB, doc comments everywhere.
    name: 'trigger-dev',
    ci: [],
    changes: [
      { type: 'add-column', what: 'TaskRunTag.color', options: { targetTable: 'TaskRunTag', name: 'color', type: 'String', optional: true } },
      { type: 'add-index', what: 'ProjectAlertChannel (alertTypes), an enum list', options: { targetTable: 'ProjectAlertChannel', fields: 'alertTypes' } },
      {
        type: 'add-relation',
        what: 'ProjectAlertChannel.createdBy → User',
        options: { targetTable: 'ProjectAlertChannel', field: 'createdBy', references: 'User', optional: true, onDelete: 'SetNull', backRelationField: 'alertChannels' },
      },
      {
        type: 'add-table',
        what: 'AlertChannelMute, per channel',
        options: {
          name: 'AlertChannelMute',
          fields: [
            { name: 'until', type: 'DateTime' },
            { name: 'reason', type: 'String', optional: true },
          ],
          relations: [{ field: 'channel', references: 'ProjectAlertChannel', onDelete: 'Cascade' }],
        },
      },
      { type: 'modify-column', what: 'TaskRunTag.name to VARCHAR(128) (in a unique and an index)', options: { targetTable: 'TaskRunTag', column: 'name', dbType: 'VarChar(128)' } },
      {
        type: 'remove-column',
        what: 'ProjectAlertChannel.userProvidedDeduplicationKey',
        options: { targetTable: 'ProjectAlertChannel', column: 'userProvidedDeduplicationKey', confirmDataLoss: true },
      },
      { type: 'remove-index', what: 'TaskRunTag (name, id)', options: { targetTable: 'TaskRunTag', fields: 'name,id' } },
      { type: 'remove-relation', what: 'BulkActionGroup.environment', options: { targetTable: 'BulkActionGroup', field: 'environment' } },
      { type: 'remove-table', what: 'CustomerQuery', options: { targetTable: 'CustomerQuery', confirmDataLoss: true } },
      { type: 'rename', what: 'TaskRunTag.friendlyId → publicId', options: { targetTable: 'TaskRunTag', field: 'friendlyId', to: 'publicId' } },
    ],
  },
  {
    // 302 models: Citext, VarChar(n), Decimal(p,s), enum lists, relations to non-id fields, composite @@id.
    name: 'civitai',
    ci: [],
    changes: [
      { type: 'add-column', what: 'Tag.description', options: { targetTable: 'Tag', name: 'description', type: 'String', optional: true } },
      { type: 'add-index', what: 'Tag (target), an enum list', options: { targetTable: 'Tag', fields: 'target' } },
      {
        type: 'add-relation',
        what: 'UserLink.verifiedBy → User',
        options: { targetTable: 'UserLink', field: 'verifiedBy', references: 'User', optional: true, onDelete: 'SetNull', relationName: 'verifiedLinks', backRelationField: 'verifiedLinks' },
      },
      {
        type: 'add-table',
        what: 'ArticleBookmark (user × article)',
        options: {
          name: 'ArticleBookmark',
          fields: [{ name: 'createdAt', type: 'DateTime', default: 'now()' }],
          relations: [
            { field: 'article', references: 'Article', onDelete: 'Cascade' },
            { field: 'user', references: 'User', onDelete: 'Cascade' },
          ],
        },
      },
      { type: 'modify-column', what: 'ApiKey.name to VARCHAR(100)', options: { targetTable: 'ApiKey', column: 'name', dbType: 'VarChar(100)', confirmDataLoss: true } },
      { type: 'remove-column', what: 'Article.cover (superseded by coverId)', options: { targetTable: 'Article', column: 'cover', confirmDataLoss: true } },
      { type: 'remove-index', what: 'ApiKey (clientId)', options: { targetTable: 'ApiKey', fields: 'clientId' } },
      { type: 'remove-relation', what: 'Question.selectedAnswer (self-reference through Answer)', options: { targetTable: 'Question', field: 'selectedAnswer' } },
      { type: 'remove-table', what: 'UserLink', options: { targetTable: 'UserLink', confirmDataLoss: true } },
      { type: 'rename', what: 'Collection.description → summary', options: { targetTable: 'Collection', field: 'description', to: 'summary' } },
    ],
  },
];
