import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'bus/index': 'src/bus/index.ts',
    'patterns/index': 'src/patterns/index.ts',
    'storage/index': 'src/storage/index.ts',
    'commands/index': 'src/commands/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // Shared code (core helpers) goes into chunks so each subpath stays small.
  splitting: true,
  treeshake: true,
});
