// `npm test` writes Jest's JSON results here for the CI summary line.
require('node:fs').mkdirSync(require('node:path').join(__dirname, '../../tmp/test-results'), { recursive: true });

module.exports = {
  displayName: 'migration',
  preset: '../../jest.preset.js',
  rootDir: '.',
  roots: ['<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/src/testing/quiet-console.ts'],
  moduleNameMapper: {
    // Generated registries import `./x.js` for `./x.ts` (module node16/nodenext); Jest's resolver,
    // unlike Node's with our ts-loader, does not apply TypeScript's rule on its own.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@mrleebo/prisma-ast$': '<rootDir>/src/testing/native/prisma-ast.js',
  },
  // Integration specs start a real PostgreSQL; give them room on 2 cores.
  testTimeout: 120000,
  maxWorkers: 2,
};
