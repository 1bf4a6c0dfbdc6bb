import { describe, expect, it } from 'vitest';
import { SocKitError } from '../../src/core/index.js';
import { UnhandledRejectionError, watchUnhandledRejections } from '../../src/testing/index.js';

describe('watchUnhandledRejections', () => {
  it('collects reasons and throws them from assertNone, then stops listening', () => {
    const before = process.listenerCount('unhandledRejection');
    const watch = watchUnhandledRejections();
    expect(process.listenerCount('unhandledRejection')).toBe(before + 1);
    watch.assertNone();
    // Emit the event directly: a real unhandled rejection would also reach vitest's own handler.
    const cause = new Error('lost');
    process.emit('unhandledRejection', cause, Promise.resolve());
    process.emit('unhandledRejection', 'plain reason', Promise.resolve());
    expect(watch.reasons).toHaveLength(2);
    let thrown: unknown;
    try {
      watch.assertNone();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnhandledRejectionError);
    expect(thrown).toBeInstanceOf(SocKitError);
    expect(thrown).toMatchObject({
      code: 'UNHANDLED_REJECTION',
      cause,
      message: '2 unhandled rejection(s): Error: lost; plain reason',
    });
    expect((thrown as UnhandledRejectionError).reasons).toEqual([cause, 'plain reason']);
    expect(watch.reasons).toHaveLength(0);
    watch.stop();
    watch.stop();
    expect(process.listenerCount('unhandledRejection')).toBe(before);
  });
});
