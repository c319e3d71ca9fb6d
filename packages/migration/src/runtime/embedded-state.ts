import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { embeddedStateFile } from '../workspace/embedded-state-file';
import { appliedRecords, readMigrationRecords } from './migration-records';
import { withClient } from './pg-client';

// migrate-validate proves what is pending on the database it finds; without DATABASE_URL that is
// the workspace's embedded one, whose state no file in the repository shows. The commands that use
// it leave what is applied there in a small file, which the cache key of migrate-validate reads
// (a runtime input: .forge/ is git-ignored, so Nx would not hash it as a file).

/** Records the migrations applied on the project's embedded database: one `name checksum` line each. */
export async function recordEmbeddedState(workspaceRoot: string, projectRoot: string, url: string): Promise<void> {
  const applied = appliedRecords(await withClient(url, readMigrationRecords));
  const path = join(workspaceRoot, embeddedStateFile(projectRoot));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, applied.map((r) => `${r.name} ${r.checksum}\n`).sort().join(''));
}
