import { posix } from 'node:path';

// Kept apart from runtime/embedded-state.ts: the plugin's graph code needs only these names, not pg.

/** `.forge/state/<project root>.txt`, relative to the workspace root (the runtime input's cwd). */
export function embeddedStateFile(projectRoot: string): string {
  return posix.join('.forge', 'state', `${projectRoot.replace(/\//g, '__') || 'root'}.txt`);
}

/**
 * The shell command whose output enters migrate-validate's hash: that file, or nothing when it does
 * not exist. No database and one with nothing applied prove the same (everything is pending), so
 * they hash the same: the first run, which creates the embedded database, keeps its cache entry.
 */
export function embeddedStateCommand(projectRoot: string): string {
  const file = embeddedStateFile(projectRoot);
  return `node -e "try{process.stdout.write(require('fs').readFileSync('${file}','utf8'))}catch{}"`;
}
