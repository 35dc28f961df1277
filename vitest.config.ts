import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples import the package by name, as users do; resolve it to the sources.
    alias: [
      { find: /^llm-agent-router$/, replacement: src('index.ts') },
      { find: /^llm-agent-router\/(test|openai|anthropic|simulation|ai-sdk|langchain|openai-agents|redis|admin|telemetry)$/, replacement: src('$1.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
