import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/testing-your-bot.md promises that its example runs in the suite: keep the two identical.
const MARKER = '<!-- runs as tests/e2e/docs-example.test.ts -->';

function normalise(code: string): string {
  return code
    .replaceAll("'../../src/testing/index.js'", "'soc-kit/testing'")
    .replace(/\s+/g, ' ')
    .trim();
}

describe('docs/testing-your-bot.md', () => {
  it('shows exactly the code of tests/e2e/docs-example.test.ts', () => {
    const guide = readFileSync(new URL('../../docs/testing-your-bot.md', import.meta.url), 'utf8');
    const test = readFileSync(new URL('../e2e/docs-example.test.ts', import.meta.url), 'utf8');
    const start = guide.indexOf(MARKER);
    expect(start).toBeGreaterThan(-1);
    const block = /```ts\n([\s\S]*?)```/.exec(guide.slice(start));
    expect(block?.[1]).toBeDefined();
    expect(normalise(block![1]!)).toBe(normalise(test));
  });
});
