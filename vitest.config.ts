import { defineConfig } from 'vitest/config';

const packages = ['sync', 'appliance', 'edge', 'pwa', 'firmware-config', 'test', 'centre'];

export default defineConfig({
  test: {
    projects: packages.map((name) => ({
      test: {
        name,
        root: `./${name}`,
        include: ['src/**/*.test.ts', '*.test.ts'],
      },
    })),
    coverage: {
      provider: 'v8',
      include: ['sync/src/domain/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.generated.ts', '**/test-support.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: { lines: 90 },
    },
  },
});
