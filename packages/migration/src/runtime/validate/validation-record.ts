import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MigrationsDirectory } from '../../engine/migrations';
import type { ValidationReport } from './validate';

/** What `migrate-validate` proved, keyed by checksums: the checklist trusts it only for these exact files. */
export interface ValidationRecord {
  project: string;
  validatedAt: string;
  ok: boolean;
  migrations: { name: string; checksum: string; downChecksum: string | null; verdict: 'pass' | 'fail'; upMs: number; downMs: number }[];
}

export function validationRecordPath(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, '.forge', 'validation', `${project}.json`);
}

export function writeValidationRecord(path: string, project: string, directory: MigrationsDirectory, report: ValidationReport): ValidationRecord {
  const record: ValidationRecord = {
    project,
    validatedAt: new Date().toISOString(),
    ok: report.ok,
    migrations: report.migrations.map((m) => {
      const folder = directory.migrations.find((f) => f.name === m.migration)!;
      return {
        name: m.migration,
        checksum: folder.checksum,
        downChecksum: folder.downSql === null ? null : createHash('sha256').update(folder.downSql).digest('hex'),
        verdict: m.verdict,
        upMs: Math.round(m.upMs),
        downMs: Math.round(m.downMs),
      };
    }),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

export function readValidationRecord(path: string): ValidationRecord | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ValidationRecord) : undefined;
}
