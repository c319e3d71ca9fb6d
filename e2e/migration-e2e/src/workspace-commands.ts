import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NxResult {
  code: number;
  output: string;
}

/** The environment without the test runner's nx/npm variables (they would point nx at the repository). */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && !k.startsWith('npm_') && k !== 'DATABASE_URL' && k !== 'INIT_CWD'),
  );
}

/** What the e2e tests do in a workspace directory: run nx and git there, and remove it. */
export abstract class WorkspaceCommands {
  protected constructor(
    readonly root: string,
    private readonly nxBin: string,
  ) {}

  /** Runs `nx …` in the workspace: daemon and plugin isolation off, NX_* from the outside stripped. */
  nx(args: string[], env: Record<string, string> = {}): NxResult {
    const result = spawnSync(process.execPath, [this.nxBin, ...args], {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...cleanEnv(), NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', ...env },
      timeout: 180_000,
    });
    return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  }

  /** Like nx(), but fails the test with the output when nx fails. */
  nxOk(args: string[], env: Record<string, string> = {}): string {
    const result = this.nx(args, env);
    if (result.code !== 0) throw new Error(`nx ${args.join(' ')} exited ${result.code}:\n${result.output}`);
    return result.output;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...cleanEnv(), GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' },
    });
  }

  /** Commits everything in the workspace. */
  commitAll(message: string): void {
    this.git('add', '-A');
    this.git('commit', '-qm', message);
  }

  /** `nx affected -t <target>` over the last commit. */
  affectedByLastCommit(target: string): string {
    return this.nxOk(['affected', '-t', target, '--base=HEAD~1', '--head=HEAD', '--outputStyle=static']);
  }

  /** Writes a file of the workspace (path relative to its root). */
  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), content);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
