require('node:fs').mkdirSync(require('node:path').join(__dirname, '../../tmp/test-results'), { recursive: true });

module.exports = {
  displayName: 'migration-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  roots: ['<rootDir>/src'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // Each test drives real `nx` processes and a real PostgreSQL.
  testTimeout: 240000,
  maxWorkers: 1,
  // Run one after another, the e2e specs are the suite's critical path: the longer journeys
  // (hand edits through migrate-dev, an adopted stock-Prisma history, the pnpm install, the checklist walk-through
  // that runtime/checklist's specs prove on a real server) run in
  // `npm run test:e2e-extended`.
  testPathIgnorePatterns: process.env.FORGE_E2E_EXTENDED ? [] : ['/dev\\.spec\\.ts$', '/adopted-history\\.spec\\.ts$', '/pnpm\\.spec\\.ts$', '/checklist\\.spec\\.ts$'],
};
