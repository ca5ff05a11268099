import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // "Today" is the local date (src/core/dates.ts isoDateOf) and tests freeze the clock at
    // 2026-11-23T12:00:00Z: one zone for every developer, so the expected dates hold anywhere.
    env: { TZ: 'UTC' },
  },
});
