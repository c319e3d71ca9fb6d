import type { SchemaFile } from '../engine/schema-engine';

const CONNECTION_KEYS = new Set(['url', 'directUrl', 'shadowDatabaseUrl']);

/**
 * The schema as Prisma 7's engine accepts it. Schemas written for Prisma 6 keep connection URLs in
 * the datasource block (`url = env("DATABASE_URL")`), which Prisma 7 rejects; the engine gets the
 * files without those lines, while the user's files keep them.
 */
export function toEngineSchema(files: SchemaFile[]): SchemaFile[] {
  return files.map((file) => ({ path: file.path, content: withoutConnectionUrls(file.content) }));
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
