import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['scripts/test/**/*.test.ts'],
    globalSetup: ['scripts/test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The workflow parser imports JSON without import attributes, which Node's own loader refuses.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
