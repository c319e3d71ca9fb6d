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
};
