/** Four projects, one per kind of test; `npm test` runs them all. */
import { availableParallelism } from 'node:os';

const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
export default {
  // Integration and e2e tests start real servers; on a busy 2-core machine the default 5 s is too tight.
  testTimeout: 30_000,
  // Workers, never in band (jest's default on 2 cores): each test file loads its modules afresh, and
  // in one long-lived process those registries pile up (aws-cdk-lib above all) until GC dominates:
  // in band the suite took 884 s here, in two workers recycled past 1 GB it took 429 s.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  workerIdleMemoryLimit: '1GB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
