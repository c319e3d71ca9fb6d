import type { Tree } from '@nx/devkit';
import { splitStatements, statementText } from '../sql/split-statements';
import { SAMPLE_MIGRATIONS, SAMPLE_SCHEMA, newMigrationFolders } from './sample-tree';

/** Readers of what generators wrote into a sample tree, shared by the generators' specs. */

export type ScriptFile = 'migration.sql' | 'down.sql';

export const LOCK_TIMEOUT_LINE = "SET LOCAL lock_timeout = '5s';";

export function readScript(tree: Tree, folder: string, file: ScriptFile = 'migration.sql'): string {
  return tree.read(`${SAMPLE_MIGRATIONS}/${folder}/${file}`, 'utf-8')!;
}

/** The lines of a script that are SQL: comment and blank lines left out. */
export function sqlLines(script: string): string[] {
  return script.split('\n').filter((line) => line.trim() && !line.startsWith('--'));
}

/** Each folder written after the baseline: its name without the timestamp, and the SQL lines of both scripts. */
export function newMigrations(tree: Tree): { folder: string; name: string; up: string[]; down: string[] }[] {
  return newMigrationFolders(tree).map((folder) => ({
    folder,
    name: folder.replace(/^\d{14}_/, ''),
    up: sqlLines(readScript(tree, folder)),
    down: sqlLines(readScript(tree, folder, 'down.sql')),
  }));
}

/** The stamp in the parked names of a remove-table migration (`…__removed__{stamp}`). */
export function parkedStamp(tree: Tree, folder: string): string {
  return /RENAME TO "[^"]*__removed__(\d{14})"/.exec(readScript(tree, folder))![1];
}

/** A script's SQL lines, a DO block kept whole as one entry (its body spans lines). */
export function scriptLines(tree: Tree, folder: string, file: ScriptFile = 'migration.sql'): string[] {
  return sqlLines(readScript(tree, folder, file).replace(/DO \$forge\$[\s\S]*?\$forge\$;/g, (block) => block.replace(/\n/g, '\u0000'))).map((line) =>
    line.replace(/\u0000/g, '\n'),
  );
}

/** A script's statements as PostgreSQL splits them, on one line each, without the lock_timeout line. */
export function scriptStatements(tree: Tree, folder: string, file: ScriptFile): string[] {
  return splitStatements(readScript(tree, folder, file))
    .map(statementText)
    .filter((statement) => !statement.startsWith('SET LOCAL lock_timeout'));
}

/** One `model X { … }` block of a schema file, or '' when the model is not there. */
export function modelBlock(tree: Tree, name: string, path = SAMPLE_SCHEMA): string {
  const schema = tree.read(path, 'utf-8')!;
  const start = schema.indexOf(`model ${name} {`);
  return start < 0 ? '' : schema.slice(start, schema.indexOf('\n}', start) + 2);
}
