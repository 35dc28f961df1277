import { defineConfig } from 'tsup';

// One entry per public subpath. The SDK adapters are separate entries so the core never loads an SDK.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    test: 'src/test.ts',
    openai: 'src/openai.ts',
    anthropic: 'src/anthropic.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  external: ['openai', '@anthropic-ai/sdk'],
});
