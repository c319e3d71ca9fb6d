import type { SchemaFile } from '../engine/schema-engine';

const CONNECTION_KEYS = new Set(['url', 'directUrl', 'shadowDatabaseUrl']);

/**
 * Preview features Prisma 7's engine no longer knows and refuses ("The preview feature … is not
 * known"): they concerned the client only, or became generally available. None changes what a
 * migration creates, so the engine may run without them.
 */
const RETIRED_PREVIEW_FEATURES = new Set([
  'clientExtensions',
  'deno',
  'driverAdapters',
  'extendedIndexes',
  'extendedWhereUnique',
  'fieldReference',
  'filteredRelationCount',
  'fullTextIndex',
  'fullTextSearch',
  'improvedQueryRaw',
  'interactiveTransactions',
  'jsonProtocol',
  'metrics',
  'multiSchema',
  'namedConstraints',
  'omitApi',
  'orderByNulls',
  'prismaSchemaFolder',
  'referentialIntegrity',
  'tracing',
]);

/**
 * The schema as Prisma 7's engine accepts it. Schemas written for Prisma 6 keep connection URLs in
 * the datasource block (`url = env("DATABASE_URL")`) and list preview features that Prisma 7
 * retired, both of which Prisma 7 rejects; the engine gets the files without them, while the
 * user's files keep them.
 */
export function toEngineSchema(files: SchemaFile[]): SchemaFile[] {
  return files.map((file) => ({ path: file.path, content: withoutRetiredPreviewFeatures(withoutConnectionUrls(file.content)) }));
}

/** `previewFeatures = ["views", "metrics"]` → `previewFeatures = ["views"]`, in every generator block. */
export function withoutRetiredPreviewFeatures(content: string): string {
  return content.replace(/^(\s*previewFeatures\s*=\s*\[)([^\]]*)\]/gm, (_all, head: string, list: string) => {
    const kept = list.split(',').filter((item) => {
      const name = /^\s*"([^"]*)"\s*$/.exec(item)?.[1];
      return name === undefined ? item.trim() !== '' : !RETIRED_PREVIEW_FEATURES.has(name);
    });
    return `${head}${kept.map((item) => item.trim()).join(', ')}]`;
  });
}

export function withoutConnectionUrls(content: string): string {
  const lines = content.split('\n');
  let inDatasource = false;
  return lines
    .filter((line) => {
      if (/^\s*datasource\s+\w+\s*\{/.test(line)) inDatasource = true;
      else if (inDatasource && /^\s*\}/.test(line)) inDatasource = false;
      else if (inDatasource) {
        const key = /^\s*(\w+)\s*=/.exec(line)?.[1];
        if (key && CONNECTION_KEYS.has(key)) return false;
      }
      return true;
    })
    .join('\n');
}

/** The `env("…")` variable a Prisma 6 datasource reads its URL from, if any. */
export function datasourceUrlEnv(files: SchemaFile[]): string | undefined {
  return datasourceEnv(files, 'url');
}

/** The `env("…")` variable of a Prisma 6 datasource's `url`, `directUrl` or `shadowDatabaseUrl`, if any. */
export function datasourceEnv(files: SchemaFile[], key: 'url' | 'directUrl' | 'shadowDatabaseUrl'): string | undefined {
  for (const file of files) {
    const block = /datasource\s+\w+\s*\{([^}]*)\}/.exec(file.content)?.[1];
    const env = block && new RegExp(`^\\s*${key}\\s*=\\s*env\\(\\s*"([^"]+)"\\s*\\)`, 'm').exec(block)?.[1];
    if (env) return env;
  }
  return undefined;
}
