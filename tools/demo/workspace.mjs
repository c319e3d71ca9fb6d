// The demo's scratch Nx workspace (tmp/demo) and the `nx` commands run in it, as a user would type them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createScratchWorkspace, nxBin, nxEnv, repoRoot } from '../../bench/lib.mjs';

const require = createRequire(import.meta.url);
const { embeddedDataDir } = require('@forge/migration/dist/runtime/database-selection.js');

/** A step that failed: the demo prints its message (and the command's output) and exits non-zero. */
export class DemoFailure extends Error {
  constructor(message, output = '') {
    super(message);
    this.output = output;
  }
}

/**
 * tmp/demo with a fresh copy of packages/prisma and the plugin registered in nx.json. The embedded
 * PostgreSQL's data persists between runs by design, so the previous run's cluster goes too: as root
 * it may live under the system temp directory rather than in the workspace.
 */
export function createDemoWorkspace() {
  stopNxDaemon(join(repoRoot, 'tmp/demo')); // one a previous run could not stop (interrupted) would serve a stale graph
  const root = createScratchWorkspace('demo');
  if (process.env.FORGE_EMBEDDED_PG_DIR) throw new DemoFailure('FORGE_EMBEDDED_PG_DIR is set: call ignoreUserDatabaseSettings() first.');
  const dataDir = embeddedDataDir(root);
  for (const path of [dataDir, `${dataDir}.credentials`, `${dataDir}.lock`]) rmSync(path, { recursive: true, force: true });
  return root;
}

/** Settings that would point the demo at the user's own databases (or make it delete one of theirs). */
const USER_DATABASE_SETTINGS = ['DATABASE_URL', 'FORGE_EMBEDDED_PG_DIR'];

/** Drops those settings for this process and every command it runs; returns the ones that were set. */
export function ignoreUserDatabaseSettings() {
  const set = USER_DATABASE_SETTINGS.filter((name) => process.env[name] !== undefined);
  for (const name of set) delete process.env[name];
  return set;
}

/**
 * Environment of every nx command: plain output, no cloud, and the Nx daemon as in a developer's
 * workspace: it keeps the project graph between the demo's twenty commands instead of each one
 * computing it again.
 */
const demoEnv = () => nxEnv({ NX_DAEMON: 'true', NX_TUI: 'false', FORCE_COLOR: '0' });

/** Stops the workspace's Nx daemon, if one runs (Nx records it in server-process.json). */
export function stopNxDaemon(root) {
  if (!existsSync(join(root, '.nx/workspace-data/d/server-process.json'))) return;
  spawnSync(process.execPath, [nxBin, 'daemon', '--stop'], { cwd: root, env: demoEnv(), stdio: 'ignore', timeout: 30_000 });
}

/**
 * Runs `nx …` in the workspace. `done` resolves to its output and wall time, or rejects with a
 * DemoFailure holding the output; `ready` resolves once the output matches `readyWhen` (or at the end).
 */
export function startNx(root, args, readyWhen) {
  const started = performance.now();
  const child = spawn(process.execPath, [nxBin, ...args], { cwd: root, env: demoEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const timeout = setTimeout(() => child.kill('SIGTERM'), 120_000);
  let output = '';
  let signalReady;
  const ready = new Promise((resolve) => (signalReady = resolve));
  const collect = (chunk) => {
    output += chunk;
    if (readyWhen?.test(output)) signalReady();
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      signalReady();
      if (code === 0) resolve({ output, ms: performance.now() - started });
      else reject(new DemoFailure(`nx ${args.join(' ')} exited ${code ?? signal}`, output));
    });
  });
  done.catch(() => undefined); // awaited later, possibly after it failed: not an unhandled rejection
  return { ready, done };
}

export const nx = (root, args) => startNx(root, args).done;
