// Builds packages/migration in place: TypeScript → dist/, then the files tsc does not copy
// (generator schema.json and template folders) beside the compiled generators, and the
// repository's README and LICENSE into the package (npm pack takes them from there).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const projectDir = process.cwd();
const src = join(projectDir, 'src');
const dist = join(projectDir, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.lib.json'], { stdio: 'inherit', cwd: projectDir });

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const target = join(dist, relative(src, path));
    if (statSync(path).isDirectory()) {
      if (name === 'files') cpSync(path, target, { recursive: true });
      else if (name !== 'testing') copyAssets(path);
    } else if (name.endsWith('.json')) {
      cpSync(path, target);
    }
  }
}
copyAssets(src);
for (const file of ['README.md', 'LICENSE']) cpSync(join(projectDir, '../..', file), join(projectDir, file));
console.log(`Built ${relative(dirname(projectDir), projectDir)} → dist/`);
