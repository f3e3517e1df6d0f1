import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs the dashboard's tests on their own: `npx vitest run --config web/vitest.config.ts`.
// The root config should include `web/**/*.test.ts` as well (see README.md).
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['web/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
