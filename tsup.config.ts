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
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
    external: ['openai', '@anthropic-ai/sdk'],
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
