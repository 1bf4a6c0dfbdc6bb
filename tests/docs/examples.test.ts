import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { collectDocExamples, writeDocExamples } from '../../scripts/doc-examples.js';

// Every `@example` in the TSDoc must run: an example that throws fails here.
const root = path.resolve(import.meta.dirname, '../..');
const examples = collectDocExamples(root);
const files = writeDocExamples(examples, path.join(root, '.tmp', 'doc-examples', 'run'));

describe('TSDoc @example blocks run', () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  afterAll(() => log.mockRestore());

  it('finds examples in the sources', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  examples.forEach((example, index) => {
    it(example.location, async () => {
      const file = files[index];
      if (file === undefined) throw new Error(`no file written for ${example.location}`);
      await import(pathToFileURL(file).href);
    });
  });
});
