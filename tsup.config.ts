import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // One entry per public subpath. The SDK adapters are separate entries so the core never loads an SDK.
    entry: {
      index: 'src/index.ts',
      test: 'src/test.ts',
      openai: 'src/openai.ts',
      anthropic: 'src/anthropic.ts',
      simulation: 'src/simulation.ts',
      'ai-sdk': 'src/ai-sdk.ts',
      langchain: 'src/langchain.ts',
      'openai-agents': 'src/openai-agents.ts',
      redis: 'src/redis.ts',
      admin: 'src/admin.ts',
      telemetry: 'src/telemetry.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
    // SDKs and agent frameworks are optional peers, each reached only through its own subpath.
    external: ['openai', '@anthropic-ai/sdk', /^@ai-sdk\//, /^@langchain\//, /^@openai\/agents/, 'ai', 'langchain', 'ioredis', /^@opentelemetry\//],
  },
  {
    // The command-line tool: ESM only, run by Node (the package's `bin`).
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    external: ['openai', '@anthropic-ai/sdk'],
  },
]);
