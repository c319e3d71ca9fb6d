// The floor for bench/generate: Prisma's engine diff for one change in a fresh Node process:
// load the WebAssembly engine, start it on the offline adapter, diff two schemas. Nothing else.
//   node bench/engine-diff-floor.mjs before.prisma after.prisma [SQL the diff must contain]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// The plugin as the working directory resolves it: bench/generate runs this in its scratch workspace.
const require = createRequire(join(process.cwd(), 'package.json'));
const { withSchemaEngine } = require('@forge/migration/dist/engine/schema-engine.js');
const { OfflineAdapterFactory } = require('@forge/migration/dist/engine/offline-adapter.js');

const [beforePath, afterPath, expected = 'CREATE INDEX'] = process.argv.slice(2);
const before = [{ path: 'schema.prisma', content: readFileSync(beforePath, 'utf8') }];
const after = [{ path: 'schema.prisma', content: readFileSync(afterPath, 'utf8') }];
const filters = { externalTables: [], externalEnums: [] };
const sql = await withSchemaEngine(new OfflineAdapterFactory(), after, (engine) =>
  engine.diff({ from: { tag: 'schemaDatamodel', files: before }, to: { tag: 'schemaDatamodel', files: after }, script: true, exitCode: null, filters }),
);
if (!sql.stdout.includes(expected)) throw new Error(`unexpected diff: ${sql.stdout}`);
