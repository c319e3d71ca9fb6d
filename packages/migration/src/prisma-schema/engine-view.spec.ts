import { diffSchemas } from '../engine/operations';
import { toEngineSchema, withoutRetiredPreviewFeatures } from './engine-view';

/** A Prisma 6 schema as real projects wrote it (Langfuse, Civitai, Trigger.dev list these features). */
const PRISMA6_SCHEMA = `generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["views", "metrics", "tracing", "driverAdapters"]
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Account {
  id   String @id
  name String
}
`;

describe('the schema the engine reads', () => {
  it("drops the preview features Prisma 7 retired, keeps the ones it knows, and leaves the user's text alone otherwise", () => {
    expect(withoutRetiredPreviewFeatures('  previewFeatures = ["views", "metrics", "tracing", "driverAdapters"]\n')).toBe('  previewFeatures = ["views"]\n');
    expect(withoutRetiredPreviewFeatures('  previewFeatures = ["metrics"]\n')).toBe('  previewFeatures = []\n');
    expect(withoutRetiredPreviewFeatures('  previewFeatures = ["relationJoins", "typedSql"]\n')).toBe('  previewFeatures = ["relationJoins", "typedSql"]\n');
    const noFeatures = 'generator client {\n  provider = "prisma-client-js"\n}\n';
    expect(withoutRetiredPreviewFeatures(noFeatures)).toBe(noFeatures);
  });

  it('lets the real engine diff a Prisma 6 schema that lists retired preview features', async () => {
    const files = [{ path: 'schema.prisma', content: PRISMA6_SCHEMA }];
    expect(toEngineSchema(files)[0].content).not.toMatch(/metrics|tracing|driverAdapters|env\("DATABASE_URL"\)/);
    const sql = await diffSchemas(null, files);
    expect(sql).toMatch(/CREATE TABLE "Account"/);
  });
});
